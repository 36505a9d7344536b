/// The element-wise loops BERT needs besides the shared ones: LayerNorm with the config's
/// epsilon (BERT's 1e-12, where `addAndNormalize` has nn.LayerNorm's default 1e-5) at any width,
/// and GELU in its exact (erf) form.
extension Kernels {
    /// x = LayerNorm(x + residual) row by row (biased variance, `epsilon` inside the square
    /// root), as nn.LayerNorm; `residual` may be nil for a plain LayerNorm.
    static func addAndNormalize(
        _ x: UnsafeMutablePointer<Float>, _ residual: UnsafePointer<Float>?, rows: Int, width: Int, _ norm: FaceModel.Norm,
        epsilon: Float
    ) {
        let vectors = width / 8
        let tail = 8 * vectors
        let gain = UnsafeRawPointer(norm.weight)
        let bias = UnsafeRawPointer(norm.bias)
        for r in 0..<rows {
            let row = x + r * width
            let raw = UnsafeMutableRawPointer(row)
            if let residual {
                let add = UnsafeRawPointer(residual + r * width)
                for v in 0..<vectors {
                    let sum =
                        raw.loadUnaligned(fromByteOffset: 32 * v, as: SIMD8<Float>.self)
                        + add.loadUnaligned(fromByteOffset: 32 * v, as: SIMD8<Float>.self)
                    raw.storeBytes(of: sum, toByteOffset: 32 * v, as: SIMD8<Float>.self)
                }
                for i in tail..<width { row[i] += residual[r * width + i] }
            }
            var sums = SIMD8<Float>()
            for v in 0..<vectors { sums += raw.loadUnaligned(fromByteOffset: 32 * v, as: SIMD8<Float>.self) }
            var total = sums.sum()
            for i in tail..<width { total += row[i] }
            let mean = total / Float(width)
            let means = SIMD8<Float>(repeating: mean)
            var squares = SIMD8<Float>()
            for v in 0..<vectors {
                let d = raw.loadUnaligned(fromByteOffset: 32 * v, as: SIMD8<Float>.self) - means
                squares += d * d
            }
            var squareTotal = squares.sum()
            for i in tail..<width { squareTotal += (row[i] - mean) * (row[i] - mean) }
            let inverse = 1 / (squareTotal / Float(width) + epsilon).squareRoot()
            let scale = SIMD8<Float>(repeating: inverse)
            for v in 0..<vectors {
                let value =
                    (raw.loadUnaligned(fromByteOffset: 32 * v, as: SIMD8<Float>.self) - means) * scale
                    * gain.loadUnaligned(fromByteOffset: 32 * v, as: SIMD8<Float>.self)
                    + bias.loadUnaligned(fromByteOffset: 32 * v, as: SIMD8<Float>.self)
                raw.storeBytes(of: value, toByteOffset: 32 * v, as: SIMD8<Float>.self)
            }
            for i in tail..<width { row[i] = (row[i] - mean) * inverse * norm.weight[i] + norm.bias[i] }
        }
    }

    /// In place: GELU(y) = y/2 * (1 + erf(y/sqrt 2)), the erf form of nn.GELU and BERT's "gelu".
    static func gelu(_ y: UnsafeMutablePointer<Float>, count: Int) {
        let raw = UnsafeMutableRawPointer(y)
        var i = 0
        while i + 8 <= count {
            raw.storeBytes(
                of: gelu(raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)), toByteOffset: 4 * i, as: SIMD8<Float>.self)
            i += 8
        }
        if i < count {
            var lanes = SIMD8<Float>()
            for k in i..<count { lanes[k - i] = y[k] }
            lanes = gelu(lanes)
            for k in i..<count { y[k] = lanes[k - i] }
        }
    }

    /// GELU of 8 lanes through erfc(|z|) = q(t) e^(-z^2), t = 1 / (1 + p|z|), z = x/sqrt 2
    /// (Abramowitz & Stegun 7.1.26, |error of erf| <= 1.5e-7): 1 + erf(z) is q e^(-z^2) for
    /// z < 0, so the negative tail keeps its relative accuracy instead of cancelling against 1,
    /// and 2 - q e^(-z^2) for z >= 0.
    @inline(__always)
    static func gelu(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let z = x * 0.707_106_77
        let a = z.replacing(with: -z, where: z .< 0)
        let t = 1 / (1 + 0.327_591_1 * a)
        var q = SIMD8<Float>(repeating: 1.061_405_429)
        q = q * t - 1.453_152_027
        q = q * t + 1.421_413_741
        q = q * t - 0.284_496_736
        q = q * t + 0.254_829_592
        q = q * t * fastExp(-(a * a))
        let onePlusErf = q.replacing(with: 2 - q, where: z .>= 0)
        return 0.5 * x * onePlusErf
    }
}
