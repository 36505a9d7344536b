import Testing
import VoxCore

@testable import VoxMedia

private typealias Buffer = JitterBuffer<Int>
private let ms: Microseconds = 1000

/// A sender: packet `i` has sequence `firstSequence + i` and timestamp `firstTimestamp + i * step`,
/// both wrapping; its payload handle is `i`.
private struct Sender {
    var firstSequence: UInt16 = 0
    var firstTimestamp: UInt32 = 0
    var step: UInt32 = 960

    func sequence(_ i: Int) -> UInt16 { firstSequence &+ UInt16(truncatingIfNeeded: i) }
    func timestamp(_ i: Int) -> UInt32 { firstTimestamp &+ UInt32(truncatingIfNeeded: i) &* step }
    func packet(_ i: Int) -> Buffer.Output { .packet(sequence: sequence(i), timestamp: timestamp(i), payload: i) }
    func conceal(_ i: Int) -> Buffer.Output { .conceal(missingSequence: sequence(i), timestamp: timestamp(i), samples: Int(step)) }
    func fec(_ i: Int) -> Buffer.Output {
        .recoverWithFEC(missingSequence: sequence(i), timestamp: timestamp(i), from: (sequence(i + 1), timestamp(i + 1), i + 1))
    }
}

extension JitterBuffer<Int> {
    fileprivate mutating func insert(_ i: Int, of sender: Sender, at arrival: Microseconds) -> InsertOutcome {
        insert(sequence: sender.sequence(i), timestamp: sender.timestamp(i), payload: i, arrival: arrival)
    }

    /// Everything `next(now:)` hands out at `now`.
    fileprivate mutating func drain(now: Microseconds) -> [Output] {
        var outputs: [Output] = []
        while let output = next(now: now) {
            outputs.append(output)
            if outputs.count > 100_000 { break }
        }
        return outputs
    }
}

@Suite struct JitterBufferTests {
    @Test func inOrderPacketsAreReleasedAtOnce() {
        var buffer = Buffer()
        let sender = Sender(firstSequence: 100, firstTimestamp: 5_000)
        #expect(buffer.next(now: 0) == nil)
        #expect(buffer.playoutTimestamp == nil && buffer.firstSequence == nil)
        for i in 0..<100 {
            let now = Microseconds(i) * 20 * ms
            #expect(buffer.insert(i, of: sender, at: now) == .accepted)
            #expect(buffer.playoutTimestamp == sender.timestamp(i))
            #expect(buffer.drain(now: now) == [sender.packet(i)])
            #expect(buffer.depth == 0)
        }
        #expect(buffer.counters == Buffer.Counters(received: 100, released: 100))
        #expect(buffer.firstSequence == 100 && buffer.firstTimestamp == 5_000)
        #expect(buffer.nextSequence == 200)
        #expect(buffer.playoutTimestamp == sender.timestamp(100))
        #expect(buffer.playoutPosition == Int64(100 * 960))
    }

    @Test func reorderingWithinMaxWaitIsFixed() {
        var buffer = Buffer()
        let sender = Sender()
        #expect(buffer.insert(0, of: sender, at: 0) == .accepted)
        #expect(buffer.drain(now: 0) == [sender.packet(0)])
        // Arrivals 3, 1, 2: 3 opens a gap, 1 and 2 fill it within maxWait of 3's arrival.
        #expect(buffer.insert(3, of: sender, at: 60 * ms) == .accepted)
        #expect(buffer.drain(now: 60 * ms).isEmpty)
        #expect(buffer.insert(1, of: sender, at: 70 * ms) == .accepted)
        #expect(buffer.drain(now: 70 * ms) == [sender.packet(1)])
        #expect(buffer.drain(now: 99 * ms).isEmpty)
        #expect(buffer.insert(2, of: sender, at: 99 * ms) == .accepted)
        #expect(buffer.drain(now: 99 * ms) == [sender.packet(2), sender.packet(3)])
        #expect(buffer.counters.lost == 0 && buffer.counters.released == 4 && buffer.depth == 0)
    }

