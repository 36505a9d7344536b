import Synchronization

/// What one receiver (a Live Link socket or a frame WebSocket) saw: the first arrival of each
/// expected frame on the monotonic clock, allocated up front, plus counts of duplicates,
/// out-of-order arrivals and frames past the expected range (the server's silence tail).
///
/// Thread-safety: one writer (the receiver's event loop or task); ``receivedExpected`` may be read
/// from any thread while it runs; everything else is read after the receiver has stopped.
public final class FrameLog: @unchecked Sendable {
    /// First arrival per frame index; 0 = not (yet) arrived.
    public private(set) var arrivals: [Nanoseconds]
    /// Arrivals of a frame already seen.
    public private(set) var duplicates = 0
    /// Arrivals of a new frame whose index is below one seen before.
    public private(set) var outOfOrder = 0
    /// Frames beyond the expected range (sent after the audio ended).
    public private(set) var extra = 0
    /// Messages that did not decode as a frame.
    public private(set) var malformed = 0
    /// Per expected frame: 1 when its first arrival was flagged *held* (frame WebSockets carry the
    /// flag; Live Link does not).
    public private(set) var held: [UInt8]
    private var highest = -1
    private let counted = Atomic<Int>(0)

    /// A log for frames 0..<expectedFrames.
    public init(expectedFrames: Int) {
        arrivals = [Nanoseconds](repeating: 0, count: expectedFrames)
        held = [UInt8](repeating: 0, count: expectedFrames)
    }

    /// Distinct expected frames received so far (safe to read while the receiver runs).
    public var receivedExpected: Int { counted.load(ordering: .relaxed) }

    /// Records frame `index` arriving at `time`, flagged held (the server had no fresh frame in time) or not.
    public func record(frame index: Int, at time: Nanoseconds, held isHeld: Bool = false) {
        guard index >= 0, index < arrivals.count else {
            extra += 1
            return
        }
        if arrivals[index] != 0 {
            duplicates += 1
            return
        }
        arrivals[index] = time
        if isHeld { held[index] = 1 }
        if index < highest { outOfOrder += 1 } else { highest = index }
        counted.add(1, ordering: .relaxed)
    }

    /// Counts a message that was not a frame.
    public func recordMalformed() { malformed += 1 }
}
