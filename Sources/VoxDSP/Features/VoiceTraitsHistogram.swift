/// A fixed histogram of counts over equal bins starting at `lowerEdge`; values outside the range
/// land in the first or last bin. Used by `VoiceTraitsAccumulator`, whose memory it keeps bounded.
struct VoiceTraitsHistogram: Sendable, Equatable {
    /// Left edge of bin 0, in the histogram's unit.
    let lowerEdge: Double
    /// Width of every bin, in the histogram's unit.
    let binWidth: Double
    /// Count per bin.
    private(set) var counts: [Int]
    /// Sum of `counts`.
    private(set) var total = 0

    /// An empty histogram of `binCount` bins.
    init(lowerEdge: Double, binWidth: Double, binCount: Int) {
        precondition(binWidth > 0 && binCount > 0, "invalid histogram layout")
        self.lowerEdge = lowerEdge
        self.binWidth = binWidth
        counts = [Int](repeating: 0, count: binCount)
    }

    /// The same layout with the given counts; nil if their number or a sign is wrong.
    func replacingCounts(_ newCounts: [Int]) -> Self? {
        guard newCounts.count == counts.count, newCounts.allSatisfy({ $0 >= 0 }) else { return nil }
        var copy = self
        copy.counts = newCounts
        copy.total = newCounts.reduce(0, Self.saturatingAdd)
        return copy
    }

    /// Index of the bin holding `value` (clamped to the range; NaN goes to bin 0).
    @inline(__always)
    func bin(of value: Double) -> Int {
        let position = (value - lowerEdge) / binWidth
        guard position >= 0 else { return 0 }
        return position < Double(counts.count) ? Int(position) : counts.count - 1
    }

    /// Counts one value.
    @inline(__always)
    mutating func add(_ value: Double) {
        counts[bin(of: value)] += 1
        total += 1
    }

    /// Adds another histogram of the same layout, bin by bin (saturating at `Int.max`).
    mutating func merge(_ other: Self) {
        precondition(other.counts.count == counts.count && other.lowerEdge == lowerEdge && other.binWidth == binWidth)
        for i in counts.indices { counts[i] = Self.saturatingAdd(counts[i], other.counts[i]) }
        total = Self.saturatingAdd(total, other.total)
    }

    /// The value below which a fraction `q` (0...1) of the counts lie, assuming the counts of a bin
    /// are spread evenly across it; nil when empty.
    func quantile(_ q: Double) -> Double? {
        guard total > 0 else { return nil }
        let target = min(max(q, 0), 1) * Double(total)
        var below = 0.0
        for (i, count) in counts.enumerated() where count > 0 {
            let c = Double(count)
            if below + c >= target {
                return lowerEdge + (Double(i) + (target - below) / c) * binWidth
            }
            below += c
        }
        return lowerEdge + Double(counts.count) * binWidth
    }

    /// `a + b`, or `Int.max` on overflow: decoded counts come from the network, and a profile
    /// must not trap on a hostile one.
    static func saturatingAdd(_ a: Int, _ b: Int) -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? Int.max : sum
    }
}
