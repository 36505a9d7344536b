/// Adds up the streams' analyses into the run's totals.
public struct RunAggregate: Sendable {
    /// One stream's inputs.
    public struct Stream: Sendable {
        /// The server's id.
        public var id: String
        /// Its analysis.
        public var analysis: StreamAnalysis
        /// Receivers it had.
        public var receivers: Int
        /// Its lookahead in frames.
        public var lookahead: Int
        /// Its server counters, nil if they could not be read.
        public var server: DeadlineMisses?

        /// A stream's inputs from their parts.
        public init(id: String, analysis: StreamAnalysis, receivers: Int, lookahead: Int, server: DeadlineMisses?) {
            self.id = id
            self.analysis = analysis
            self.receivers = receivers
            self.lookahead = lookahead
            self.server = server
        }
    }

    /// The run's totals.
    public let run: RunResult
    /// Each stream's result.
    public let streams: [StreamResult]
    /// Every stream's frame latency by minute of audio.
    public let latencyByMinute: MinuteLatency

    /// Totals over `streams`; the lookahead subtracted is the largest stream's (streams share settings).
    public init(
        streams input: [Stream], receiversPerStream: Int, durationSeconds: Double, playoutDelayMs: Int?, packets: PacketCounts,
        server: ServerUsage?
    ) {
        var frames = FrameCounts()
        var latency = MicrosecondHistogram()
        var byMinute = MinuteLatency(minutes: 0)
        var jitter = MicrosecondHistogram()
        var fanOut = MicrosecondHistogram()
        var drift: Nanoseconds = 0
        var misses: DeadlineMisses? = DeadlineMisses()
        var lookahead = 0
        var results: [StreamResult] = []
        for s in input {
            frames.add(s.analysis.frames)
            latency.add(s.analysis.latency)
            byMinute.add(s.analysis.latencyByMinute)
            jitter.add(s.analysis.jitter)
            fanOut.add(s.analysis.fanOut)
            if abs(s.analysis.driftNanoseconds) > abs(drift) { drift = s.analysis.driftNanoseconds }
            if let counters = s.server { misses?.add(counters) } else { misses = nil }
            lookahead = max(lookahead, s.lookahead)
            var result = StreamResult(
                id: s.id, receivers: s.receivers, frames: s.analysis.frames, latencyMs: s.analysis.latency.summary,
                jitterMs: s.analysis.jitter.summary, driftMs: Self.milliseconds(s.analysis.driftNanoseconds),
                fanOutMs: s.analysis.fanOut.summary, server: s.server, lookahead: s.lookahead)
            result.missingRanges = s.analysis.missingRanges
            results.append(result)
        }
        if input.isEmpty { misses = nil }
        let lookaheadMs = (Double(lookahead) * 1000 / 60 * 1000).rounded() / 1000
        let raw = latency.summary
        run = RunResult(
            streams: input.count, receiversPerStream: receiversPerStream, durationSeconds: durationSeconds, frames: frames,
            deadlineMisses: misses, latencyMs: raw, latencyMinusLookaheadMs: raw?.shifted(by: lookaheadMs), lookaheadMs: lookaheadMs,
            playoutDelayMs: playoutDelayMs, jitterMs: jitter.summary, driftMs: Self.milliseconds(drift), fanOutMs: fanOut.summary,
            packets: packets, server: server)
        streams = results
        latencyByMinute = byMinute
    }

    static func milliseconds(_ ns: Nanoseconds) -> Double { Double(ns / 1000) / 1000 }
}
