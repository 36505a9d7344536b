import VoxCore

/// Exact nearest neighbours by cosine over unit vectors held in one contiguous matrix.
///
/// A search is exact (the same answer as scoring every row) but seldom scores every row: each
/// row also keeps its coordinates in a small orthonormal basis of the data's main directions
/// (``basisSize`` of them, from a randomised subspace iteration over a sample) and the length
/// of the rest. For a query q and row x, `q.x <= (Uq).(Ux) + |q - UUq| |x - UUx|`
/// (Cauchy-Schwarz on the part outside the basis), so a pass over the short coordinates gives an
/// upper bound per row, and only rows whose bound beats the k-th best exact score so far are
/// scored in full. With clustered data (people are) most rows are ruled out by the short pass;
/// with structureless data the search degrades to a full scan, never to a wrong answer.
struct VectorIndex: Sendable {
    /// Length of every vector.
    let dimension: Int
    /// Directions in the pruning basis.
    static let basisSize = 32
    /// Rows below which a search scans everything (the bound does not pay).
    static let pruneFrom = 2048

    private(set) var count = 0
    private var vectors: [Float] = []
    private var basis: [Float] = []
    private var projections: [Float] = []
    private var residuals: [Float] = []
    private var basisBuiltAt = 0
    private var random = SplitMix64(seed: 0x5eed_1dea)

    init(dimension: Int) {
        precondition(dimension > 0)
        self.dimension = dimension
    }

    /// Adds a unit vector; returns its row.
    mutating func append(_ v: [Float]) -> Int {
        precondition(v.count == dimension)
        vectors.append(contentsOf: v)
        count += 1
        if !basis.isEmpty {
            projections.append(contentsOf: repeatElement(0, count: Self.basisSize))
            residuals.append(0)
            project(row: count - 1)
        }
        if count >= Self.pruneFrom && count >= 2 * basisBuiltAt { rebuildBasis() }
        return count - 1
    }

    /// Replaces row `row`'s vector.
    mutating func replace(row: Int, with v: [Float]) {
        precondition(v.count == dimension && row < count)
        vectors.replaceSubrange(row * dimension..<(row + 1) * dimension, with: v)
        if !basis.isEmpty { project(row: row) }
    }

    /// Removes row `row` by moving the last row into its place (callers move their own
    /// per-row data the same way).
    mutating func remove(row: Int) {
        precondition(row < count)
        let last = count - 1
        if row != last {
            for j in 0..<dimension { vectors[row * dimension + j] = vectors[last * dimension + j] }
            if !basis.isEmpty {
                for j in 0..<Self.basisSize { projections[row * Self.basisSize + j] = projections[last * Self.basisSize + j] }
                residuals[row] = residuals[last]
            }
        }
        vectors.removeLast(dimension)
        if !basis.isEmpty {
            projections.removeLast(Self.basisSize)
            residuals.removeLast()
        }
        count -= 1
    }

    /// Row `row`'s vector.
    func vector(_ row: Int) -> [Float] { Array(vectors[row * dimension..<(row + 1) * dimension]) }

    /// Cosine of rows `a` and `b`.
    func similarity(_ a: Int, _ b: Int) -> Float {
        vectors.withUnsafeBufferPointer { p in dot(p.baseAddress! + a * dimension, p.baseAddress! + b * dimension, dimension) }
    }

    /// Cosine of `q` (unit length) with row `row`.
    func similarity(_ q: [Float], _ row: Int) -> Float {
        vectors.withUnsafeBufferPointer { p in
            q.withUnsafeBufferPointer { dot($0.baseAddress!, p.baseAddress! + row * dimension, dimension) }
        }
    }

