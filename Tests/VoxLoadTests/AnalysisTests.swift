import Testing
import VoxLoad

@Suite struct StreamAnalysisTests {
    static let ms: Nanoseconds = 1_000_000
    static let timeline = FrameTimeline(samplesPerPacket: 960)

    /// Packet j sent at 1 s + 20 ms j; frame k arrives `delay` after its audio time, plus `extra(k)`.
    static func logs(frames: Int, delay: Nanoseconds, receivers: Int, extra: (Int, Int) -> Nanoseconds = { _, _ in 0 })
        -> (send: [Nanoseconds], logs: [FrameLog])
    {
        let start: Nanoseconds = 1_000_000_000
        let packets = frames * 800 / 960 + 1
        let send = (0..<packets).map { start + Nanoseconds($0) * 20 * ms }
        let logs = (0..<receivers).map { r in
            let log = FrameLog(expectedFrames: frames)
            for k in 0..<frames { log.record(frame: k, at: start + FrameTimeline.audioTime(ofFrame: k) + delay + extra(r, k)) }
            return log
        }
        return (send, logs)
    }

    @Test func latencyIsArrivalMinusTheSendOfTheCarryingPacket() throws {
        let (send, logs) = Self.logs(frames: 600, delay: 440 * Self.ms, receivers: 1)
        let analysis = StreamAnalysis(sendTimes: send, timeline: Self.timeline, receivers: logs)
        #expect(analysis.frames.expected == 600 && analysis.frames.received == 600 && analysis.frames.missing == 0)
        let latency = try #require(analysis.latency.summary)
        // Frame k's audio starts 800k/48 ms in; its packet left at 20 floor(800k/960) ms: 0 to 20 ms earlier.
        #expect(latency.count == 600)
        #expect(latency.p50 >= 440 && latency.max <= 460.001)
        let first = logs[0].arrivals[3] - send[2]  // frame 3 = sample 2400, packet 2 (1920..<2880)
        #expect(first == 440 * Self.ms + 50 * Self.ms - 40 * Self.ms)
        let jitter = try #require(analysis.jitter.summary)
        #expect(jitter.max < 0.001)  // perfectly paced
        #expect(abs(analysis.driftNanoseconds) < 1000)
        #expect(analysis.fanOut.count == 0)  // one receiver: no spread
    }

    @Test func countsMissingDuplicateOutOfOrderAndExtra() {
        let log = FrameLog(expectedFrames: 10)
        for k in [0, 1, 3, 2, 2, 5, 9, 12, 15] { log.record(frame: k, at: 1_000_000 + Nanoseconds(k) * 16_666_667) }
        log.recordMalformed()
        #expect(log.receivedExpected == 6)
        let analysis = StreamAnalysis(sendTimes: [Nanoseconds](repeating: 1, count: 10), timeline: Self.timeline, receivers: [log])
        let f = analysis.frames
        #expect(f.expected == 10 && f.received == 6 && f.missing == 4)
        #expect(f.duplicate == 1 && f.outOfOrder == 1 && f.extra == 2 && f.malformed == 1)
        // Consecutive pairs received: (0,1), (1,2), (2,3).
        #expect(analysis.jitter.count == 3)
    }

    /// A frame missing at every receiver was never sent; one missing at some receivers was lost on the way.
    @Test func separatesUndeliveredFromUnsentFrames() {
        let a = FrameLog(expectedFrames: 10)
        let b = FrameLog(expectedFrames: 10)
        for k in 0..<10 where k != 4 {
            a.record(frame: k, at: 1_000 + Nanoseconds(k))
            if k != 7 { b.record(frame: k, at: 1_000 + Nanoseconds(k)) }
        }
        let analysis = StreamAnalysis(sendTimes: [1, 1, 1, 1, 1, 1, 1, 1, 1], timeline: Self.timeline, receivers: [a, b])
        #expect(analysis.frames.missing == 3 && analysis.frames.undelivered == 1)
        #expect(analysis.missingRanges == [[4, 4], [7, 7]])
    }

