import Synchronization

/// When each packet of one stream left voxload: the first send of packet j, in nanoseconds on the
/// monotonic clock, 0 while unsent (a lost packet stays 0). Allocated up front for every packet.
///
/// Thread-safety: one writer at a time (the sender thread, or the stream's WebSocket task); read
/// only after the sending has finished.
public final class SendLog: @unchecked Sendable {
    /// First send time per packet index; 0 = never sent.
    public private(set) var times: [Nanoseconds]
    /// Datagrams or messages written, duplicates included.
    public private(set) var sent = 0
    /// Second copies sent.
    public private(set) var duplicates = 0
    /// How late each send was against its scheduled time (the load tool's own lateness).
    public private(set) var lag = MicrosecondHistogram()

    /// A log for `packets` packets.
    public init(packets: Int) { times = [Nanoseconds](repeating: 0, count: packets) }

    /// Records a send of packet `index` at `time`, scheduled for `due`.
    public func record(packet index: Int, at time: Nanoseconds, due: Nanoseconds) {
        sent += 1
        lag.record(nanoseconds: time - due)
        if times[index] == 0 { times[index] = time } else { duplicates += 1 }
    }
}