    /// The `k` rows most similar to `q` (unit length), best first, leaving out `excluding`.
    func nearest(_ q: [Float], k: Int, excluding: Int? = nil) -> [(score: Float, row: Int)] {
        precondition(q.count == dimension)
        let k = min(k, count - (excluding == nil ? 0 : 1))
        guard k > 0 else { return [] }
        var top = TopK(k)
        let d = dimension
        vectors.withUnsafeBufferPointer { vp in
            q.withUnsafeBufferPointer { qp in
                let v = vp.baseAddress!
                let q = qp.baseAddress!
                guard !basis.isEmpty else {
                    for row in 0..<count where row != excluding { top.offer(dot(q, v + row * d, d), row) }
                    return
                }
                // The query's coordinates in the basis and the length of the rest.
                let m = Self.basisSize
                var qb = [Float](repeating: 0, count: m)
                basis.withUnsafeBufferPointer { b in for j in 0..<m { qb[j] = dot(b.baseAddress! + j * d, q, d) } }
                var inside: Float = 0
                for x in qb { inside += x * x }
                let qr = (max(0, dot(q, q, d) - inside)).squareRoot() * 1.0001 + 1e-6
                // Bounds for every row; the best few by bound are scored first to set a high bar.
                var bounds = [Float](repeating: 0, count: count)
                var first = TopK(min(count, max(4 * k, 64)))
                projections.withUnsafeBufferPointer { pp in
                    qb.withUnsafeBufferPointer { qbp in
                        for row in 0..<count {
                            let ub = dot(pp.baseAddress! + row * m, qbp.baseAddress!, m) + qr * residuals[row]
                            bounds[row] = ub
                            if row != excluding { first.offer(ub, row) }
                        }
                    }
                }
                var seen = Set<Int>()
                for (_, row) in first.items {
                    seen.insert(row)
                    top.offer(dot(q, v + row * d, d), row)
                }
                for row in 0..<count where bounds[row] > top.threshold && row != excluding && !seen.contains(row) {
                    top.offer(dot(q, v + row * d, d), row)
                }
            }
        }
        return top.sorted()
    }

    // MARK: - The pruning basis

    /// Finds the data's main directions again (from a sample of at most 4,096 rows, three
    /// rounds of subspace iteration) and recomputes every row's short coordinates.
    mutating func rebuildBasis() {
        let d = dimension
        let m = Self.basisSize
        guard count >= m else { return }
        var sample: [Int] = Array(0..<count)
        if count > 4096 {
            for i in 0..<4096 { sample.swapAt(i, i + Int(random.next() % UInt64(count - i))) }
            sample.removeLast(count - 4096)
        }
        var u = [Float](repeating: 0, count: m * d)
        for i in u.indices { u[i] = Float(random.nextUnit() * 2 - 1) }
        orthonormalize(&u, rows: m, width: d)
        var xu = [Float](repeating: 0, count: m)
        for _ in 0..<3 {
            var next = [Float](repeating: 0, count: m * d)
            vectors.withUnsafeBufferPointer { vp in
                for row in sample {
                    let x = vp.baseAddress! + row * d
                    u.withUnsafeBufferPointer { up in for j in 0..<m { xu[j] = dot(up.baseAddress! + j * d, x, d) } }
                    for j in 0..<m {
                        let c = xu[j]
                        for t in 0..<d { next[j * d + t] += c * x[t] }
                    }
                }
            }
            orthonormalize(&next, rows: m, width: d)
            u = next
        }
        basis = u
        projections = [Float](repeating: 0, count: count * m)
        residuals = [Float](repeating: 0, count: count)
        for row in 0..<count { project(row: row) }
        basisBuiltAt = count
    }

    private mutating func project(row: Int) {
        let d = dimension
        let m = Self.basisSize
        var inside: Float = 0
        var norm: Float = 0
        vectors.withUnsafeBufferPointer { vp in
            let x = vp.baseAddress! + row * d
            norm = dot(x, x, d)
            basis.withUnsafeBufferPointer { bp in
                for j in 0..<m {
                    let c = dot(bp.baseAddress! + j * d, x, d)
                    projections[row * m + j] = c
                    inside += c * c
                }
            }
        }
        // Rounded up a little: float error must not make a bound too tight.
        residuals[row] = max(0, norm - inside).squareRoot() * 1.0001 + 1e-6
    }
}

/// Gram-Schmidt (twice, for stability) on the rows of a row-major matrix; a row that vanishes
/// is replaced by a unit axis.
func orthonormalize(_ a: inout [Float], rows: Int, width: Int) {
    for _ in 0..<2 {
        for i in 0..<rows {
            for j in 0..<i {
                var c: Float = 0
                for t in 0..<width { c += a[i * width + t] * a[j * width + t] }
                for t in 0..<width { a[i * width + t] -= c * a[j * width + t] }
            }
            var n: Float = 0
            for t in 0..<width { n += a[i * width + t] * a[i * width + t] }
            if n < 1e-12 {
                for t in 0..<width { a[i * width + t] = t == i % width ? 1 : 0 }
                n = 1
            }
            let s = 1 / n.squareRoot()
            for t in 0..<width { a[i * width + t] *= s }
        }
    }
}