    @Test func reorderingBeforeTheFirstReleaseMovesTheOrigin() {
        var buffer = Buffer()
        let sender = Sender(firstSequence: 10, firstTimestamp: 777)
        #expect(buffer.insert(3, of: sender, at: 0) == .accepted)
        #expect(buffer.insert(1, of: sender, at: 1 * ms) == .accepted)
        #expect(buffer.insert(2, of: sender, at: 2 * ms) == .accepted)
        #expect(buffer.firstSequence == sender.sequence(1) && buffer.firstTimestamp == sender.timestamp(1))
        #expect(buffer.drain(now: 2 * ms) == [sender.packet(1), sender.packet(2), sender.packet(3)])
        #expect(buffer.insert(0, of: sender, at: 3 * ms) == .late)
    }

    @Test func duplicatesAreDetectedBeforeAndAfterRelease() {
        var buffer = Buffer()
        let sender = Sender()
        #expect(buffer.insert(0, of: sender, at: 0) == .accepted)
        #expect(buffer.drain(now: 0) == [sender.packet(0)])
        #expect(buffer.insert(2, of: sender, at: 40 * ms) == .accepted)
        #expect(buffer.insert(2, of: sender, at: 41 * ms) == .duplicate)  // held
        #expect(buffer.insert(0, of: sender, at: 42 * ms) == .duplicate)  // released
        #expect(buffer.drain(now: 42 * ms).isEmpty)
        #expect(buffer.insert(1, of: sender, at: 45 * ms) == .accepted)
        #expect(buffer.drain(now: 45 * ms) == [sender.packet(1), sender.packet(2)])
        #expect(buffer.insert(1, of: sender, at: 50 * ms) == .duplicate)
        #expect(buffer.insert(2, of: sender, at: 50 * ms) == .duplicate)
        #expect(buffer.drain(now: 50 * ms).isEmpty)
        #expect(buffer.counters == Buffer.Counters(received: 7, released: 3, duplicates: 4))
        #expect(!Buffer.InsertOutcome.duplicate.isStored && Buffer.InsertOutcome.accepted.isStored)
    }

    @Test func aPacketAfterItsConcealmentIsLateAndNotEmitted() {
        var buffer = Buffer()
        let sender = Sender()
        for i in 0..<2 {
            _ = buffer.insert(i, of: sender, at: Microseconds(i) * 20 * ms)
            #expect(buffer.drain(now: Microseconds(i) * 20 * ms) == [sender.packet(i)])
        }
        // Packet 3 was due at 60 ms; packet 2 is concealed maxWait later.
        #expect(buffer.drain(now: 100 * ms - 1).isEmpty)
        #expect(buffer.drain(now: 100 * ms) == [sender.conceal(2)])
        #expect(buffer.insert(2, of: sender, at: 101 * ms) == .late)
        #expect(buffer.drain(now: 101 * ms).isEmpty)
        // Same after a FEC recovery.
        #expect(buffer.insert(4, of: sender, at: 102 * ms) == .accepted)
        #expect(buffer.drain(now: 142 * ms) == [sender.fec(3), sender.packet(4)])
        #expect(buffer.insert(3, of: sender, at: 143 * ms) == .late)
        #expect(buffer.drain(now: 143 * ms).isEmpty)
        #expect(buffer.counters.late == 2 && buffer.counters.released == 3)
        // Packet 2 was concealed before anything later came (a stall), then came late: late, not
        // lost. Packet 3 was bounded by packet 4: lost, and rebuilt by FEC.
        #expect(buffer.counters.stallConcealed == 1 && buffer.counters.concealed == 0)
        #expect(buffer.counters.recoveredByFEC == 1 && buffer.counters.lost == 1)
    }

