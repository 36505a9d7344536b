import Testing
import VoxCore

@Suite struct RingBufferTests {
    @Test func appendsRemovesAndWrapsAround() {
        var ring = RingBuffer<Int>(capacity: 4, fill: 0)
        for v in 1...3 { ring.append(v) }
        #expect(ring.count == 3 && ring.freeCount == 1)
        ring.removeFirst(2)
        #expect(ring.count == 1 && ring.removedCount == 2 && ring[0] == 3)
        for v in 4...6 { ring.append(v) }  // wraps past the end of storage
        #expect((0..<ring.count).map { ring[$0] } == [3, 4, 5, 6])
        #expect(ring.value(atAbsolute: 2) == 3 && ring.value(atAbsolute: 5) == 6)
        #expect(ring.endIndex == 6)
    }

    @Test func bulkAppendAndCopyAcrossTheSeam() {
        var ring = RingBuffer<Float>(capacity: 5, fill: 0)
        [1, 2, 3].withUnsafeBufferPointer { ring.append(contentsOf: $0) }
        ring.removeFirst(3)
        [4, 5, 6, 7].withUnsafeBufferPointer { ring.append(contentsOf: $0) }
        var out = [Float](repeating: 0, count: 3)
        out.withUnsafeMutableBufferPointer { ring.copy(from: 1, into: $0) }
        #expect(out == [5, 6, 7])
        ring.removeLastValues(2)
        #expect(ring.count == 2 && ring[1] == 5)
    }
}
