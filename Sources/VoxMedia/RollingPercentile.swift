/// A high percentile of recent durations (for example how long a stream's worker job waits and
/// runs), from fixed histograms: samples go into the current block; when it holds `blockSize`
/// samples the percentile is computed over it and the block before, and a new block starts.
/// So the figure follows the load within one to two blocks and costs O(1) per sample, O(buckets)
/// per block. A plain value with no clock and no allocation after init.
public struct RollingPercentile: Sendable, Equatable {
    /// Width of a histogram bucket.
    public let bucketWidth: Microseconds
    /// Samples per block.
    public let blockSize: Int
    /// The percentile reported, 0 < p <= 1 (0.99 = p99).
    public let percentile: Double
    private var current: [Int32]
    private var previous: [Int32]
    private var inBlock = 0
    private var previousCount = 0
    /// The percentile over the last one to two full blocks (rounded up to a bucket's end; samples
    /// beyond the last bucket count as its end); nil until the first block is full.
    public private(set) var value: Microseconds?

    /// A tracker of `buckets` buckets of `bucketWidth` each, reporting `percentile` every `blockSize` samples.
    public init(bucketWidth: Microseconds = 500, buckets: Int = 400, blockSize: Int = 2000, percentile: Double = 0.99) {
        precondition(bucketWidth > 0 && buckets > 0 && blockSize > 0 && percentile > 0 && percentile <= 1, "invalid percentile settings")
        self.bucketWidth = bucketWidth
        self.blockSize = blockSize
        self.percentile = percentile
        current = [Int32](repeating: 0, count: buckets)
        previous = current
    }

    /// Adds one duration; true when a block completed and ``value`` was recomputed.
    @discardableResult
    public mutating func record(_ duration: Microseconds) -> Bool {
        let bucket = min(max(Int(duration / bucketWidth), 0), current.count - 1)
        current[bucket] += 1
        inBlock += 1
        guard inBlock == blockSize else { return false }
        let total = inBlock + previousCount
        let rank = Int((Double(total) * percentile).rounded(.up))
        var seen = 0
        for b in 0..<current.count {
            seen += Int(current[b]) + Int(previous[b])
            if seen >= rank {
                value = Microseconds(b + 1) * bucketWidth
                break
            }
        }
        swap(&current, &previous)
        for b in 0..<current.count { current[b] = 0 }
        previousCount = inBlock
        inBlock = 0
        return true
    }
}
