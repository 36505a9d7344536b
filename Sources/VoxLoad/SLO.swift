/// One `--slo NAME=LIMIT` threshold: the run passes it when the measured value is at most the limit.
///
/// Names and units (a bare number takes the first unit listed):
/// - latency `p50`, `p90`, `p99`, `p999`, `max` (raw) and `net_p50` ... `net_max` (minus the
///   lookahead); `jitter_p50`, `jitter_p99`; `fanout_p99`; `drift` (absolute): `ms`, `us`, `s`
/// - `missing`, `undelivered`, `duplicate`, `out_of_order`, `late`, `held`, `misses` (server deadline misses): a count, or a percentage of the
///   frames expected (`missing=0.1%`)
/// - `cpu`: server CPU in cores (`1.5`), or `%` of one core; `rss`: `MB`, `kB`, `GB`;
///   `rss_growth`: how far the RSS rose above its value at the end of the warm-up, `%`
public struct SLO: Sendable, Equatable, Codable {
    /// Which measurement the limit applies to.
    public enum Metric: String, Sendable, Codable, CaseIterable {
        /// Raw latency percentiles and maximum, ms.
        case p50, p90, p99, p999, max
        /// Latency minus the lookahead, ms.
        case netP50 = "net_p50", netP90 = "net_p90", netP99 = "net_p99", netP999 = "net_p999", netMax = "net_max"
        /// Inter-frame jitter percentiles, ms.
        case jitterP50 = "jitter_p50", jitterP99 = "jitter_p99"
        /// Spread of one frame's arrival across a stream's receivers, ms.
        case fanOutP99 = "fanout_p99"
        /// |drift| of the frame timeline against the audio timeline, ms.
        case drift
        /// Frames missing or received twice, over all receivers.
        case missing, duplicate
        /// Missing frames another receiver of the stream got (lost in delivery, not unsent).
        case undelivered
        /// Frames received after a higher-numbered one.
        case outOfOrder = "out_of_order"
        /// The server's counters over all streams: `frames_late`, `frames_held` (at the end), and
        /// `deadline_misses` (frames held while their audio was arriving, read as the last packet
        /// leaves: the real-time criterion of a capacity run).
        case late, held, misses
        /// Server CPU (cores, averaged over the run) and peak RSS (MB).
        case cpu, rss
        /// Peak RSS after the warm-up against the RSS at its end (a soak's flat-memory criterion), %.
        case rssGrowth = "rss_growth"

        enum Kind { case duration, count, cpu, memory, percent }

        var kind: Kind {
            switch self {
            case .missing, .duplicate, .undelivered, .outOfOrder, .late, .held, .misses: .count
            case .cpu: .cpu
            case .rss: .memory
            case .rssGrowth: .percent
            default: .duration
            }
        }

        /// The unit of the value compared (and shown).
        public var unit: String {
            switch kind {
            case .duration: "ms"
            case .count: "frames"
            case .cpu: "cores"
            case .memory: "MB"
            case .percent: "%"
            }
        }
    }

    /// The measurement.
    public var metric: Metric
    /// The limit in the metric's unit (ms, frames, cores or MB), or a fraction of the frames
    /// expected when ``isFraction``.
    public var limit: Double
    /// True for a count given as a percentage.
    public var isFraction: Bool
    /// The argument as written.
    public var text: String

