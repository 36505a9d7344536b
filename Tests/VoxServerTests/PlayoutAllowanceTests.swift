import Testing
import VoxMedia
import VoxSettings

@testable import VoxServer

/// The adaptive playout delay, without sockets: what a stream allows for, how the pacer's delay
/// follows it, and what the stall allowance and the jitter buffer's wait become.
@Suite struct PlayoutAllowanceTests {
    static func state(_ settings: StreamSettings = StreamSettings(hop: 4, lookahead: 1)) -> StreamState {
        StreamState(settings: settings, channels: 68, frameCapacity: 16, createdAt: 0)
    }

    /// Grows at once by the whole difference; shrinks 1 ms per 100 ms, and only when over 4 ms
    /// above the target.
    @Test func theDelayGrowsAtOnceAndShrinksSlowly() {
        var output = OutputState(channels: 68, capacity: 16)
        output.startPacer(origin: 0, configuration: .init(frameRate: 60, playoutDelay: 140_000, easeFrames: 30), produced: 0, now: 0)
        let grew = output.followPlayoutDelay(152_000, now: 10_000)
        #expect(grew == 12_000)
        #expect(output.pacer?.configuration.playoutDelay == 152_000)
        // Within the slack: stays.
        let within = output.followPlayoutDelay(149_000, now: 5_000_000)
        #expect(within == 0)
        #expect(output.pacer?.configuration.playoutDelay == 152_000)
        // Well below: 1 ms per 100 ms, never faster however often asked.
        var now: Microseconds = 5_000_000
        for _ in 0..<50 {
            now += 20_000
            _ = output.followPlayoutDelay(130_000, now: now)
        }
        let afterOneSecond: Microseconds? = output.pacer?.configuration.playoutDelay
        #expect(afterOneSecond == 142_000)  // 1 s: 10 steps
        #expect(output.counters.delayChanges == 11)
        for _ in 0..<100 {
            now += 100_000
            _ = output.followPlayoutDelay(130_000, now: now)
        }
        #expect(output.pacer?.configuration.playoutDelay == 134_000, "stops within the slack")
    }