    @Test func aLossWithItsSuccessorPresentIsRecoveredOnceByFEC() {
        var buffer = Buffer()
        let sender = Sender()
        _ = buffer.insert(0, of: sender, at: 0)
        #expect(buffer.drain(now: 0) == [sender.packet(0)])
        #expect(buffer.insert(2, of: sender, at: 40 * ms) == .accepted)
        #expect(buffer.next(now: 40 * ms) == nil)
        #expect(buffer.next(now: 80 * ms - 1) == nil)
        #expect(buffer.next(now: 80 * ms) == sender.fec(1))
        #expect(buffer.next(now: 80 * ms) == sender.packet(2))
        #expect(buffer.next(now: 80 * ms) == nil)
        #expect(buffer.counters == Buffer.Counters(received: 2, released: 2, lost: 1, recoveredByFEC: 1))
    }

    @Test func aLossWithNothingAfterItIsConcealedAndTheTimelineGoesOn() {
        var buffer = Buffer()
        let sender = Sender()
        for i in 0..<3 {
            _ = buffer.insert(i, of: sender, at: Microseconds(i) * 20 * ms)
            _ = buffer.drain(now: Microseconds(i) * 20 * ms)
        }
        // Packet 4 was due at 80 ms: packet 3 is concealed at 80 + maxWait, one duration long.
        #expect(buffer.next(now: 120 * ms - 1) == nil)
        #expect(buffer.drain(now: 120 * ms) == [sender.conceal(3)])
        #expect(buffer.playoutTimestamp == sender.timestamp(4))
        #expect(buffer.insert(4, of: sender, at: 125 * ms) == .accepted)
        #expect(buffer.drain(now: 125 * ms) == [sender.packet(4)])
        #expect(buffer.playoutPosition == Int64(5 * 960))
        #expect(buffer.counters.concealed == 1 && buffer.counters.released == 4)
    }

