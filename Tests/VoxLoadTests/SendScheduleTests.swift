import Testing
import VoxLoad

@Suite struct SendScheduleTests {
    static let period: Nanoseconds = 20_000_000

    @Test func cleanScheduleIsAbsoluteAndStaggered() {
        let schedule = SendSchedule(streams: 4, packets: 100, period: Self.period, impairments: .init(), seed: 1)
        #expect(schedule.events.count == 400)
        #expect(zip(schedule.events, schedule.events.dropFirst()).allSatisfy { $0.due <= $1.due })
        for e in schedule.events {
            #expect(e.due == Nanoseconds(e.stream) * 5_000_000 + Nanoseconds(e.packet) * Self.period)
        }
        #expect(schedule.lost == [0, 0, 0, 0] && schedule.duplicated == [0, 0, 0, 0])
    }

    @Test func impairmentsFollowTheirRatesAndReplayFromTheSeed() {
        let impairments = SendSchedule.Impairments(loss: 0.1, jitter: 5_000_000, reorder: 0.05, duplicate: 0.05)
        let a = SendSchedule(streams: 2, packets: 5000, period: Self.period, impairments: impairments, seed: 42)
        let b = SendSchedule(streams: 2, packets: 5000, period: Self.period, impairments: impairments, seed: 42)
        let c = SendSchedule(streams: 2, packets: 5000, period: Self.period, impairments: impairments, seed: 43)
        #expect(a.events == b.events)
        #expect(a.events != c.events)
        for s in 0..<2 {
            #expect((400...600).contains(a.lost[s]))
            #expect((180...330).contains(a.reordered[s]))
            #expect((180...330).contains(a.duplicated[s]))
            let sent = a.events.filter { $0.stream == Int32(s) }
            #expect(sent.count == 5000 - a.lost[s] + a.duplicated[s])
            // Packet 0 binds the source and anchors the timeline: always sent first, on time, once.
            #expect(sent.first?.packet == 0)
            #expect(sent.filter { $0.packet == 0 }.count == 1)
        }
        // Jitter only delays: nothing leaves before its nominal time, nothing more than 5 ms + 1.5 periods + 1 ms after.
        for e in a.events {
            let nominal = Nanoseconds(e.stream) * Self.period / 2 + Nanoseconds(e.packet) * Self.period
            #expect(e.due >= nominal && e.due <= nominal + 5_000_000 + 31_000_000)
        }
    }

    @Test func reorderedPacketsLeaveAfterTheirSuccessor() {
        let schedule = SendSchedule(streams: 1, packets: 2000, period: Self.period, impairments: .init(reorder: 0.1), seed: 7)
        let order = schedule.events.map { Int($0.packet) }
        let swaps = zip(order, order.dropFirst()).filter { $0 > $1 }.count
        // Each held packet leaves after its successor, except when the successor is held too.
        #expect(swaps <= schedule.reordered[0] && swaps * 10 >= schedule.reordered[0] * 8)
        #expect(Set(order).count == 2000)
    }
}