    /// Parses `NAME=LIMIT`, e.g. `p99=150ms`, `missing=0`, `missing=0.5%`, `rss=800MB`.
    public init(parsing text: String) throws(LoadError) {
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw .badSLO("'\(text)' is not NAME=LIMIT (e.g. p99=150ms, missing=0)") }
        let name = parts[0].trimmingSpaces
        guard let metric = Metric(rawValue: name) else {
            throw .badSLO("unknown measure '\(name)'; one of \(Metric.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let value = parts[1].trimmingSpaces.lowercased()
        var number = Substring(value)
        while let last = number.last, !(last.isNumber || last == ".") { number.removeLast() }
        let unit = value.dropFirst(number.count)
        guard let n = Double(number), n.isFinite, n >= 0 else {
            throw .badSLO("'\(text)': the limit must be a non-negative number with an optional unit")
        }
        let scale: Double?
        var fraction = false
        switch (metric.kind, String(unit)) {
        case (.duration, ""), (.duration, "ms"): scale = 1
        case (.duration, "us"): scale = 0.001
        case (.duration, "s"): scale = 1000
        case (.count, ""): scale = 1
        case (.count, "%"):
            scale = 0.01
            fraction = true
        case (.cpu, ""): scale = 1
        case (.cpu, "%"): scale = 0.01
        case (.memory, ""), (.memory, "mb"): scale = 1
        case (.memory, "kb"): scale = 1.0 / 1024
        case (.memory, "gb"): scale = 1024
        case (.percent, ""), (.percent, "%"): scale = 1
        default: scale = nil
        }
        guard let scale else { throw .badSLO("'\(text)': unit '\(unit)' does not fit \(metric.rawValue)") }
        self.metric = metric
        limit = n * scale
        isFraction = fraction
        self.text = text
    }
}

/// The outcome of one threshold.
public struct SLOResult: Sendable, Equatable, Codable {
    /// The argument as written.
    public var slo: String
    /// The measured value in the metric's unit (a fraction for percentage limits); nil when the run
    /// could not measure it, which fails the threshold.
    public var value: Double?
    /// The limit in the same unit.
    public var limit: Double
    /// The unit of value and limit.
    public var unit: String
    /// value <= limit.
    public var passed: Bool

    /// A result from its parts.
    public init(slo: String, value: Double?, limit: Double, unit: String, passed: Bool) {
        self.slo = slo
        self.value = value
        self.limit = limit
        self.unit = unit
        self.passed = passed
    }
}

extension SLO {
    /// Checks the threshold against a run's results.
    public func evaluate(_ run: RunResult) -> SLOResult {
        var value: Double?
        let latency = run.latencyMs
        let net = run.latencyMinusLookaheadMs
        switch metric {
        case .p50: value = latency?.p50
        case .p90: value = latency?.p90
        case .p99: value = latency?.p99
        case .p999: value = latency?.p999
        case .max: value = latency?.max
        case .netP50: value = net?.p50
        case .netP90: value = net?.p90
        case .netP99: value = net?.p99
        case .netP999: value = net?.p999
        case .netMax: value = net?.max
        case .jitterP50: value = run.jitterMs?.p50
        case .jitterP99: value = run.jitterMs?.p99
        case .fanOutP99: value = run.fanOutMs?.p99
        case .drift: value = abs(run.driftMs)
        case .missing: value = Double(run.frames.missing)
        case .duplicate: value = Double(run.frames.duplicate)
        case .undelivered: value = Double(run.frames.undelivered)
        case .outOfOrder: value = Double(run.frames.outOfOrder)
        case .late: value = run.deadlineMisses.map { Double($0.framesLate) }
        case .held: value = run.deadlineMisses.map { Double($0.framesHeld) }
        // While the audio flows: read as the last packet leaves, so the end-of-audio flush is not counted.
        case .misses: value = run.deadlineMissesAtAudioEnd.map { Double($0.deadlineMisses) }
        case .cpu: value = run.server?.cpuCores
        case .rss: value = run.server?.rssMaxMB
        case .rssGrowth: value = run.server?.rssGrowthPercent
        }
        var unit = metric.unit
        if isFraction, let v = value {
            let expected =
                metric == .late || metric == .held || metric == .misses
                ? run.frames.expected / Swift.max(1, run.receiversPerStream) : run.frames.expected
            value = expected > 0 ? v / Double(expected) : nil
            unit = "fraction"
        }
        let passed = value.map { $0 <= limit + 1e-9 } ?? false
        return SLOResult(slo: text, value: value, limit: limit, unit: unit, passed: passed)
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
