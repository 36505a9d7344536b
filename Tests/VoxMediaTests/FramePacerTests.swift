import Testing
import VoxMedia

@Suite struct FramePacerTests {
    /// An hour at 60 fps on an injected clock that wakes exactly when asked: every frame sent once,
    /// in order, at its exact due time; the last one due at origin + delay + 3600 s - 1/60 s.
    @Test func anHourWithoutDrift() {
        var pacer = FramePacer(origin: 5_000_000)
        var now: Microseconds = 5_000_000
        var sent = 0
        let total = 3600 * 60
        while sent < total {
            pacer.framesAvailable(min(total, sent + 10))  // the model keeps a few frames ahead
            switch pacer.next(now: now) {
            case .wait(let until): now = until
            case .send(let index):
                #expect(index == sent)
                #expect(now == pacer.dueTime(of: index))
                sent += 1
            case .hold:
                Issue.record("unexpected action at frame \(sent)")
                return
            }
        }
        #expect(now == 5_000_000 + 150_000 + Microseconds(total - 1) * 1_000_000 / 60)
        #expect(pacer.deadlineMisses == 0 && pacer.skippedFrames == 0)
    }

    @Test func lateModelFramesAreHeldAndEasedToNeutral() {
        var pacer = FramePacer(origin: 0, configuration: .init(frameRate: 60, playoutDelay: 0, easeFrames: 4))
        pacer.framesAvailable(2)
        var actions: [FramePacer.Action] = []
        for k in 0..<7 { actions.append(pacer.next(now: pacer.dueTime(of: k))) }
        #expect(actions[0] == .send(index: 0) && actions[1] == .send(index: 1))
        #expect(actions[2] == .hold(index: 2, neutral: 0.25) && actions[5] == .hold(index: 5, neutral: 1))
        #expect(actions[6] == .hold(index: 6, neutral: 1))
        #expect(pacer.deadlineMisses == 5)
        pacer.framesAvailable(10)
        #expect(pacer.next(now: pacer.dueTime(of: 7)) == .send(index: 7))
    }

    /// A wake-up a few periods late (a busy machine) catches up: the overdue frames go at once, in
    /// order, none skipped; then pacing resumes on the schedule.
    @Test func aSlightlyLateWakeUpCatchesUpWithoutAGap() {
        var pacer = FramePacer(origin: 0, configuration: .init(frameRate: 60, playoutDelay: 0, easeFrames: 30))
        pacer.framesAvailable(1000)
        #expect(pacer.next(now: 0) == .send(index: 0))
        // 40 ms late: frames 1 and 2 are overdue (due at 16.7 and 33.3 ms).
        #expect(pacer.next(now: 40_000) == .send(index: 1))
        #expect(pacer.next(now: 40_000) == .send(index: 2))
        #expect(pacer.next(now: 40_000) == .wait(until: pacer.dueTime(of: 3)))
        #expect(pacer.skippedFrames == 0)
    }

    @Test func aLateWakeUpSkipsInsteadOfBursting() {
        var pacer = FramePacer(origin: 0, configuration: .init(frameRate: 60, playoutDelay: 0, easeFrames: 30))
        pacer.framesAvailable(1000)
        #expect(pacer.next(now: 0) == .send(index: 0))
        // Wake up 100 ms late: frames 1...5 are skipped, frame 6 (due at 100 ms) is sent once.
        #expect(pacer.next(now: 100_000) == .send(index: 6))
        #expect(pacer.skippedFrames == 5)
        #expect(pacer.next(now: 100_000) == .wait(until: pacer.dueTime(of: 7)))
    }

    /// Runs a pacer whose frames are always ready, on a clock that wakes exactly when asked, until
    /// 120 frames are sent; `change` is applied once, before frame 60. Returns the send times (nil
    /// if any frame was out of order or held).
    static func sendTimes(delay: Microseconds, change: (inout FramePacer) -> Void) -> (FramePacer, [Microseconds])? {
        var pacer = FramePacer(origin: 0, configuration: .init(frameRate: 60, playoutDelay: delay, easeFrames: 30))
        pacer.framesAvailable(10_000)
        var now: Microseconds = 0
        var sendTimes: [Microseconds] = []
        var changed = false
        while sendTimes.count < 120 {
            if sendTimes.count == 60 && !changed {
                change(&pacer)
                changed = true
            }
            switch pacer.next(now: now) {
            case .wait(let until): now = until
            case .send(let index):
                guard index == sendTimes.count else { return nil }
                sendTimes.append(now)
            case .hold:
                return nil
            }
        }
        return (pacer, sendTimes)
    }

    /// A widened hop lengthens the playout delay: output pauses once for the extra delay (no frame
    /// is sent twice or early), then runs on the new schedule, one frame per 1/60 s.
    @Test func extendingThePlayoutDelayPausesOnceWithoutBursting() throws {
        let (pacer, sendTimes) = try #require(Self.sendTimes(delay: 100_000) { $0.extendPlayoutDelay(by: 50_000) })
        let gaps = zip(sendTimes.dropFirst(), sendTimes).map { $0 - $1 }
        #expect(gaps.filter { $0 > 17_000 }.count == 1, "one pause")
        #expect(gaps.max()! >= 66_000 && gaps.max()! <= 67_000, "the pause is 1/60 s + 50 ms")
        #expect(gaps.allSatisfy { $0 >= 16_666 })
        #expect(sendTimes.last! == pacer.dueTime(of: 119) && pacer.dueTime(of: 119) == 150_000 + 119 * 1_000_000 / 60)
        #expect(pacer.deadlineMisses == 0 && pacer.skippedFrames == 0)
    }

    /// A shorter delay (an allowance no longer needed) brings frames due earlier: the frame now
    /// overdue goes out at once, every frame still goes out once and in order, and the schedule
    /// then runs on the new delay.
    @Test func shorteningThePlayoutDelayBringsFramesForwardWithoutSkipping() throws {
        let (pacer, sendTimes) = try #require(Self.sendTimes(delay: 100_000) { $0.shortenPlayoutDelay(by: 2_000) })
        let gaps = zip(sendTimes.dropFirst(), sendTimes).map { $0 - $1 }
        #expect(gaps.min()! >= 14_000 && gaps.min()! <= 15_000, "one gap is 2 ms short")
        #expect(gaps.filter { $0 < 16_000 }.count == 1)
        #expect(sendTimes.last! == 98_000 + 119 * 1_000_000 / 60)
        #expect(pacer.deadlineMisses == 0 && pacer.skippedFrames == 0)
    }
}
