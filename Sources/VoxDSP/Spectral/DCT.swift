#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Orthonormal DCT-II (`scipy.fftpack.dct(x, type=2, norm="ortho")`) keeping the first
/// `outputCount` coefficients, as a precomputed matrix.
public struct DCT: Sendable {
    /// Input length.
    public let inputCount: Int
    /// Coefficients kept.
    public let outputCount: Int
    private let matrix: [Double]

    /// A DCT from `inputCount` values to the first `outputCount` coefficients.
    public init(inputCount: Int, outputCount: Int) {
        precondition(outputCount <= inputCount, "cannot keep more coefficients than inputs")
        self.inputCount = inputCount
        self.outputCount = outputCount
        var m = [Double](repeating: 0, count: inputCount * outputCount)
        let n = Double(inputCount)
        for k in 0..<outputCount {
            let scale = k == 0 ? (1 / n).squareRoot() : (2 / n).squareRoot()
            for i in 0..<inputCount {
                m[k * inputCount + i] = scale * cos(Double.pi * Double(k) * Double(2 * i + 1) / (2 * n))
            }
        }
        matrix = m
    }

    /// Coefficient `k` of input `i`.
    public func coefficient(_ k: Int, _ i: Int) -> Double { matrix[k * inputCount + i] }

    /// y = DCT(max(x, floor)), the floor applied on the fly.
    @inline(__always)
    public func apply(_ x: UnsafePointer<Double>, floor: Double, into y: UnsafeMutablePointer<Double>) {
        matrix.withUnsafeBufferPointer { m in
            for k in 0..<outputCount {
                var sum = 0.0
                let row = k * inputCount
                for i in 0..<inputCount { sum += m[row + i] * max(x[i], floor) }
                y[k] = sum
            }
        }
    }

    /// y = DCT(x).
    public func apply(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>) {
        apply(x, floor: -.infinity, into: y)
    }
}
