/// Frame latency minute by minute, in 1 ms buckets (0 to 999 ms; slower frames count in the last),
/// so a long run's tail can be placed in time: one bad minute, or a whole hour a little slower.
/// Memory is fixed by the number of minutes (4 KB a minute), not by the frames recorded.
public struct MinuteLatency: Sendable, Equatable {
    /// Buckets per minute: 1 ms each.
    public static let buckets = 1000
    /// Frames per minute of audio (60 fps).
    public static let framesPerMinute = 3600

    /// Minutes of audio covered.
    public let minutes: Int
    private var counts: [UInt32]

    /// An empty record of `minutes` minutes (0 or more).
    public init(minutes: Int) {
        self.minutes = max(0, minutes)
        counts = [UInt32](repeating: 0, count: self.minutes * Self.buckets)
    }

    /// An empty record long enough for frames 0..<frameCount.
    public init(frames frameCount: Int) {
        self.init(minutes: (max(0, frameCount) + Self.framesPerMinute - 1) / Self.framesPerMinute)
    }

    /// Records the latency of frame `frame` (its audio's minute picks the row; frames beyond the
    /// record or before it are ignored).
    public mutating func record(frame: Int, nanoseconds: Nanoseconds) {
        let minute = frame / Self.framesPerMinute
        guard frame >= 0, minute < minutes else { return }
        let bucket = Int(min(Nanoseconds(Self.buckets - 1), max(0, nanoseconds) / 1_000_000))
        let i = minute * Self.buckets + bucket
        if counts[i] < UInt32.max { counts[i] += 1 }
    }

    /// Adds `other`'s counts minute by minute (the longer record's length is kept).
    public mutating func add(_ other: MinuteLatency) {
        if other.minutes > minutes {
            var grown = MinuteLatency(minutes: other.minutes)
            grown.add(self)
            self = grown
        }
        for i in other.counts.indices {
            let (sum, overflow) = counts[i].addingReportingOverflow(other.counts[i])
            counts[i] = overflow ? UInt32.max : sum
        }
    }

    /// Frames recorded in `minute`.
    public func count(minute: Int) -> Int {
        guard minute >= 0, minute < minutes else { return 0 }
        return counts[minute * Self.buckets..<(minute + 1) * Self.buckets].reduce(0) { $0 + Int($1) }
    }

    /// The `quantile` (0-1) of `minute`'s latencies, ms, as the upper edge of its 1 ms bucket; nil
    /// when the minute has no frame.
    public func quantileMs(_ quantile: Double, minute: Int) -> Double? {
        let total = count(minute: minute)
        guard total > 0 else { return nil }
        let rank = max(1, Int((min(1, max(0, quantile)) * Double(total)).rounded(.up)))
        var seen = 0
        for b in 0..<Self.buckets {
            seen += Int(counts[minute * Self.buckets + b])
            if seen >= rank { return Double(b + 1) }
        }
        return Double(Self.buckets)
    }

    /// Each minute's p99, ms (0 for a minute without frames).
    public var p99Ms: [Double] { (0..<minutes).map { quantileMs(0.99, minute: $0) ?? 0 } }
}