    @Test func framesOfLostPacketsHaveNoLatency() {
        let (sent, logs) = Self.logs(frames: 60, delay: 400 * Self.ms, receivers: 1)
        var send = sent
        send[5] = 0  // packet 5 (samples 4800..<5760) carried the starts of frames 6 (4800) and 7 (5600)
        let analysis = StreamAnalysis(sendTimes: send, timeline: Self.timeline, receivers: logs)
        #expect(analysis.frames.unmatched == 2 && analysis.latency.count == 58)
    }

    @Test func jitterDriftAndFanOut() throws {
        // Receiver 1 gets every frame 2 ms after receiver 0; every other frame at receiver 0 is 4 ms late.
        let (send, logs) = Self.logs(frames: 600, delay: 400 * Self.ms, receivers: 2) { r, k in
            Nanoseconds(r) * 2 * Self.ms + (r == 0 && k % 2 == 1 ? 4 * Self.ms : 0)
        }
        let analysis = StreamAnalysis(sendTimes: send, timeline: Self.timeline, receivers: logs)
        let jitter = try #require(analysis.jitter.summary)
        #expect(abs(jitter.max - 4) < 0.01 && jitter.p50 < 4.01)
        let fanOut = try #require(analysis.fanOut.summary)
        #expect(fanOut.count == 600)
        #expect(abs(fanOut.max - 2) < 0.01)  // |2 - 4| on odd frames, 2 on even ones

        // A frame clock 0.1% slow: frames end 10 s x 0.001 = 10 ms later than they started, relative to audio.
        let drifting = FrameLog(expectedFrames: 600)
        for k in 0..<600 { drifting.record(frame: k, at: 1_000_000_000 + FrameTimeline.audioTime(ofFrame: k) * 1001 / 1000) }
        let slow = StreamAnalysis(sendTimes: send, timeline: Self.timeline, receivers: [drifting])
        #expect(abs(slow.driftNanoseconds - 9 * Self.ms) < Self.ms)  // medians of the first and last 60 frames: 9 s apart
    }

    @Test func runAggregateSumsStreamsAndSubtractsTheLookahead() throws {
        let (send, logs) = Self.logs(frames: 120, delay: 440 * Self.ms, receivers: 2)
        let analysis = StreamAnalysis(sendTimes: send, timeline: Self.timeline, receivers: logs)
        var misses = DeadlineMisses()
        misses.framesLate = 2
        let aggregate = RunAggregate(
            streams: [
                .init(id: "a", analysis: analysis, receivers: 2, lookahead: 12, server: misses),
                .init(id: "b", analysis: analysis, receivers: 2, lookahead: 12, server: misses),
            ], receiversPerStream: 2, durationSeconds: 2, playoutDelayMs: nil, packets: PacketCounts(), server: nil)
        let run = aggregate.run
        #expect(run.frames.expected == 480 && run.frames.received == 480)
        #expect(run.deadlineMisses?.framesLate == 4)
        #expect(run.lookaheadMs == 200)
        let raw = try #require(run.latencyMs)
        let net = try #require(run.latencyMinusLookaheadMs)
        #expect(abs(raw.p99 - net.p99 - 200) < 1e-9 && raw.count == 480)
        #expect(aggregate.streams.map(\.id) == ["a", "b"])
        let failed = RunAggregate(
            streams: [.init(id: "a", analysis: analysis, receivers: 2, lookahead: 12, server: nil)], receiversPerStream: 2,
            durationSeconds: 2, playoutDelayMs: nil, packets: PacketCounts(), server: nil)
        #expect(failed.run.deadlineMisses == nil)
    }

    @Test func histogramSummaryUsesExactMax() throws {
        var h = MicrosecondHistogram()
        for v in 1...1000 { h.record(nanoseconds: Nanoseconds(v) * 1_000_000) }  // 1...1000 ms
        h.record(nanoseconds: -5)
        let s = try #require(h.summary)
        #expect(s.count == 1001 && s.max == 1000)
        #expect(abs(s.p50 - 500) < 1 && abs(s.p90 - 900) < 1 && abs(s.p99 - 990) < 1.5 && abs(s.p999 - 999) < 1.5)
        #expect(MicrosecondHistogram().summary == nil)
    }
}
