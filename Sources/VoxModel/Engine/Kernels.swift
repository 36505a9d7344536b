import COpenBLAS

/// The element-wise and row-wise loops around the matrix products, written to stay in cache:
/// bias, ReLU, residual + LayerNorm, RoPE, softmax. Row-major matrices throughout.
enum Kernels {
    /// y[rows x layer.output] = x[rows x layer.input] * W^T + b, through OpenBLAS sgemm;
    /// only output columns `columns` (all by default), so threads can split one layer.
    @inline(__always)
    static func linear(
        _ x: UnsafePointer<Float>, rows: Int, _ layer: FaceModel.Linear, into y: UnsafeMutablePointer<Float>,
        columns: Range<Int>? = nil
    ) {
        let n = layer.output
        let part = columns ?? 0..<n
        if part.isEmpty { return }
        for r in 0..<rows { (y + r * n + part.lowerBound).update(from: layer.bias + part.lowerBound, count: part.count) }
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(part.count), Int32(layer.input),
            1, x, Int32(layer.input), layer.weight + part.lowerBound * layer.input, Int32(layer.input), 1,
            y + part.lowerBound, Int32(n))
    }

    /// In place: max(0, y).
    @inline(__always)
    static func relu(_ y: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        let raw = UnsafeMutableRawPointer(y)
        while i + 8 <= count {
            let v = raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
            raw.storeBytes(of: v.replacing(with: 0, where: v .< 0), toByteOffset: 4 * i, as: SIMD8<Float>.self)
            i += 8
        }
        while i < count {
            if y[i] < 0 { y[i] = 0 }
            i += 1
        }
    }

    /// x = LayerNorm(x + residual) row by row (eps 1e-5, biased variance), as nn.LayerNorm.
    /// `residual` may be nil for a plain LayerNorm.
    static func addAndNormalize(
        _ x: UnsafeMutablePointer<Float>, _ residual: UnsafePointer<Float>?, rows: Int, width: Int, _ norm: FaceModel.Norm
    ) {
        for r in 0..<rows {
            let row = x + r * width
            if let residual {
                let add = residual + r * width
                for i in 0..<width { row[i] += add[i] }
            }
            var sum: Float = 0
            for i in 0..<width { sum += row[i] }
            let mean = sum / Float(width)
            var squares: Float = 0
            for i in 0..<width {
                let d = row[i] - mean
                squares += d * d
            }
            let scale = 1 / (squares / Float(width) + 1e-5).squareRoot()
            for i in 0..<width { row[i] = (row[i] - mean) * scale * norm.weight[i] + norm.bias[i] }
        }
    }

    /// Rotary embedding on the `heads` heads of every row (columns `offset ..< offset + H` of a
    /// matrix `stride` wide): pairs (2i, 2i+1) of each head rotate by position * 10000^(-2i/d).
    static func rope(
        _ m: UnsafeMutablePointer<Float>, rows: Int, stride: Int, offset: Int, heads: Int, headDim: Int,
        cos: UnsafePointer<Float>, sin: UnsafePointer<Float>
    ) {
        let half = headDim / 2
        for p in 0..<rows {
            let c = cos + p * half
            let s = sin + p * half
            for h in 0..<heads {
                let x = m + p * stride + offset + h * headDim
                for i in 0..<half {
                    let even = x[2 * i]
                    let odd = x[2 * i + 1]
                    x[2 * i] = even * c[i] - odd * s[i]
                    x[2 * i + 1] = even * s[i] + odd * c[i]
                }
            }
        }
    }

    /// Softmax of each of `rows` rows of `width` values, in place.
    static func softmax(_ m: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
        for r in 0..<rows {
            let row = m + r * width
            var top = -Float.infinity
            for i in 0..<width { top = max(top, row[i]) }
            var sum: Float = 0
            var i = 0
            while i + 8 <= width {
                let v = fastExp(UnsafeRawPointer(row + i).loadUnaligned(as: SIMD8<Float>.self) - SIMD8(repeating: top))
                UnsafeMutableRawPointer(row + i).storeBytes(of: v, as: SIMD8<Float>.self)
                sum += v.sum()
                i += 8
            }
            while i < width {
                let v = fastExp(SIMD8(repeating: row[i] - top))[0]
                row[i] = v
                sum += v
                i += 1
            }
            let inverse = 1 / sum
            for k in 0..<width { row[k] *= inverse }
        }
    }

    /// e^x for x <= 0 lanes (softmax inputs): 2^k * e^r with |r| <= ln2/2 and a degree-7
    /// polynomial; relative error about 2e-7 (float32 rounding), 0 below -87.
    @inline(__always)
    static func fastExp(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let clamped = x.replacing(with: -87.0, where: x .< -87.0)
        let k = (clamped * 1.442_695_04).rounded(.toNearestOrEven)
        let r = clamped - k * 0.693_145_75 - k * 1.428_606_8e-6
        var p = SIMD8<Float>(repeating: 1.0 / 5040)
        p = p * r + 1.0 / 720
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        // k is a whole number in [-126, 128]: adding 1.5 * 2^23 puts it in the low mantissa bits.
        let integer = unsafeBitCast(k + 12_582_912.0, to: SIMD8<Int32>.self) &- 0x4B40_0000
        let scale = unsafeBitCast((integer &+ 127) &<< 23, to: SIMD8<Float>.self)
        return (p * scale).replacing(with: 0, where: x .< -87.0)
    }
}
