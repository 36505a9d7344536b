import Testing
import VoxMedia

@testable import VoxServer

/// The stream lifecycle's whole transition table, on an injected clock: every phase against every
/// event, with the phase it leads to and the action it returns.
@Suite struct StreamLifecycleTests {
    /// 60 s first-audio deadline, 10 s idle timeout, 60 ms stall, 10 s drain: the server's defaults.
    static let timeouts = StreamLifecycle.Timeouts(firstAudio: 60_000_000, idle: 10_000_000, stall: 60_000, drain: 10_000_000)
    static let t0: Microseconds = 1_000_000

    /// The phases a stream can be in, each reached from creation by real events.
    enum Start: CaseIterable {
        case waiting, flowing, paused, draining, closedIdle, closedDeleted

        /// A lifecycle in this phase; the last event happened at t0 + 1 s.
        func make() -> StreamLifecycle {
            let t = StreamLifecycleTests.t0
            var l = StreamLifecycle(createdAt: t, timeouts: StreamLifecycleTests.timeouts)
            switch self {
            case .waiting: break
            case .flowing: _ = l.audioArrived(now: t + 1_000_000)
            case .paused:
                _ = l.audioArrived(now: t + 1_000_000 - 60_000)
                let paused = l.clock(now: t + 1_000_000)
                #expect(paused == .paused)
            case .draining:
                _ = l.audioArrived(now: t)
                let stop = l.senderStopped(now: t + 1_000_000)
                #expect(stop == .flush)
            case .closedIdle:
                _ = l.audioArrived(now: t + 1_000_000 - 10_000_000)
                let idle = l.clock(now: t + 1_000_000)
                #expect(idle == .close(.idle))
            case .closedDeleted:
                _ = l.audioArrived(now: t)
                let closed = l.close(.deleted)
                #expect(closed)
            }
            return l
        }
    }

    /// One event, and what it should return (as text, so one table holds every action type).
    enum Event: CaseIterable {
        case audio, senderStopped, lastFrameSent, tickSoon, tickAfterStall, tickAfterIdle, tickAfterFirstAudioDeadline, delete, shutdown

        func apply(to l: inout StreamLifecycle) -> String {
            let now = StreamLifecycleTests.t0 + 1_000_000
            switch self {
            case .audio: return "\(l.audioArrived(now: now + 1000))"
            case .senderStopped: return "\(l.senderStopped(now: now + 1000))"
            case .lastFrameSent: return "\(String(describing: l.lastFrameSent()))"
            case .tickSoon: return "\(l.clock(now: now + 1000))"
            case .tickAfterStall: return "\(l.clock(now: now + 60_000))"
            case .tickAfterIdle: return "\(l.clock(now: now + 10_000_000))"
            case .tickAfterFirstAudioDeadline: return "\(l.clock(now: StreamLifecycleTests.t0 + 60_000_000))"
            case .delete: return "\(l.close(.deleted))"
            case .shutdown: return "\(l.close(.shutdown))"
            }
        }
    }

    /// Phase names after the event: waiting, flowing, paused, draining, closed(reason).
    static func describe(_ l: StreamLifecycle) -> String {
        switch l.phase {
        case .waiting: "waiting"
        case .live(_, let paused): paused ? "paused" : "flowing"
        case .draining: "draining"
        case .closed(let reason): "closed(\(reason.rawValue))"
        }
    }

