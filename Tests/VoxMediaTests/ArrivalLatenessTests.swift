import Testing

@testable import VoxMedia

/// The playout delay's jitter allowance: lateness of audio against its media clock, counted from
/// the first arrival, peak over the last one to two blocks.
@Suite struct ArrivalLatenessTests {
    /// 20 ms packets (960 samples at 48 kHz) arriving exactly on time: nothing to allow for.
    @Test func inOrderRealTimePacketsNeedNoAllowance() {
        var lateness = ArrivalLateness(blockSize: 50)
        for j in 0..<500 { lateness.record(timestamp: UInt32(1000 + 960 * j), arrival: 5_000_000 + Microseconds(j) * 20_000) }
        #expect(lateness.allowance == 0)
        #expect(lateness.arrivals == 500)
    }

    /// One packet 13 ms late raises the allowance at once; it is kept while its block is current and
    /// while it is the previous block, and forgotten when the next block completes.
    @Test func aLatePacketIsAllowedForAtOnceAndForgottenTwoBlocksLater() {
        var lateness = ArrivalLateness(blockSize: 10)
        func packet(_ j: Int, late: Microseconds = 0) {
            lateness.record(timestamp: UInt32(960 * j), arrival: Microseconds(j) * 20_000 + late)
        }
        for j in 0..<5 { packet(j) }
        packet(5, late: 13_000)
        #expect(lateness.allowance == 13_000)
        for j in 6..<19 { packet(j) }  // block 1 completes; block 2 is current
        #expect(lateness.allowance == 13_000)
        packet(19)  // block 2 completes: block 1 is forgotten
        #expect(lateness.allowance == 0)
    }

    /// A burst sender (ffmpeg -re sends five 20 ms packets at a time) delivers audio early: early
    /// is never late, however bunched.
    @Test func burstsOfEarlyPacketsNeedNoAllowance() {
        var lateness = ArrivalLateness(blockSize: 100)
        for j in 0..<200 {
            let burstStart = Microseconds(j / 5) * 100_000
            lateness.record(timestamp: UInt32(960 * j), arrival: burstStart)
        }
        #expect(lateness.allowance == 0)
    }

    /// A packet held behind the next one arrives one packet late; timestamps unwrap by serial
    /// arithmetic, so the reordering (and a 32-bit wrap) reads as lateness, not as a jump.
    @Test func reorderingAcrossTheTimestampWrapReadsAsLateness() {
        var lateness = ArrivalLateness(blockSize: 1000)
        let start = UInt32.max - 960 * 3
        var arrivals: [(Int, Microseconds)] = (0..<10).map { ($0, Microseconds($0) * 20_000) }
        arrivals.swapAt(4, 5)  // packet 4 arrives after packet 5, at packet 5's time + 1 ms
        arrivals[5].1 = 5 * 20_000 + 1_000
        for (j, arrival) in arrivals { lateness.record(timestamp: start &+ UInt32(960 * j), arrival: arrival) }
        #expect(lateness.allowance == 21_000)
    }

    /// A sender whose clock claims its audio is minutes late is capped.
    @Test func allowanceIsCappedAtTheCeiling() {
        var lateness = ArrivalLateness(blockSize: 10, ceiling: 500_000)
        lateness.record(timestamp: 0, arrival: 0)
        lateness.record(timestamp: 960, arrival: 120_000_000)
        #expect(lateness.allowance == 500_000)
    }

    /// WebSocket audio has no timestamps: media time is the samples the sender sent before.
    @Test func mediaTimeFromSampleCounts() {
        var lateness = ArrivalLateness(blockSize: 100)
        lateness.record(media: 0, arrival: 1_000_000)
        lateness.record(media: 40_000, arrival: 1_047_000)  // 7 ms late
        lateness.record(media: 80_000, arrival: 1_060_000)  // 20 ms early
        #expect(lateness.allowance == 7_000)
    }

    /// After a sender restart the next arrival anchors the clock again; peaks seen before stay
    /// until their blocks pass.
    @Test func reanchorStartsAFreshClock() {
        var lateness = ArrivalLateness(blockSize: 4)
        lateness.record(timestamp: 0, arrival: 0)
        lateness.record(timestamp: 960, arrival: 30_000)  // 10 ms late
        lateness.reanchor()
        lateness.record(timestamp: 777_777, arrival: 9_000_000)
        lateness.record(timestamp: 777_777 + 960, arrival: 9_020_000)
        #expect(lateness.allowance == 10_000)
        for j in 2..<10 { lateness.record(timestamp: 777_777 + UInt32(960 * j), arrival: 9_000_000 + Microseconds(j) * 20_000) }
        #expect(lateness.allowance == 0)
    }
}

/// The compute allowance's statistic: a high percentile over the last one to two blocks.
@Suite struct RollingPercentileTests {
    @Test func nothingUntilTheFirstBlockIsFull() {
        var p = RollingPercentile(bucketWidth: 1_000, buckets: 100, blockSize: 100, percentile: 0.99)
        for _ in 0..<99 {
            let completed = p.record(5_000)
            #expect(!completed)
        }
        #expect(p.value == nil)
        let completed = p.record(5_000)
        #expect(completed)
        #expect(p.value == 6_000)  // the end of the 5-6 ms bucket
    }

    /// 1000 samples of 0..999 us in 10 us buckets: p99 is the end of the bucket holding the 990th.
    @Test func percentileOfAKnownDistribution() {
        var p = RollingPercentile(bucketWidth: 10, buckets: 200, blockSize: 1000, percentile: 0.99)
        for k in 0..<1000 { p.record(Microseconds((k * 7919) % 1000)) }
        #expect(p.value == 990)
        var q = RollingPercentile(bucketWidth: 10, buckets: 200, blockSize: 1000, percentile: 0.5)
        for k in 0..<1000 { q.record(Microseconds((k * 7919) % 1000)) }
        #expect(q.value == 500)
    }

    /// A load change shows within two blocks; samples past the last bucket count as its end.
    @Test func followsTheLoadWithinTwoBlocks() {
        var p = RollingPercentile(bucketWidth: 1_000, buckets: 50, blockSize: 100, percentile: 0.9)
        for _ in 0..<100 { p.record(2_000) }
        #expect(p.value == 3_000)
        for _ in 0..<100 { p.record(1_000_000) }
        #expect(p.value == 50_000)  // half the two blocks are over the last bucket
        for _ in 0..<100 { p.record(2_000) }
        #expect(p.value == 50_000)  // 50% still slow: p90 is slow
        for _ in 0..<100 { p.record(2_000) }
        #expect(p.value == 3_000)
    }
}
