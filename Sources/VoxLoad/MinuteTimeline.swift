/// The server's cumulative deadline-miss counter (`voxface_deadline_misses_total` from its
/// `/metrics`), sampled while the audio flows. Plain logic over values.
public struct MissSamples: Sendable, Equatable {
    /// Seconds since the audio started, one per sample, in order.
    public private(set) var seconds: [Double] = []
    /// The counter's value at each sample.
    public private(set) var totals: [Double] = []

    /// No samples yet.
    public init() {}

    /// Records the counter's `total` at `seconds` into the audio (a sample out of order is ignored).
    public mutating func record(seconds time: Double, total: Double) {
        guard time.isFinite, total.isFinite, time >= (seconds.last ?? -.infinity) else { return }
        seconds.append(max(0, time))
        totals.append(total)
    }

    /// Misses in each of `minutes` minutes: the rise between two samples counts in the minute of
    /// the later one (so with a sample every 10 s a miss may be counted up to 10 s late); a fall
    /// (a restarted server) counts as none, and what comes after the last minute counts in it.
    /// A rise beyond `limit` (a counter no server reaches) counts as `limit`.
    public func perMinute(minutes: Int) -> [Int] {
        guard minutes > 0 else { return [] }
        var out = [Int](repeating: 0, count: minutes)
        for i in totals.indices.dropFirst() {
            let rise = min(totals[i] - totals[i - 1], Self.limit)
            guard rise > 0 else { continue }
            let minute = min(minutes - 1, Int(min(seconds[i] / 60, Double(minutes))))
            out[minute] = min(Int(Self.limit), out[minute] + Int(rise.rounded()))
        }
        return out
    }

    /// The most misses one minute counts (10^12: a million streams missing every frame for a year).
    static let limit: Double = 1e12
}

/// A run minute by minute: the server's deadline misses next to voxload's own worst send lag, so
/// a soak's misses show whether they came in a burst when the machine stalled both processes (the
/// load tool's sends late too) or as a steady trickle. In the JSON report as `by_minute`.
public struct MinuteTimeline: Sendable, Equatable, Codable {
    /// Deadline misses in each minute of the audio (the server's counter covers every stream it
    /// runs, not only this run's); nil when `/metrics` could not be read.
    public var misses: [Int]?
    /// voxload's worst send lag in each minute, ms.
    public var sendLagMaxMs: [Double]
    /// Frame latency p99 in each minute of audio, ms (to 1 ms; 0 for a minute without frames); nil
    /// in reports that predate it.
    public var latencyP99Ms: [Double]?

    /// A timeline from its parts.
    public init(misses: [Int]?, sendLagMaxMs: [Double], latencyP99Ms: [Double]? = nil) {
        self.misses = misses
        self.sendLagMaxMs = sendLagMaxMs
        self.latencyP99Ms = latencyP99Ms
    }

    /// Minutes that had a deadline miss.
    public var minutesWithMisses: Int { misses?.count(where: { $0 > 0 }) ?? 0 }

    /// The minute with the most misses (the first of equals), nil when none had any.
    public var worstMinute: Int? {
        guard let misses, let top = misses.max(), top > 0 else { return nil }
        return misses.firstIndex(of: top)
    }

    /// The median minute's worst send lag, ms.
    public var medianSendLagMs: Double { Self.median(sendLagMaxMs) }

    /// The upper median of `values`, 0 when empty.
    static func median(_ values: [Double]) -> Double {
        values.isEmpty ? 0 : values.sorted()[values.count / 2]
    }

    /// One line for the text report.
    public var line: String {
        let lag = "voxload's worst send lag in a median minute \(ReportTable.fixed(medianSendLagMs, 1)) ms"
        guard let misses else { return "by minute: deadline misses not read (/metrics); \(lag)" }
        guard let worst = worstMinute else { return "by minute: no deadline miss in any of \(misses.count) minute(s); \(lag)" }
        let lagThen = worst < sendLagMaxMs.count ? ReportTable.fixed(sendLagMaxMs[worst], 1) : "-"
        return "by minute: deadline misses in \(minutesWithMisses) of \(misses.count) minute(s), at most \(misses[worst]) "
            + "(minute \(worst + 1), when voxload's own sends were up to \(lagThen) ms late); \(lag)"
    }

    /// The latency line for the text report: the median and the worst minute's p99, and how many
    /// minutes were more than 10 ms over the median (a tail spread over the run, or a few bad
    /// minutes); nil without frames.
    public var latencyLine: String? {
        guard let p99 = latencyP99Ms?.filter({ $0 > 0 }), let worst = p99.max(),
            let minute = latencyP99Ms?.firstIndex(of: worst)
        else { return nil }
        let median = Self.median(p99)
        let over = p99.count(where: { $0 > median + 10 })
        return "by minute: latency p99 in a median minute \(ReportTable.fixed(median, 0)) ms, at most "
            + "\(ReportTable.fixed(worst, 0)) ms (minute \(minute + 1)); \(over) of \(p99.count) minute(s) over the median + 10 ms"
    }

    enum CodingKeys: String, CodingKey {
        case misses = "deadline_misses"
        case sendLagMaxMs = "send_lag_max_ms"
        case latencyP99Ms = "latency_p99_ms"
    }
}