    /// Adaptive: the measured lateness and job latency, a millisecond each to spare; network: the
    /// fixed 40 + 30 ms. The delay is the algorithmic latency plus the two.
    /// The pool's job-time estimate: 15 ms until measured; from the 120th job twice the slowest
    /// job so far when that is less (a lone stream's first two minutes), raised at once by a
    /// slower job; the p99.9 of full blocks after.
    @Test func theJobTimeEstimateStartsEarlyButNeverAboveTheAssumption() {
        var quick = JobLatencyEstimate()
        for k in 1..<JobLatencyEstimate.earlyJobs { #expect(quick.record(k == 50 ? 3_000 : 1_500) == nil) }
        #expect(quick.record(1_500) == 6_000)
        #expect(quick.record(2_000) == nil)
        #expect(quick.record(4_000) == 8_000, "a slower job raises it at once")
        #expect(quick.record(9_000) == 15_000, "never above the assumption")
        #expect(quick.record(9_500) == nil)
        for _ in (JobLatencyEstimate.earlyJobs + 5)..<2_000 { #expect(quick.record(1_500) == nil) }
        // The first full block's p99.9 (to its 250 us bucket's end): the third slowest of 2,000.
        #expect(quick.record(1_500) == 4_250)
        #expect(quick.record(20_000) == nil)

        // A slow start (50 streams' first windows at once) keeps the assumption.
        var busy = JobLatencyEstimate()
        for k in 1...JobLatencyEstimate.earlyJobs { #expect(busy.record(k == 7 ? 8_000 : 1_500) == nil) }
        for _ in (JobLatencyEstimate.earlyJobs + 1)..<2_000 { #expect(busy.record(1_500) == nil) }
        #expect(busy.record(1_500) == 1_750)
    }

    @Test func allowancesByProfile() {
        var s = Self.state()
        for j in 0..<10 { s.inbox.lateness.record(timestamp: UInt32(960 * j), arrival: Microseconds(j) * 20_000 + (j == 3 ? 4_000 : 0)) }
        let adaptive = s.allowances(jobLatency: 9_000)
        #expect(adaptive == PlayoutAllowances(jitter: 5_000, compute: 10_000))
        let algorithmic = StreamSettings.algorithmicLatency(hop: 4, lookahead: 1, inputRate: 48_000)
        #expect(s.settings.playoutDelay(inputRate: 48_000, allowances: adaptive) == algorithmic + 15_000)
        s.settings.latencyProfile = .network
        #expect(s.allowances(jobLatency: 9_000) == .network)
    }

    /// Following the allowances (adaptive), with the slack the delay leaves beyond the algorithmic
    /// latency and the compute allowance (the jitter allowance, for an automatic delay): the sender
    /// counts as paused one packet plus the slack after its last audio, and a missing packet is
    /// waited for as long as the slack, at most 40 ms unless the jitter allowance is longer. The
    /// network profile keeps the 60 ms stall and 40 ms wait.
    @Test func stallAndGapWaitFollowTheJitterAllowance() {
        var s = Self.state()
        _ = s.lifecycle.audioArrived(now: 1_000)
        s.inbox.ingest = .websocket(.pcm16(rate: 48_000))
        s.output.startPacer(
            origin: 1_000, configuration: .init(frameRate: 60, playoutDelay: 150_000, easeFrames: 30), produced: 0, now: 1_000)
        _ = s.follow(.init(jitter: 7_000, compute: 12_000), target: 150_000, algorithmic: 131_000, now: 2_000)
        #expect(s.lifecycle.timeouts.stall == 27_000)
        #expect(s.paddingLag == 7_000)
        #expect(s.lifecycle.stallDeadline == 28_000)
        #expect(s.inbox.jitter.configuration.maxWait == 7_000)
        #expect(s.output.counters.jitterAllowanceMs == 7 && s.output.counters.computeAllowanceMs == 12)

        var explicit = Self.state(StreamSettings(hop: 6, lookahead: 12, playoutDelayMilliseconds: 700))
        explicit.output.startPacer(
            origin: 0, configuration: .init(frameRate: 60, playoutDelay: 700_000, easeFrames: 30), produced: 0, now: 0)
        _ = explicit.follow(.init(jitter: 1_000, compute: 5_000), target: 700_000, algorithmic: 330_000, now: 2_000)
        #expect(explicit.inbox.jitter.configuration.maxWait == 40_000)
        #expect(explicit.lifecycle.timeouts.stall == 60_000 && explicit.paddingLag == 40_000, "the rest of the slack stays margin")
        _ = explicit.follow(.init(jitter: 90_000, compute: 5_000), target: 700_000, algorithmic: 330_000, now: 3_000)
        #expect(explicit.inbox.jitter.configuration.maxWait == 90_000, "a jitter allowance over 40 ms is waited for")

        var network = Self.state(StreamSettings(hop: 4, lookahead: 4))
        network.settings.latencyProfile = .network
        _ = network.lifecycle.audioArrived(now: 1_000)
        _ = network.follow(.network, target: 238_000, algorithmic: 168_000, now: 2_000)
        #expect(network.lifecycle.timeouts.stall == Stream.stallAllowance && network.paddingLag == Stream.stallAllowance)
        #expect(network.inbox.jitter.configuration.maxWait == 40_000)
    }

    /// An explicit playout_delay_ms is never moved by the allowances.
    @Test func anExplicitDelayStaysAsSet() {
        var s = Self.state(StreamSettings(hop: 4, lookahead: 1, playoutDelayMilliseconds: 300))
        s.output.startPacer(origin: 0, configuration: .init(frameRate: 60, playoutDelay: 300_000, easeFrames: 30), produced: 0, now: 0)
        let grew = s.follow(.init(jitter: 200_000, compute: 200_000), target: 300_000, algorithmic: 122_000, now: 10_000_000)
        #expect(grew == 0)
        #expect(s.output.pacer?.configuration.playoutDelay == 300_000)
        #expect(s.output.counters.playoutDelayMs == 300)
    }

    /// Too many deadline misses raise an adaptive stream's compute allowance 10 ms at a time, up to
    /// 60 ms, before the hop may widen; other streams widen at once.
    @Test func missesGrowTheAllowanceBeforeTheHopWidens() {
        var s = Self.state()
        for k in 1...6 {
            let grew = s.allowMoreForMisses()
            #expect(grew)
            #expect(s.allowances(jobLatency: 5_000).compute == 6_000 + Microseconds(k) * 10_000)
        }
        let capped = s.allowMoreForMisses()
        #expect(!capped)
        var network = Self.state()
        network.settings.latencyProfile = .network
        let networkGrew = network.allowMoreForMisses()
        #expect(!networkGrew)
        var fixed = Self.state(StreamSettings(hop: 4, lookahead: 1, playoutDelayMilliseconds: 200))
        let fixedGrew = fixed.allowMoreForMisses()
        #expect(!fixedGrew)
    }
}
