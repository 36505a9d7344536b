import CVoxKernels

/// Exact nearest neighbours by cosine over unit vectors held in one contiguous matrix.
///
/// A search is exact (the same answer as scoring every row in floats) but reads a quarter of
/// the bytes: each row is also kept as int8 codes with a per-row scale `s` and the length `e`
/// of its rounding error (`|x - s X|`). For a query q, coded the same way, Cauchy-Schwarz bounds
/// the true score: `q.x <= sq sx (Q.X) + eq |x| + |q^| ex`. One pass of integer dot products
/// (AVX2 when the CPU has it) gives every row's bound; the rows with the best bounds are scored
/// in floats, which sets the k-th best score; every other row whose bound still beats it is
/// scored in floats too. Rounding to int8 loses about 1% of a unit vector, so the bound is tight
/// and few rows are scored in full, whatever the data's structure.
public struct VectorIndex: Sendable {
    /// Length of every vector.
    public let dimension: Int
    /// Bytes per coded row (the dimension rounded up to 32, the tail zero).
    let stride: Int

    /// Rows held.
    public private(set) var count = 0
    private var vectors: [Float] = []
    private var codes: [Int8] = []
    private var scales: [Float] = []
    private var errors: [Float] = []
    private var norms: [Float] = []

    /// An empty index of `dimension`-long vectors.
    public init(dimension: Int) {
        precondition(dimension > 0)
        self.dimension = dimension
        stride = (dimension + 31) / 32 * 32
    }

    /// Adds a vector; returns its row.
    public mutating func append(_ v: [Float]) -> Int {
        precondition(v.count == dimension)
        vectors.append(contentsOf: v)
        codes.append(contentsOf: repeatElement(0, count: stride))
        scales.append(0)
        errors.append(0)
        norms.append(0)
        count += 1
        code(row: count - 1)
        return count - 1
    }

    /// Adds the vectors stored one after another in `flat` (a whole number of them), coding them
    /// in place without a copy per row; returns the first one's row.
    public mutating func append(contentsOf flat: [Float]) -> Int {
        precondition(flat.count % dimension == 0)
        let first = count
        let n = flat.count / dimension
        if count == 0 { vectors = flat } else { vectors.append(contentsOf: flat) }
        codes.append(contentsOf: repeatElement(0, count: n * stride))
        var rowScales = [Float](repeating: 0, count: n)
        var rowErrors = [Float](repeating: 0, count: n)
        var rowNorms = [Float](repeating: 0, count: n)
        let (d, w) = (dimension, stride)
        vectors.withUnsafeBufferPointer { v in
            codes.withUnsafeMutableBufferPointer { c in
                for i in 0..<n {
                    let row = first + i
                    (rowScales[i], rowErrors[i], rowNorms[i]) = Self.quantize(
                        UnsafeBufferPointer(rebasing: v[row * d..<(row + 1) * d]), into: c.baseAddress! + row * w)
                }
            }
        }
        scales += rowScales
        errors += rowErrors
        norms += rowNorms
        count += n
        return first
    }

    /// Replaces row `row`'s vector.
    mutating func replace(row: Int, with v: [Float]) {
        precondition(v.count == dimension && row < count)
        vectors.replaceSubrange(row * dimension..<(row + 1) * dimension, with: v)
        code(row: row)
    }

    /// Removes row `row` by moving the last row into its place (callers move their own
    /// per-row data the same way).
    public mutating func remove(row: Int) {
        precondition(row < count)
        let last = count - 1
        if row != last {
            for j in 0..<dimension { vectors[row * dimension + j] = vectors[last * dimension + j] }
            for j in 0..<stride { codes[row * stride + j] = codes[last * stride + j] }
            scales[row] = scales[last]
            errors[row] = errors[last]
            norms[row] = norms[last]
        }
        vectors.removeLast(dimension)
        codes.removeLast(stride)
        scales.removeLast()
        errors.removeLast()
        norms.removeLast()
        count -= 1
    }

    /// Row `row`'s vector.
    func vector(_ row: Int) -> [Float] { Array(vectors[row * dimension..<(row + 1) * dimension]) }

