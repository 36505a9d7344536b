import COpenBLAS
import CVoxKernels

/// The element-wise and row-wise loops around the matrix products, written to stay in cache:
/// bias, ReLU, residual + LayerNorm, RoPE, softmax. Row-major matrices throughout.
enum Kernels {
    /// y[rows x layer.output] = x[rows x layer.input] * W^T + b, through `vox_linear_f32` on the
    /// packed weights when the layer has them, else OpenBLAS sgemm;
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
        if let packed = layer.packed {
            vox_linear_f32(
                x, Int32(layer.input), packed + part.lowerBound, Int32(n), y + part.lowerBound, Int32(n), Int32(rows),
                Int32(part.count), Int32(layer.input))
            return
        }
        BLAS.sgemm(
            CblasNoTrans, CblasTrans, rows, part.count, layer.input,
            1, x, layer.input, layer.weight + part.lowerBound * layer.input, layer.input, 1,
            y + part.lowerBound, n)
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
    /// `residual` may be nil for a plain LayerNorm. `width` must be a multiple of 8.
    static func addAndNormalize(
        _ x: UnsafeMutablePointer<Float>, _ residual: UnsafePointer<Float>?, rows: Int, width: Int, _ norm: FaceModel.Norm
    ) {
        precondition(width % 8 == 0, "LayerNorm width must be a multiple of 8")
        let vectors = width / 8
        let gain = UnsafeRawPointer(norm.weight)
        let bias = UnsafeRawPointer(norm.bias)
        for r in 0..<rows {
            let row = UnsafeMutableRawPointer(x + r * width)
            var sums = SIMD8<Float>()
            if let residual {
                let add = UnsafeRawPointer(residual + r * width)
                for v in 0..<vectors {
                    let value =
                        row.loadUnaligned(fromByteOffset: 32 * v, as: SIMD8<Float>.self)
                        + add.loadUnaligned(fromByteOffset: 32 * v, as: SIMD8<Float>.self)
                    row.storeBytes(of: value, toByteOffset: 32 * v, as: SIMD8<Float>.self)
                    sums += value
                }
            } else {
                for v in 0..<vectors { sums += row.loadUnaligned(fromByteOffset: 32 * v, as: SIMD8<Float>.self) }
            }
            let mean = SIMD8<Float>(repeating: sums.sum() / Float(width))
            var squares = SIMD8<Float>()
            for v in 0..<vectors {
                let d = row.loadUnaligned(fromByteOffset: 32 * v, as: SIMD8<Float>.self) - mean
                squares += d * d
            }
            let scale = SIMD8<Float>(repeating: 1 / (squares.sum() / Float(width) + 1e-5).squareRoot())
            for v in 0..<vectors {
                let value =
                    (row.loadUnaligned(fromByteOffset: 32 * v, as: SIMD8<Float>.self) - mean) * scale
                    * gain.loadUnaligned(fromByteOffset: 32 * v, as: SIMD8<Float>.self)
                    + bias.loadUnaligned(fromByteOffset: 32 * v, as: SIMD8<Float>.self)
                row.storeBytes(of: value, toByteOffset: 32 * v, as: SIMD8<Float>.self)
            }
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

    /// Whether `vox_softmax_rows` has its AVX-512 path on this CPU.
    static let vectorSoftmax = vox_softmax_isa() == 2

    /// Softmax of each of `rows` rows of `width` values, in place: `vox_softmax_rows` on whole
    /// AVX-512 registers where the CPU has them (the same e^x rule as `fastExp`), else `softmaxLanes`.
    @inline(__always)
    static func softmax(_ m: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
        if vectorSoftmax {
            vox_softmax_rows(m, Int32(rows), Int32(width))
        } else {
            softmaxLanes(m, rows: rows, width: width)
        }
    }

    /// Softmax in Swift, 8 lanes at a time: the path for CPUs without AVX-512, where it is
    /// faster than `vox_softmax_rows`'s portable C (0.443 against 0.516 ms a window, measured).
    static func softmaxLanes(_ m: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
        let vectors = width / 8
        for r in 0..<rows {
            let row = m + r * width
            let raw = UnsafeMutableRawPointer(row)
            var top = SIMD8<Float>(repeating: -.infinity)
            for v in 0..<vectors {
                let value = raw.loadUnaligned(fromByteOffset: 32 * v, as: SIMD8<Float>.self)
                top = top.replacing(with: value, where: value .> top)
            }
            var largest = top[0]
            for lane in 1..<8 { largest = max(largest, top[lane]) }
            for i in (8 * vectors)..<width { largest = max(largest, row[i]) }
            let shift = SIMD8<Float>(repeating: largest)
            var sums = SIMD8<Float>()
            for v in 0..<vectors {
                let e = fastExp(raw.loadUnaligned(fromByteOffset: 32 * v, as: SIMD8<Float>.self) - shift)
                raw.storeBytes(of: e, toByteOffset: 32 * v, as: SIMD8<Float>.self)
                sums += e
            }
            var sum = sums.sum()
            for i in (8 * vectors)..<width {
                let e = fastExp(SIMD8(repeating: row[i] - largest))[0]
                row[i] = e
                sum += e
            }
            let inverse = 1 / sum
            let scale = SIMD8<Float>(repeating: inverse)
            for v in 0..<vectors {
                raw.storeBytes(
                    of: raw.loadUnaligned(fromByteOffset: 32 * v, as: SIMD8<Float>.self) * scale, toByteOffset: 32 * v,
                    as: SIMD8<Float>.self)
            }
            for i in (8 * vectors)..<width { row[i] *= inverse }
        }
    }

    /// e^x for x <= 0 lanes (softmax inputs): 2^k * e^r with |r| <= ln2/2 and a degree-7
    /// polynomial; relative error about 2e-7 (float32 rounding), 0 below -87.
    @inline(__always)
    static func fastExp(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let clamped = x.replacing(with: -87.0, where: x .< -87.0)
        // Adding 1.5 * 2^23 rounds to the nearest whole number and leaves it in the low mantissa bits.
        let shifted = clamped * 1.442_695_04 + 12_582_912.0
        let k = shifted - 12_582_912.0
        let r = clamped - k * 0.693_145_75 - k * 1.428_606_8e-6
        var p = SIMD8<Float>(repeating: 1.0 / 5040)
        p = p * r + 1.0 / 720
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        let integer = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
        let scale = unsafeBitCast((integer &+ 127) &<< 23, to: SIMD8<Float>.self)
        return (p * scale).replacing(with: 0, where: x .< -87.0)
    }
}
