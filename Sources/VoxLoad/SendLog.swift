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

    /// The worst send lag in each minute of packets (packet `j` falls in minute
    /// `j / packetsPerMinute`), nanoseconds; empty when not asked for.
    public private(set) var lagMaxByMinute: [Nanoseconds]
    private let packetsPerMinute: Int

    /// A log for `packets` packets; with `packetsPerMinute` it also keeps each minute's worst lag.
    public init(packets: Int, packetsPerMinute: Int = 0) {
        times = [Nanoseconds](repeating: 0, count: packets)
        self.packetsPerMinute = max(0, packetsPerMinute)
        let minutes = packetsPerMinute > 0 ? (packets + packetsPerMinute - 1) / packetsPerMinute : 0
        lagMaxByMinute = [Nanoseconds](repeating: 0, count: minutes)
    }

    /// Records a send of packet `index` at `time`, scheduled for `due`.
    public func record(packet index: Int, at time: Nanoseconds, due: Nanoseconds) {
        sent += 1
        lag.record(nanoseconds: time - due)
        if times[index] == 0 { times[index] = time } else { duplicates += 1 }
        if packetsPerMinute > 0 {
            let minute = index / packetsPerMinute
            lagMaxByMinute[minute] = max(lagMaxByMinute[minute], time - due)
        }
    }

    /// Each minute's worst send lag over `logs`, ms.
    public static func lagMaxByMinuteMs(_ logs: [SendLog]) -> [Double] {
        var out = [Double](repeating: 0, count: logs.map(\.lagMaxByMinute.count).max() ?? 0)
        for log in logs {
            for (m, lag) in log.lagMaxByMinute.enumerated() { out[m] = max(out[m], Double(lag) / 1e6) }
        }
        return out
    }
}
