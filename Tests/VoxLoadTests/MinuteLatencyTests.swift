import Foundation
import Testing

@testable import VoxLoad

@Suite struct MinuteLatencyTests {
    @Test func framesCountInTheMinuteOfTheirAudio() {
        var m = MinuteLatency(frames: 3 * 3600 + 1)  // a partial fourth minute
        #expect(m.minutes == 4)
        for k in 0..<3600 { m.record(frame: k, nanoseconds: 120_400_000) }  // 120.4 ms: bucket 120
        m.record(frame: 3599, nanoseconds: 3_000_000_000)  // beyond the range: the last bucket
        for k in 3600..<7200 { m.record(frame: k, nanoseconds: Nanoseconds(100 + k % 100) * 1_000_000) }
        m.record(frame: 3 * 3600, nanoseconds: -5)  // negative: 0 ms
        m.record(frame: 4 * 3600, nanoseconds: 1)  // past the record: ignored
        m.record(frame: -1, nanoseconds: 1)  // ignored
        #expect(m.count(minute: 0) == 3601)
        #expect(m.count(minute: 1) == 3600)
        #expect(m.count(minute: 2) == 0)
        #expect(m.count(minute: 3) == 1)
        #expect(m.quantileMs(0.5, minute: 0) == 121)
        #expect(m.quantileMs(1, minute: 0) == 1000)
        #expect(m.quantileMs(0.99, minute: 1) == 199)  // 100-199 ms evenly: rank 3564 is 198 ms's bucket
        #expect(m.quantileMs(0.99, minute: 2) == nil)
        #expect(m.quantileMs(0.99, minute: 3) == 1)
        #expect(m.p99Ms == [121, 199, 0, 1])
    }

    @Test func streamsAddUpAndALongerRecordGrowsTheSum() {
        var a = MinuteLatency(minutes: 1)
        var b = MinuteLatency(minutes: 2)
        a.record(frame: 10, nanoseconds: 5_000_000)
        b.record(frame: 3700, nanoseconds: 9_000_000)
        b.record(frame: 20, nanoseconds: 7_000_000)
        a.add(b)
        #expect(a.minutes == 2)
        #expect(a.count(minute: 0) == 2)
        #expect(a.quantileMs(1, minute: 0) == 8)
        #expect(a.quantileMs(1, minute: 1) == 10)
        #expect(MinuteLatency(minutes: -3).minutes == 0)
        #expect(MinuteLatency(frames: 0).p99Ms.isEmpty)
    }

    @Test func streamAnalysisKeepsTheLatencyByMinute() {
        let frames = 3600 + 60
        let log = FrameLog(expectedFrames: frames)
        let timeline = FrameTimeline(samplesPerPacket: 480)
        let packets = frames * FrameTimeline.samplesPerFrame / 480 + 1
        let sends = (0..<packets).map { Nanoseconds($0 + 1) * 10_000_000 }
        for k in 0..<frames {
            let extra: Nanoseconds = k >= 3600 ? 200_000_000 : 100_000_000  // the second minute is 100 ms slower
            log.record(frame: k, at: sends[timeline.packet(carryingFrame: k)] + extra)
        }
        let analysis = StreamAnalysis(sendTimes: sends, timeline: timeline, receivers: [log])
        #expect(analysis.latencyByMinute.p99Ms == [101, 201])
        let run = RunAggregate(
            streams: [.init(id: "a", analysis: analysis, receivers: 1, lookahead: 0, server: nil)], receiversPerStream: 1,
            durationSeconds: 61, playoutDelayMs: nil, packets: PacketCounts(), server: nil)
        #expect(run.latencyByMinute.p99Ms == [101, 201])
    }

    @Test func theLatencyLineNamesTheWorstMinuteAndHowManyStandOut() {
        let t = MinuteTimeline(misses: [0, 0, 0, 0], sendLagMaxMs: [1, 1, 1, 1], latencyP99Ms: [131, 130, 175, 0])
        #expect(
            t.latencyLine
                == "by minute: latency p99 in a median minute 131 ms, at most 175 ms (minute 3); 1 of 3 minute(s) over the median + 10 ms")
        #expect(MinuteTimeline(misses: nil, sendLagMaxMs: []).latencyLine == nil)
        #expect(MinuteTimeline(misses: nil, sendLagMaxMs: [], latencyP99Ms: [0, 0]).latencyLine == nil)
    }

    @Test func jsonCarriesTheSeriesAndOlderReportsStillDecode() throws {
        let t = MinuteTimeline(misses: [0], sendLagMaxMs: [0.5], latencyP99Ms: [131])
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(t)) as? [String: Any]
        #expect(json?["latency_p99_ms"] as? [Double] == [131])
        let old = try JSONDecoder().decode(
            MinuteTimeline.self, from: Data(#"{"deadline_misses":[1],"send_lag_max_ms":[2]}"#.utf8))
        #expect(old.latencyP99Ms == nil && old.misses == [1])
    }
}
