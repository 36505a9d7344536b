/// Savitzky-Golay derivative weights for `librosa.feature.delta(x, width, order, mode="interp")`,
/// which calls `scipy.signal.savgol_filter(x, width, polyorder=order, deriv=order, mode="interp")`.
///
/// `weights[t]` holds `width` weights giving the `order`-th derivative at position t of the
/// least-squares polynomial of degree `order` fitted to `width` consecutive samples. Interior
/// samples use the centre row; the first and last `width / 2` samples use the edge rows applied to
/// the first or last `width` samples, as scipy's "interp" mode does.
public struct SavitzkyGolay: Sendable {
    /// Window length (odd).
    public let width: Int
    /// Polynomial degree and derivative order.
    public let order: Int
    /// Row t: weights for the derivative at window position t.
    public let weights: [[Double]]

    /// Weights for a window of `width` samples (odd, > `order`) and derivative `order` (1 or 2).
    public init(width: Int, order: Int) {
        precondition(width % 2 == 1 && width > order && order >= 1, "invalid Savitzky-Golay window")
        self.width = width
        self.order = order
        let terms = order + 1
        let centre = Double(width / 2)
        // Normal equations A = V^T V for the Vandermonde V[i][j] = (i - centre)^j.
        var a = [[Double]](repeating: [Double](repeating: 0, count: terms), count: terms)
        for i in 0..<width {
            let x = Double(i) - centre
            for r in 0..<terms {
                for c in 0..<terms { a[r][c] += Self.power(x, r + c) }
            }
        }
        let inverse = Self.invert(a)
        // pinv = A^-1 V^T: coefficient j of the fit is sum_i pinv[j][i] * sample_i.
        var pinv = [[Double]](repeating: [Double](repeating: 0, count: width), count: terms)
        for j in 0..<terms {
            for i in 0..<width {
                let x = Double(i) - centre
                var sum = 0.0
                for c in 0..<terms { sum += inverse[j][c] * Self.power(x, c) }
                pinv[j][i] = sum
            }
        }
        // d^order/dx^order of sum_j coef_j x^j at x = t - centre.
        weights = (0..<width).map { t in
            let x = Double(t) - centre
            var row = [Double](repeating: 0, count: width)
            for j in order..<terms {
                var factor = 1.0
                for f in 0..<order { factor *= Double(j - f) }
                let scale = factor * Self.power(x, j - order)
                for i in 0..<width { row[i] += scale * pinv[j][i] }
            }
            return row
        }
    }

    private static func power(_ x: Double, _ n: Int) -> Double {
        var result = 1.0
        for _ in 0..<n { result *= x }
        return result
    }

    /// Inverse of a small symmetric positive-definite matrix by Gauss-Jordan elimination.
    private static func invert(_ m: [[Double]]) -> [[Double]] {
        let n = m.count
        var a = m
        var inv = (0..<n).map { r in (0..<n).map { c in r == c ? 1.0 : 0.0 } }
        for col in 0..<n {
            let pivot = (col..<n).max { abs(a[$0][col]) < abs(a[$1][col]) }!
            a.swapAt(col, pivot)
            inv.swapAt(col, pivot)
            let p = a[col][col]
            for c in 0..<n { a[col][c] /= p; inv[col][c] /= p }
            for r in 0..<n where r != col {
                let f = a[r][col]
                if f == 0 { continue }
                for c in 0..<n { a[r][c] -= f * a[col][c]; inv[r][c] -= f * inv[col][c] }
            }
        }
        return inv
    }
}
