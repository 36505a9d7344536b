public import Histogram

/// Percentiles of one distribution, in milliseconds, as the report shows them.
public struct Summary: Sendable, Equatable, Codable {
    /// Median.
    public var p50: Double
    /// 90th percentile.
    public var p90: Double
    /// 99th percentile.
    public var p99: Double
    /// 99.9th percentile.
    public var p999: Double
    /// Largest value (exact).
    public var max: Double
    /// Values summarised.
    public var count: Int

    /// A summary from its parts.
    public init(p50: Double, p90: Double, p99: Double, p999: Double, max: Double, count: Int) {
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
        self.p999 = p999
        self.max = max
        self.count = count
    }

    /// The same distribution shifted down by `milliseconds` (latency minus the lookahead).
    public func shifted(by milliseconds: Double) -> Summary {
        func minus(_ v: Double) -> Double { ((v - milliseconds) * 1000).rounded() / 1000 }
        return Summary(p50: minus(p50), p90: minus(p90), p99: minus(p99), p999: minus(p999), max: minus(max), count: count)
    }

    enum CodingKeys: String, CodingKey { case p50, p90, p99, p999, max, count }
}

/// A microsecond histogram (HdrHistogram, 3 significant digits, up to 10 minutes) with its exact maximum.
public struct MicrosecondHistogram: Sendable {
    /// The HdrHistogram; values are microseconds.
    public private(set) var histogram = Histogram<UInt64>(
        lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
    /// Exact largest value recorded, in microseconds.
    public private(set) var maxValue: UInt64 = 0
    /// Values above the trackable range (counted at the range's top).
    public private(set) var clipped = 0

    /// An empty histogram.
    public init() {}

    /// Records a duration in nanoseconds (negative durations count as 0).
    public mutating func record(nanoseconds: Nanoseconds) {
        let micros = UInt64(Swift.max(0, nanoseconds) / 1000)
        maxValue = Swift.max(maxValue, micros)
        if !histogram.record(micros) {
            clipped += 1
            histogram.record(histogram.highestTrackableValue)
        }
    }

    /// Adds every value of `other`.
    public mutating func add(_ other: MicrosecondHistogram) {
        histogram.add(other.histogram)
        maxValue = Swift.max(maxValue, other.maxValue)
        clipped += other.clipped
    }

    /// Values recorded.
    public var count: Int { Int(histogram.totalCount) }

    /// p50, p90, p99, p99.9 and the exact max in milliseconds; nil when empty.
    public var summary: Summary? {
        guard histogram.totalCount > 0 else { return nil }
        func ms(_ p: Double) -> Double { Double(Swift.min(histogram.valueAtPercentile(p), maxValue)) / 1000 }
        return Summary(
            p50: ms(50), p90: ms(90), p99: ms(99), p999: ms(99.9), max: Double(maxValue) / 1000, count: Int(histogram.totalCount))
    }
}
