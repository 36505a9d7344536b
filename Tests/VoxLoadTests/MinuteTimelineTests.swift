import Foundation
import Testing

@testable import VoxLoad

@Suite struct MinuteTimelineTests {
    @Test func missesCountInTheMinuteOfTheLaterSample() {
        var s = MissSamples()
        s.record(seconds: 0, total: 0)
        s.record(seconds: 30, total: 0)
        s.record(seconds: 65, total: 3)  // minute 1
        s.record(seconds: 70, total: 3)
        s.record(seconds: 130, total: 10)  // minute 2: +7
        s.record(seconds: 125, total: 99)  // out of order: ignored
        s.record(seconds: 140, total: 2)  // the counter fell (a restarted server): none
        s.record(seconds: 150, total: 5)  // minute 2: +3
        s.record(seconds: 200, total: 6)  // past the last minute: counts in it
        s.record(seconds: .nan, total: 50)  // ignored
        #expect(s.seconds.count == 8)
        #expect(s.perMinute(minutes: 3) == [0, 3, 11])
        #expect(s.perMinute(minutes: 0) == [])
        #expect(MissSamples().perMinute(minutes: 2) == [0, 0])
    }

    @Test func aHostileCounterNeitherTrapsNorOverflows() {
        var s = MissSamples()
        s.record(seconds: 0, total: -1e308)
        s.record(seconds: 1e300, total: 1e308)
        s.record(seconds: .infinity, total: 1)  // ignored
        s.record(seconds: 2e300, total: .greatestFiniteMagnitude)
        for _ in 0..<3 {
            s.record(seconds: 3e300, total: 0)
            s.record(seconds: 3e300, total: 1e300)
        }
        #expect(s.perMinute(minutes: 2) == [0, 1_000_000_000_000])
    }

    @Test func theLineNamesTheWorstMinuteAndTheSendLagThen() {
        let t = MinuteTimeline(misses: [0, 4, 0, 70, 70], sendLagMaxMs: [1.0, 2.5, 0.9, 16.04, 3.0])
        #expect(t.minutesWithMisses == 3)
        #expect(t.worstMinute == 3)
        #expect(t.medianSendLagMs == 2.5)
        #expect(
            t.line
                == "by minute: deadline misses in 3 of 5 minute(s), at most 70 (minute 4, when voxload's own sends were up to 16.0 ms late); "
                + "voxload's worst send lag in a median minute 2.5 ms")
        let quiet = MinuteTimeline(misses: [0, 0], sendLagMaxMs: [1, 2])
        #expect(quiet.worstMinute == nil)
        #expect(quiet.line == "by minute: no deadline miss in any of 2 minute(s); voxload's worst send lag in a median minute 2.0 ms")
        let unread = MinuteTimeline(misses: nil, sendLagMaxMs: [])
        #expect(unread.minutesWithMisses == 0)
        #expect(unread.line == "by minute: deadline misses not read (/metrics); voxload's worst send lag in a median minute 0.0 ms")
    }

    @Test func jsonUsesTheDocumentedKeys() throws {
        let t = MinuteTimeline(misses: [0, 2], sendLagMaxMs: [0.5, 1.5])
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(t)) as? [String: Any]
        #expect(json?["deadline_misses"] as? [Int] == [0, 2])
        #expect(json?["send_lag_max_ms"] as? [Double] == [0.5, 1.5])
        #expect(try JSONDecoder().decode(MinuteTimeline.self, from: JSONEncoder().encode(t)) == t)
    }

    @Test func sendLogKeepsEachMinutesWorstLag() {
        let log = SendLog(packets: 7, packetsPerMinute: 3)
        #expect(log.lagMaxByMinute == [0, 0, 0])
        log.record(packet: 0, at: 1_000_000, due: 0)
        log.record(packet: 2, at: 5_000_000, due: 1_000_000)
        log.record(packet: 2, at: 9_000_000, due: 1_000_000)  // a duplicate's lag counts too
        log.record(packet: 4, at: 2_500_000, due: 2_000_000)
        log.record(packet: 6, at: 3_000_000, due: 3_000_000)
        #expect(log.lagMaxByMinute == [8_000_000, 500_000, 0])
        let short = SendLog(packets: 3, packetsPerMinute: 3)
        short.record(packet: 1, at: 20_000_000, due: 0)
        #expect(SendLog.lagMaxByMinuteMs([log, short]) == [20, 0.5, 0])
        #expect(SendLog(packets: 7).lagMaxByMinute.isEmpty)
    }
}