    /// Cosine of rows `a` and `b` (dot product of unit vectors).
    func similarity(_ a: Int, _ b: Int) -> Float {
        vectors.withUnsafeBufferPointer { p in
            vox_dot_f32(p.baseAddress! + a * dimension, p.baseAddress! + b * dimension, Int32(dimension))
        }
    }

    /// The `k` rows most similar to `q`, best first, leaving out `excluding`.
    public func nearest(_ q: [Float], k: Int, excluding: Int? = nil) -> [(score: Float, row: Int)] {
        precondition(q.count == dimension)
        let k = min(k, count - (excluding == nil ? 0 : 1))
        guard k > 0 else { return [] }
        let (qc, qs, qe, qn) = Self.quantize(q, stride: stride)
        var dots = [Int32](repeating: 0, count: count)
        codes.withUnsafeBufferPointer { c in
            qc.withUnsafeBufferPointer { qp in
                dots.withUnsafeMutableBufferPointer { d in
                    vox_dots_i8(c.baseAddress!, Int32(count), Int32(stride), qp.baseAddress!, d.baseAddress!)
                }
            }
        }
        var top = TopK(k)
        let d = dimension
        vectors.withUnsafeBufferPointer { vp in
            q.withUnsafeBufferPointer { qp in
                let v = vp.baseAddress!
                let qv = qp.baseAddress!
                // Upper bounds for every row; the best few by bound are scored first to set a high bar.
                var bounds = [Float](repeating: 0, count: count)
                var first = TopK(min(count, max(4 * k, 64)))
                for row in 0..<count {
                    let ub = qs * scales[row] * Float(dots[row]) + qe * norms[row] + (qn + qe) * errors[row] + 1e-5
                    bounds[row] = ub
                    if row != excluding { first.offer(ub, row) }
                }
                var seen = Set<Int>(minimumCapacity: first.items.count)
                for (_, row) in first.items {
                    seen.insert(row)
                    top.offer(vox_dot_f32(qv, v + row * d, Int32(d)), row)
                }
                for row in 0..<count where bounds[row] > top.threshold && row != excluding && !seen.contains(row) {
                    top.offer(vox_dot_f32(qv, v + row * d, Int32(d)), row)
                }
            }
        }
        return top.sorted()
    }

    /// Codes row `row` from its float vector.
    private mutating func code(row: Int) {
        let (c, s, e, n) = Self.quantize(vector(row), stride: stride)
        codes.replaceSubrange(row * stride..<(row + 1) * stride, with: c)
        scales[row] = s
        errors[row] = e
        norms[row] = n
    }

    /// int8 codes (padded to `stride`), scale, error length (rounded up a little, so float
    /// error never makes a bound too tight) and length of `v`.
    static func quantize(_ v: [Float], stride: Int) -> ([Int8], Float, Float, Float) {
        var codes = [Int8](repeating: 0, count: stride)
        let (scale, error, norm) = v.withUnsafeBufferPointer { p in
            codes.withUnsafeMutableBufferPointer { c in quantize(p, into: c.baseAddress!) }
        }
        return (codes, scale, error, norm)
    }

    /// ``quantize(_:stride:)`` writing the codes to `codes` (`v.count` of them; the padding is
    /// left as it is): scale, error length and length.
    static func quantize(_ v: UnsafeBufferPointer<Float>, into codes: UnsafeMutablePointer<Int8>) -> (Float, Float, Float) {
        var largest: Float = 0
        var norm2: Float = 0
        for x in v {
            largest = max(largest, abs(x))
            norm2 += x * x
        }
        let scale = largest > 0 ? largest / 127 : 1
        var error2: Float = 0
        for (i, x) in v.enumerated() {
            let c = max(-127, min(127, (x / scale).rounded()))
            codes[i] = Int8(c)
            let diff = x - c * scale
            error2 += diff * diff
        }
        return (scale, error2.squareRoot() * 1.001 + 1e-6, norm2.squareRoot() * 1.001)
    }
}
