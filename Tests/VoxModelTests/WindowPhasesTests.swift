import Testing

@testable import VoxModel

@Suite struct WindowPhasesTests {
    /// Streams whose first audio arrived in the same frame take turns: with hop 4, 40 of them
    /// fill the four phases evenly (10 windows due per frame, never 40 at once).
    @Test func streamsStartedTogetherAreSpreadOverTheHop() {
        var wheel = WindowPhases()
        var phases = [Int](repeating: 0, count: 4)
        for _ in 0..<40 { phases[wheel.place(hop: 4, dueFrame: 1_000).phase] += 1 }
        #expect(phases == [10, 10, 10, 10])
        #expect(wheel.load.max() == 10 && wheel.load.min() == 10)
        #expect(wheel.windowsPerSecond == 40 * 15)
    }

    /// A lone stream keeps phase 0 (the batch pipeline's windows), and streams that start apart
    /// keep their natural phases when those do not collide.
    @Test func naturalPhasesAreKeptWhenFree() {
        var wheel = WindowPhases()
        #expect(wheel.place(hop: 4, dueFrame: 7).phase == 0)
        #expect(wheel.place(hop: 4, dueFrame: 8).phase == 0)
        #expect(wheel.place(hop: 4, dueFrame: 9).phase == 0)
        #expect(wheel.place(hop: 4, dueFrame: 10).phase == 0)
        // Every residue of 4 now holds one stream: the fifth shares one (the smallest phase wins
        // a tie), and no slot holds more than two.
        #expect(wheel.place(hop: 4, dueFrame: 10).phase == 0)
        #expect(wheel.load.max() == 2)
    }

    /// Frame indices are absolute: a due frame a whole second later lands in the same slot, and a
    /// negative one (a clock before its epoch) wraps instead of trapping.
    @Test func slotsWrapOverTheSecond() {
        var a = WindowPhases()
        var b = WindowPhases()
        #expect(a.place(hop: 3, dueFrame: 5) == b.place(hop: 3, dueFrame: 65))
        var c = WindowPhases()
        let placed = c.place(hop: 3, dueFrame: -1)
        #expect(placed.slot == 59 && placed.phase == 0)
    }

    /// Releasing every placement empties the wheel, whatever the hops (also those that do not
    /// divide 60), so closed streams leave no load behind; moving a placement keeps the count.
    @Test func releasingEmptiesTheWheel() {
        var wheel = WindowPhases()
        var placed: [WindowPhases.Placement] = []
        for (i, hop) in [1, 2, 3, 4, 7, 8, 11, 12, 4, 4].enumerated() { placed.append(wheel.place(hop: hop, dueFrame: Int64(i * 13))) }
        let moved = wheel.occupy(hop: 8, dueFrame: 123)
        wheel.release(placed[3])
        placed[3] = moved
        for p in placed { wheel.release(p) }
        #expect(wheel.load == [Int](repeating: 0, count: WindowPhases.slots))
    }

    /// Mixed hops: a hop-2 stream hits every other slot; a hop-4 stream placed after two hop-2
    /// streams on both residues still takes the least-loaded slots.
    @Test func mixedHopsChooseTheLeastLoadedPhase() {
        var wheel = WindowPhases()
        _ = wheel.place(hop: 2, dueFrame: 0)  // even slots
        _ = wheel.place(hop: 4, dueFrame: 1)  // slots 1, 5, 9, ...
        let next = wheel.place(hop: 4, dueFrame: 1)  // phase 0 would share slots 1, 5, ... with it
        #expect(next.slot % 4 == 3)
        #expect(wheel.load.max() == 1)
    }

    /// Hops longer than the wheel (the batch schedule's 96, or any hop over 60) have phases past
    /// a whole second: every phase, chosen or fixed, lands in a slot of the wheel, and releasing
    /// gives it back.
    @Test func hopsLongerThanTheWheelWrap() {
        var wheel = WindowPhases()
        var placed: [WindowPhases.Placement] = []
        for k in 0..<200 { placed.append(wheel.place(hop: 96, dueFrame: Int64(k % 7))) }
        for fixed in [0, 59, 60, 61, 95] { placed.append(wheel.place(hop: 96, dueFrame: 3, fixed: fixed)) }
        #expect(placed.allSatisfy { (0..<WindowPhases.slots).contains($0.slot) && (0..<96).contains($0.phase) })
        #expect(placed.suffix(5).map(\.phase) == [0, 59, 60, 61, 95])
        #expect(wheel.windowsPerSecond == 205)
        for p in placed { wheel.release(p) }
        #expect(wheel.windowsPerSecond == 0 && wheel.load.allSatisfy { $0 == 0 })
    }
}
