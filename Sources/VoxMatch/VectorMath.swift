/// Dot product of two float vectors of the same length `n`, eight lanes at a time.
@inline(__always)
func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
    var acc0 = SIMD8<Float>.zero
    var acc1 = SIMD8<Float>.zero
    var i = 0
    let ra = UnsafeRawPointer(a)
    let rb = UnsafeRawPointer(b)
    while i + 16 <= n {
        acc0 +=
            ra.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            * rb.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
        acc1 +=
            ra.loadUnaligned(fromByteOffset: (i + 8) * 4, as: SIMD8<Float>.self)
            * rb.loadUnaligned(fromByteOffset: (i + 8) * 4, as: SIMD8<Float>.self)
        i += 16
    }
    var sum = (acc0 + acc1).sum()
    while i < n {
        sum += a[i] * b[i]
        i += 1
    }
    return sum
}

/// Cosine of two vectors of the same length (0 when either is all zero).
public func cosine(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count)
    let (ab, aa, bb) = a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
            (
                dot(pa.baseAddress!, pb.baseAddress!, a.count), dot(pa.baseAddress!, pa.baseAddress!, a.count),
                dot(pb.baseAddress!, pb.baseAddress!, a.count)
            )
        }
    }
    guard aa > 0, bb > 0 else { return 0 }
    return ab / (aa * bb).squareRoot()
}

/// The best `k` of a stream of scored items (highest score first), in O(n log k).
struct TopK {
    private(set) var items: [(score: Float, row: Int)] = []
    let k: Int

    init(_ k: Int) {
        self.k = k
        items.reserveCapacity(k + 1)
    }

    /// The score an item must beat to enter.
    var threshold: Float { items.count < k ? -.infinity : items[0].score }

    /// Offers one item.
    @inline(__always)
    mutating func offer(_ score: Float, _ row: Int) {
        guard items.count < k || score > items[0].score else { return }
        if items.count == k {
            items[0] = (score, row)
            siftDown(0)
        } else {
            items.append((score, row))
            siftUp(items.count - 1)
        }
    }

    /// The items, best first (ties by row).
    func sorted() -> [(score: Float, row: Int)] {
        items.sorted { $0.score != $1.score ? $0.score > $1.score : $0.row < $1.row }
    }

    // A min-heap on score.
    private mutating func siftUp(_ i: Int) {
        var i = i
        while i > 0 {
            let p = (i - 1) / 2
            guard items[i].score < items[p].score else { return }
            items.swapAt(i, p)
            i = p
        }
    }

    private mutating func siftDown(_ i: Int) {
        var i = i
        while true {
            let l = 2 * i + 1
            let r = l + 1
            var m = i
            if l < items.count && items[l].score < items[m].score { m = l }
            if r < items.count && items[r].score < items[m].score { m = r }
            guard m != i else { return }
            items.swapAt(i, m)
            i = m
        }
    }
}