    @Test func aBurstOfThreeConcealsTheFirstTwoAndRecoversTheLastByFEC() {
        var buffer = Buffer()
        let sender = Sender()
        _ = buffer.insert(0, of: sender, at: 0)
        _ = buffer.drain(now: 0)
        #expect(buffer.insert(4, of: sender, at: 70 * ms) == .accepted)
        #expect(buffer.drain(now: 110 * ms - 1).isEmpty)
        #expect(
            buffer.drain(now: 110 * ms) == [
                sender.conceal(1), sender.conceal(2), sender.fec(3), sender.packet(4),
            ])
        #expect(buffer.counters == Buffer.Counters(received: 2, released: 2, lost: 3, recoveredByFEC: 1, concealed: 2))
    }

    @Test func sequenceAndTimestampWrapMidStream() {
        var buffer = Buffer()
        // Sequence 65535 -> 0 between packets 3 and 4; timestamp 2^32 - 1 -> 0 between packets 1 and 2.
        let sender = Sender(firstSequence: 65_532, firstTimestamp: UInt32.max &- 2 * 960 &+ 100)
        #expect(sender.sequence(3) == 65_535 && sender.sequence(4) == 0)
        #expect(sender.timestamp(1) > sender.timestamp(2))
        var outputs: [Buffer.Output] = []
        func deliver(_ i: Int, at time: Microseconds) {
            #expect(buffer.insert(i, of: sender, at: time) == .accepted)
            outputs += buffer.drain(now: time)
        }
        for i in 0..<3 { deliver(i, at: Microseconds(i) * 20 * ms) }
        #expect(buffer.packetDuration == 960)
        deliver(4, at: 80 * ms)  // 65535 is lost...
        outputs += buffer.drain(now: 119 * ms)
        deliver(6, at: 120 * ms)  // ... and FEC'd from 0 as 6 arrives before 5
        deliver(5, at: 125 * ms)
        for i in 7..<10 { deliver(i, at: Microseconds(i) * 20 * ms) }
        let expected = [0, 1, 2].map(sender.packet) + [sender.fec(3)] + (4..<10).map(sender.packet)
        #expect(outputs == expected)
        #expect(buffer.playoutPosition == Int64(10 * 960))
        #expect(buffer.nextSequence == 6)
        #expect(buffer.packetDuration == 960)
    }

    @Test func aFullBufferStopsWaitingAndRefusesWhatDoesNotFit() {
        var buffer = Buffer(configuration: .init(capacity: 4))
        let sender = Sender()
        _ = buffer.insert(0, of: sender, at: 0)
        #expect(buffer.drain(now: 0) == [sender.packet(0)])
        for i in 2...4 { #expect(buffer.insert(i, of: sender, at: Microseconds(38 + i) * ms) == .accepted) }
        #expect(buffer.drain(now: 42 * ms).isEmpty)  // waiting for 1
        #expect(buffer.insert(5, of: sender, at: 43 * ms) == .accepted)
        #expect(buffer.depth == 4)
        // Full: 6 would take the slot of 2, which is still waiting.
        #expect(buffer.insert(6, of: sender, at: 44 * ms) == .overflow)
        #expect(buffer.counters.overflows == 1)
        // Full means no more waiting: the gap goes out at once, long before maxWait.
        #expect(buffer.drain(now: 44 * ms) == [sender.fec(1)] + (2...5).map(sender.packet))
        #expect(buffer.depth == 0)
        // The refused packet's turn comes like any loss.
        #expect(buffer.insert(7, of: sender, at: 60 * ms) == .accepted)
        #expect(buffer.drain(now: 100 * ms) == [sender.fec(6), sender.packet(7)])
        #expect(buffer.counters.received == 7 && buffer.counters.released == 6 && buffer.counters.lost == 2)
    }

    /// A caller a whole buffer behind (an overloaded stream) loses its oldest audio on purpose:
    /// counted as overload drops, handed out as one skip, never as loss; the newest audio is kept.
    @Test func aCallerThatFallsBehindDropsItsOldestAudio() {
        var buffer = Buffer(configuration: .init(capacity: 4))
        let sender = Sender()
        for i in 0..<4 { #expect(buffer.insert(i, of: sender, at: Microseconds(i) * 20 * ms) == .accepted) }
        #expect(buffer.insert(4, of: sender, at: 80 * ms) == .accepted)
        #expect(buffer.insert(5, of: sender, at: 100 * ms) == .accepted)
        let dropped = Buffer.Output.overloadDropped(
            firstSequence: sender.sequence(0), timestamp: sender.timestamp(0), packets: 2, samples: 1920)
        #expect(buffer.drain(now: 100 * ms) == [dropped] + (2..<6).map(sender.packet))
        #expect(buffer.counters.overloadDropped == 2 && buffer.counters.lost == 0 && buffer.counters.overflows == 0)
        #expect(buffer.counters.released == 4 && buffer.depth == 0)
        // A dropped packet arriving again is late; the timeline goes on without a gap.
        #expect(buffer.insert(1, of: sender, at: 101 * ms) == .late)
        #expect(buffer.insert(6, of: sender, at: 120 * ms) == .accepted)
        #expect(buffer.drain(now: 120 * ms) == [sender.packet(6)])
    }

    @Test func aHugeSequenceJumpResets() {
        var buffer = Buffer()
        let sender = Sender()
        for i in 0..<10 {
            _ = buffer.insert(i, of: sender, at: Microseconds(i) * 20 * ms)
            _ = buffer.drain(now: Microseconds(i) * 20 * ms)
        }
        _ = buffer.insert(11, of: sender, at: 220 * ms)  // held behind the gap at 10
        // A sender restart: far ahead, new timestamps.
        let restarted = Sender(firstSequence: 5_000, firstTimestamp: 123_456)
        #expect(buffer.insert(0, of: restarted, at: 225 * ms) == .reset)
        #expect(buffer.counters.resets == 1 && buffer.counters.flushed == 1 && buffer.depth == 1)
        #expect(buffer.firstSequence == 5_000 && buffer.firstTimestamp == 123_456 && buffer.playoutPosition == 0)
        #expect(buffer.drain(now: 225 * ms) == [restarted.packet(0)])
        #expect(buffer.insert(1, of: restarted, at: 245 * ms) == .accepted)
        #expect(buffer.drain(now: 245 * ms) == [restarted.packet(1)])
        // Within maxLateness behind: just late. Further behind (in serial arithmetic): a reset.
        // The playout point is 5002 now.
        #expect(buffer.nextSequence == 5_002)
        #expect(buffer.insert(sequence: 5_002 - 1_000, timestamp: 0, payload: -1, arrival: 250 * ms) == .late)
        #expect(buffer.insert(sequence: 5_002 - 1_001, timestamp: 0, payload: -2, arrival: 250 * ms) == .reset)
        #expect(buffer.counters.resets == 2 && buffer.counters.late == 1 && buffer.firstSequence == 4_001)
        #expect(buffer.drain(now: 250 * ms) == [.packet(sequence: 4_001, timestamp: 0, payload: -2)])
        // 1000 ahead of the playout point (4002) is still a gap, 1001 is a jump.
        #expect(buffer.insert(sequence: 4_002 + 1_000, timestamp: 0, payload: -3, arrival: 260 * ms) == .accepted)
        #expect(buffer.insert(sequence: 4_002 + 1_001, timestamp: 0, payload: -4, arrival: 260 * ms) == .reset)
        #expect(buffer.counters.resets == 3 && buffer.counters.flushed == 2)
    }

    @Test func tenMillisecondPacketsAreLearned() {
        var buffer = Buffer()
        let sender = Sender(firstTimestamp: 42, step: 480)
        #expect(buffer.packetDuration == 960)
        for i in 0..<5 {
            _ = buffer.insert(i, of: sender, at: Microseconds(i) * 10 * ms)
            #expect(buffer.drain(now: Microseconds(i) * 10 * ms) == [sender.packet(i)])
        }
        #expect(buffer.packetDuration == 480)
        // Packet 6 was due at 60 ms: packet 5 is concealed at 100 ms, 480 samples long, then one per 10 ms.
        #expect(buffer.drain(now: 100 * ms - 1).isEmpty)
        #expect(buffer.drain(now: 100 * ms) == [sender.conceal(5)])
        #expect(buffer.drain(now: 110 * ms) == [sender.conceal(6)])
        #expect(buffer.playoutTimestamp == sender.timestamp(7))
    }

    @Test func aStoppedStreamIsConcealedAtMostNTimes() {
        var buffer = Buffer()
        let sender = Sender()
        for i in 0..<10 {
            _ = buffer.insert(i, of: sender, at: Microseconds(i) * 20 * ms)
            _ = buffer.drain(now: Microseconds(i) * 20 * ms)
        }
        // Last packet at 180 ms; packet 11 was due at 220 ms.
        #expect(buffer.drain(now: 260 * ms - 1).isEmpty)
        #expect(buffer.drain(now: 260 * ms) == [sender.conceal(10)])
        #expect(buffer.drain(now: 1_000 * ms) == (11..<15).map(sender.conceal))
        #expect(buffer.drain(now: 60_000 * ms).isEmpty)
        // A sender that stops is not a loss: the concealment is counted apart.
        #expect(buffer.counters.stallConcealed == 5 && buffer.counters.concealed == 0 && buffer.counters.lost == 0)
        // Packets come back: the rest of the gap is bounded now, so it is filled without holes.
        #expect(buffer.insert(20, of: sender, at: 60_000 * ms) == .accepted)
        // Packet 20 shows 10...19 were sent and never came: the stalled run is loss after all.
        #expect(buffer.counters.stallConcealed == 0 && buffer.counters.lost == 5 && buffer.counters.concealed == 5)
        #expect(buffer.drain(now: 60_000 * ms).isEmpty)
        #expect(buffer.drain(now: 60_040 * ms) == (15..<19).map(sender.conceal) + [sender.fec(19), sender.packet(20)])
        #expect(buffer.counters.lost == 10 && buffer.counters.concealed == 9 && buffer.counters.recoveredByFEC == 1)

        // A sender that paused and resumes where it left off (packet 10 after a stalled run): its
        // packet is late, and nothing counts as lost.
        var paused = Buffer()
        for i in 0..<10 {
            _ = paused.insert(i, of: sender, at: Microseconds(i) * 20 * ms)
            _ = paused.drain(now: Microseconds(i) * 20 * ms)
        }
        _ = paused.drain(now: 1_000 * ms)
        #expect(paused.insert(10, of: sender, at: 2_000 * ms) == .late)
        #expect(paused.counters.stallConcealed == 5 && paused.counters.lost == 0)

        var silent = Buffer(configuration: .init(maxTrailingConceals: 0))
        _ = silent.insert(0, of: sender, at: 0)
        #expect(silent.drain(now: 60_000 * ms) == [sender.packet(0)])
    }

    /// ffmpeg `-re` reads a WAV file 4096 samples at a time, so its Opus RTP comes in bursts: five
    /// 20 ms packets at once every ~93 ms (measured on loopback). Concealing on the last packet's
    /// arrival took the start of every burst for a stopped stream and dropped ~19% of the packets
    /// as late; on the media clock's late line nothing is concealed until the sender really stops.
    @Test func aBurstySenderIsNotConcealedBetweenBursts() {
        var buffer = Buffer()
        let sender = Sender()
        var out: [Buffer.Output] = []
        for burst in 0..<20 {
            let t = Microseconds(burst) * 100 * ms
            for i in 0..<5 { #expect(buffer.insert(burst * 5 + i, of: sender, at: t) == .accepted) }
            // Polled every 5 ms until the next burst, as the server's pacer tick does.
            for tick in stride(from: t, to: t + 100 * ms, by: Int(5 * ms)) { out += buffer.drain(now: tick) }
        }
        #expect(out == (0..<100).map(sender.packet))
        #expect(buffer.counters.late == 0 && buffer.counters.stallConcealed == 0 && buffer.counters.lost == 0)
        // It stops: packet 100's media time is 2000 ms, its successor's 2020 ms: concealed at 2060 ms.
        #expect(buffer.drain(now: 2_060 * ms - 1).isEmpty)
        #expect(buffer.drain(now: 2_060 * ms) == [sender.conceal(100)])
    }

    @Test func storageIsAllocatedOnce() {
        var buffer = Buffer()
        let sender = Sender()
        let address = buffer.storageAddress
        for i in 0..<1_000 where i % 7 != 3 {
            _ = buffer.insert(i, of: sender, at: Microseconds(i) * 20 * ms)
            _ = buffer.drain(now: Microseconds(i) * 20 * ms)
        }
        // Resolve the last gap (at 997, bounded by 998) without starting to conceal past 999.
        _ = buffer.drain(now: 999 * 20 * ms + 40 * ms)
        #expect(buffer.storageAddress == address)
        #expect(buffer.counters.released == 857 && buffer.counters.lost == 143)
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func randomisedStreamsKeepAGaplessTimeline(seed: UInt64) {
        let outcome = simulate(seed: seed, configuration: .init(), pollEvery: 5 * ms, drainOnArrival: true, stalls: false)
        #expect(outcome.counters.overflows == 0 && outcome.counters.resets == 0)
        #expect(outcome.counters.late > 0 && outcome.counters.duplicates > 0 && outcome.counters.recoveredByFEC > 0)
    }

    @Test(arguments: [11, 12, 13, 14] as [UInt64])
    func randomisedStallsWithASmallBufferKeepAGaplessTimeline(seed: UInt64) {
        let outcome = simulate(
            seed: seed, configuration: .init(capacity: 8), pollEvery: 50 * ms, drainOnArrival: false, stalls: true)
        // A backlog over the small buffer drops the oldest audio on purpose, never loses it.
        #expect(outcome.counters.overloadDropped > 0 && outcome.counters.resets == 0)
    }
}

// MARK: Property test

private struct SimulationOutcome {
    var counters: Buffer.Counters
}

/// Sends 2000 packets of 20 ms through a simulated network (loss, bursts, duplication, jitter that
/// reorders, optional stalls that deliver a backlog at once) into a buffer polled every `pollEvery`,
/// and checks the invariants of the output on the way.
private func simulate(
    seed: UInt64, configuration: Buffer.Configuration, pollEvery: Microseconds, drainOnArrival: Bool, stalls: Bool
) -> SimulationOutcome {
    var random = SplitMix64(seed: seed)
    let count = 2_000
    // Start close to both wraps so every run crosses them.
    let sender = Sender(
        firstSequence: UInt16.max &- UInt16.random(in: 0..<500, using: &random),
        firstTimestamp: UInt32.max &- UInt32.random(in: 0..<500_000, using: &random))

    // The network: (arrival, packet index), in arrival order.
    var arrivals: [(time: Microseconds, index: Int)] = []
    var burst = 0
    var stallEnd: Microseconds = 0
    for i in 0..<count {
        let sent = Microseconds(i) * 20 * ms
        if stalls && Double.random(in: 0..<1, using: &random) < 0.005 {
            stallEnd = sent + Microseconds.random(in: 200...600, using: &random) * ms
        }
        if burst == 0 && Double.random(in: 0..<1, using: &random) < 0.01 { burst = Int.random(in: 2...4, using: &random) }
        if burst > 0 {
            burst -= 1
            continue
        }
        if Double.random(in: 0..<1, using: &random) < 0.04 { continue }
        var delay = 20 * ms + Microseconds.random(in: 0...25 * ms, using: &random)
        if Double.random(in: 0..<1, using: &random) < 0.05 { delay += Microseconds.random(in: 30 * ms...90 * ms, using: &random) }
        let time = max(sent + delay, stallEnd)
        arrivals.append((time, i))
        if Double.random(in: 0..<1, using: &random) < 0.03 {
            arrivals.append((time + Microseconds.random(in: 0...60 * ms, using: &random), i))
        }
    }
    arrivals.sort { $0.time < $1.time }

    var buffer = Buffer(configuration: configuration)
    var outputs: [(output: Buffer.Output, time: Microseconds)] = []
    var storedAt = [Microseconds?](repeating: nil, count: count)
    // What came out for each packet index: "p", "f" or "c"; room past the end for trailing concealments.
    var emitted = [Character?](repeating: nil, count: count + 100)
    var tally = Buffer.Counters()
    var droppedStored = 0
    let strict = configuration.capacity >= 64
    func index(_ sequence: UInt16) -> Int { Int(sequence &- sender.firstSequence) }
    func pull(_ now: Microseconds) {
        while let output = buffer.next(now: now) {
            outputs.append((output, now))
            switch output {
            case .packet(let sequence, _, _): emitted[index(sequence)] = "p"
            case .recoverWithFEC(let sequence, _, _): emitted[index(sequence)] = "f"
            case .conceal(let sequence, _, _): emitted[index(sequence)] = "c"
            case .overloadDropped(let first, _, let packets, _):
                for k in 0..<packets {
                    let i = index(first &+ UInt16(k))
                    if storedAt[i] != nil { droppedStored += 1 }
                    emitted[i] = "d"
                }
            }
        }
    }

    var tick: Microseconds = 0
    for (time, i) in arrivals {
        while tick <= time {
            pull(tick)
            tick += pollEvery
        }
        let wasStored = storedAt[i] != nil
        let wasEmitted = emitted[i]
        let outcome = buffer.insert(i, of: sender, at: time)
        tally.received += 1
        switch outcome {
        case .accepted:
            #expect(!wasStored && wasEmitted == nil, "seed \(seed): packet \(i) accepted twice or after its turn")
            storedAt[i] = time
        case .duplicate:
            tally.duplicates += 1
            #expect(wasStored, "seed \(seed): packet \(i) called a duplicate but never stored")
        case .late:
            tally.late += 1
            // Late: emitted already, dropped for overload (maybe not handed out yet), or before the origin.
            #expect(
                wasEmitted != nil || buffer.counters.overloadDropped > 0 || emitted.allSatisfy { $0 == nil }
                    || index(buffer.firstSequence!) > i)
            if strict {
                #expect(wasEmitted != "p", "seed \(seed): released packet \(i) called late")
            }
        case .overflow:
            tally.overflows += 1
            #expect(!wasStored && wasEmitted == nil)
        case .reset:
            tally.resets += 1
        }
        if drainOnArrival { pull(time) }
    }
    let end = (arrivals.last?.time ?? 0) + 2_000 * ms
    while tick <= end {
        pull(tick)
        tick += pollEvery
    }

    let counters = buffer.counters
    let tag = "seed \(seed)"
    #expect(buffer.depth == 0, "\(tag): packets left behind")
    #expect(tally.received == counters.received && tally.duplicates == counters.duplicates, "\(tag)")
    #expect(tally.late == counters.late && tally.overflows == counters.overflows && tally.resets == counters.resets, "\(tag)")
    let sequences = outputs.reduce(0) { n, o in
        if case .overloadDropped(_, _, let packets, _) = o.output { return n + packets }
        return n + 1
    }
    let accounted = counters.released + counters.recoveredByFEC + counters.concealed + counters.stallConcealed + counters.overloadDropped
    #expect(accounted == sequences, "\(tag)")
    #expect(counters.lost == counters.recoveredByFEC + counters.concealed, "\(tag)")
    let stored = storedAt.count(where: { $0 != nil })
    #expect(counters.released + droppedStored == stored, "\(tag): a stored payload neither came back nor was dropped")

    // One output per sequence number, consecutive from the origin, timestamps one duration apart.
    guard let first = buffer.firstSequence, let firstTimestamp = buffer.firstTimestamp else {
        Issue.record("\(tag): no timeline")
        return SimulationOutcome(counters: counters)
    }
    var releasedPayloads = Set<Int>()
    var trailing = 0
    var k = 0  // sequence offset of the output at `o`
    for (o, (output, time)) in outputs.enumerated() {
        let sequence = first &+ UInt16(truncatingIfNeeded: k)
        let timestamp = firstTimestamp &+ UInt32(k) &* 960
        k += 1
        switch output {
        case .packet(let s, let t, let payload):
            #expect(s == sequence && t == timestamp && sender.sequence(payload) == s && sender.timestamp(payload) == t, "\(tag) #\(k)")
            #expect(releasedPayloads.insert(payload).inserted, "\(tag): payload \(payload) released twice")
            if drainOnArrival, let arrival = storedAt[payload] {
                // No packet waits longer than maxWait (plus the polling period).
                #expect(time <= arrival + configuration.maxWait + pollEvery, "\(tag): packet \(payload) held too long")
            }
            trailing = 0
        case .recoverWithFEC(let s, let t, let next):
            #expect(s == sequence && t == timestamp && next.sequence == sequence &+ 1, "\(tag) #\(k)")
            #expect(next.timestamp == timestamp &+ 960 && next.payload == index(next.sequence), "\(tag) #\(k)")
            if o + 1 < outputs.count, case .packet(let s2, _, let p2) = outputs[o + 1].output {
                #expect(s2 == next.sequence && p2 == next.payload, "\(tag): FEC not followed by its packet")
            } else {
                Issue.record("\(tag): FEC not followed by its packet")
            }
            trailing = 0
        case .conceal(let s, let t, let samples):
            #expect(s == sequence && t == timestamp && samples == 960, "\(tag) #\(k)")
            trailing += 1
        case .overloadDropped(let s, let t, let packets, let samples):
            #expect(s == sequence && t == timestamp && packets >= 1 && samples == packets * 960, "\(tag) #\(k)")
            k += packets - 1
            trailing = 0
        }
    }
    #expect(trailing <= configuration.maxTrailingConceals, "\(tag): concealed past the end of the stream")
    if let last = storedAt.lastIndex(where: { $0 != nil }) {
        #expect(releasedPayloads.contains(last), "\(tag): the newest packet never came out")
    }
    return SimulationOutcome(counters: counters)
}