    /// (start, event) -> (returned action, phase after).
    static let table: [Start: [Event: (String, String)]] = [
        .waiting: [
            .audio: ("first", "flowing"),
            .senderStopped: ("close(VoxServer.CloseReason.ended)", "closed(ended)"),
            .lastFrameSent: ("nil", "waiting"),
            .tickSoon: ("none", "waiting"),
            .tickAfterStall: ("none", "waiting"),
            .tickAfterIdle: ("none", "waiting"),  // 11 s: the first-audio deadline (60 s) holds, not the idle timeout
            .tickAfterFirstAudioDeadline: ("close(VoxServer.CloseReason.noAudio)", "closed(no_audio)"),
            .delete: ("true", "closed(deleted)"),
            .shutdown: ("true", "closed(shutdown)"),
        ],
        .flowing: [
            .audio: ("accepted", "flowing"),
            .senderStopped: ("flush", "draining"),
            .lastFrameSent: ("nil", "flowing"),
            .tickSoon: ("none", "flowing"),
            .tickAfterStall: ("paused", "paused"),
            .tickAfterIdle: ("close(VoxServer.CloseReason.idle)", "closed(idle)"),
            .tickAfterFirstAudioDeadline: ("close(VoxServer.CloseReason.idle)", "closed(idle)"),
            .delete: ("true", "closed(deleted)"),
            .shutdown: ("true", "closed(shutdown)"),
        ],
        .paused: [
            .audio: ("resumed", "flowing"),
            .senderStopped: ("flush", "draining"),
            .lastFrameSent: ("nil", "paused"),
            .tickSoon: ("none", "paused"),
            .tickAfterStall: ("none", "paused"),
            // The idle timeout counts from the last audio (t0 + 0.94 s), not from the pause.
            .tickAfterIdle: ("close(VoxServer.CloseReason.idle)", "closed(idle)"),
            .tickAfterFirstAudioDeadline: ("close(VoxServer.CloseReason.idle)", "closed(idle)"),
            .delete: ("true", "closed(deleted)"),
            .shutdown: ("true", "closed(shutdown)"),
        ],
        .draining: [
            .audio: ("refused", "draining"),
            .senderStopped: ("none", "draining"),
            .lastFrameSent: ("Optional(VoxServer.CloseReason.ended)", "closed(ended)"),
            .tickSoon: ("none", "draining"),
            .tickAfterStall: ("none", "draining"),
            .tickAfterIdle: ("close(VoxServer.CloseReason.ended)", "closed(ended)"),
            .tickAfterFirstAudioDeadline: ("close(VoxServer.CloseReason.ended)", "closed(ended)"),
            .delete: ("true", "closed(deleted)"),
            .shutdown: ("true", "closed(shutdown)"),
        ],
        .closedIdle: Dictionary(
            uniqueKeysWithValues: [
                (Event.audio, ("refused", "closed(idle)")), (.senderStopped, ("none", "closed(idle)")),
                (.lastFrameSent, ("nil", "closed(idle)")), (.tickSoon, ("none", "closed(idle)")),
                (.tickAfterStall, ("none", "closed(idle)")), (.tickAfterIdle, ("none", "closed(idle)")),
                (.tickAfterFirstAudioDeadline, ("none", "closed(idle)")), (.delete, ("false", "closed(idle)")),
                (.shutdown, ("false", "closed(idle)")),
            ]),
        .closedDeleted: Dictionary(
            uniqueKeysWithValues: [
                (Event.audio, ("refused", "closed(deleted)")), (.senderStopped, ("none", "closed(deleted)")),
                (.lastFrameSent, ("nil", "closed(deleted)")), (.tickSoon, ("none", "closed(deleted)")),
                (.tickAfterStall, ("none", "closed(deleted)")), (.tickAfterIdle, ("none", "closed(deleted)")),
                (.tickAfterFirstAudioDeadline, ("none", "closed(deleted)")), (.delete, ("false", "closed(deleted)")),
                (.shutdown, ("false", "closed(deleted)")),
            ]),
    ]

    @Test(arguments: Start.allCases)
    func everyEventFrom(_ start: Start) throws {
        let row = try #require(Self.table[start])
        #expect(row.count == Event.allCases.count, "the table covers every event")
        for event in Event.allCases {
            var l = start.make()
            let action = event.apply(to: &l)
            let (expectedAction, expectedPhase) = try #require(row[event])
            #expect(action == expectedAction, "\(start) + \(event)")
            #expect(Self.describe(l) == expectedPhase, "\(start) + \(event)")
        }
    }

    /// The leak of issue 15: a sender stops; whatever else happens (silence padded, the timeline
    /// jumped, frames produced and sent), nothing but audio moves the idle timer, so the stream
    /// closes exactly `idle` after its last packet.
    @Test func onlyAudioKeepsAStreamOpen() {
        var l = StreamLifecycle(createdAt: 0, timeouts: Self.timeouts)
        for k in 0..<500 { _ = l.audioArrived(now: Microseconds(k) * 20_000) }  // 10 s of 20 ms packets
        let last: Microseconds = 499 * 20_000
        var closedAt: Microseconds?
        var t = last
        while closedAt == nil && t < last + 60_000_000 {
            t += 10_000  // the pacer's tick
            if case .close(let reason) = l.clock(now: t) {
                #expect(reason == .idle)
                closedAt = t
            }
        }
        #expect(closedAt == last + 10_000_000)
        let late = l.audioArrived(now: t)
        #expect(late == .refused)
    }

    /// Flowing is what the pacer's deadline-miss accounting reads: only live and not paused.
    @Test func audioFlowsOnlyWhileLiveAndUnpaused() {
        var l = StreamLifecycle(createdAt: 0, timeouts: Self.timeouts)
        #expect(!l.audioFlowing && !l.senderPaused && l.name == "waiting")
        _ = l.audioArrived(now: 100)
        #expect(l.audioFlowing && l.name == "live" && l.lastAudio == 100)
        _ = l.clock(now: 100 + 60_000)
        #expect(!l.audioFlowing && l.senderPaused && l.name == "live")
        _ = l.senderStopped(now: 100_000)
        #expect(!l.audioFlowing && !l.senderPaused && l.name == "draining" && l.lastAudio == nil)
        _ = l.lastFrameSent()
        #expect(l.isClosed && l.name == "closed")
    }

    /// The playout delay joins the idle timeout: a stream whose frames lag its audio by 238 ms
    /// closes 10.238 s after its last audio, so its last frames go out and the face settles.
    @Test func idlenessCountsFromTheLastAudiosFrames() {
        var l = StreamLifecycle(createdAt: 0, timeouts: Self.timeouts)
        _ = l.audioArrived(now: 1_000_000)
        l.delayIdle(by: 238_000)
        let before = l.clock(now: 11_000_000 + 237_999)
        #expect(before == .paused)
        let after = l.clock(now: 11_238_000)
        #expect(after == .close(.idle))
    }
}
