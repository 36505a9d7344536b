public import VoxCore

/// How closely one (N, 256) feature matrix follows another (e.g. running-statistics streaming
/// against batch), over the rows after a warm-up.
public struct FeatureAgreement: Sendable, CustomStringConvertible {
    /// Mean |a - b| over the 23 MFCC columns.
    public var mfccMeanError: Double = 0
    /// Pearson correlation of the MFCC columns.
    public var mfccCorrelation: Double = 0
    /// Pearson correlation of the 46 delta and delta-delta columns.
    public var deltaCorrelation: Double = 0
    /// Largest |a - b| over the 187 autocorrelation columns.
    public var autocorrelationMaxError: Float = 0
    /// Rows compared.
    public var rows = 0

    /// Compares `a` with `b` over rows `warmUpRows ..< min(a.rows, b.rows)`.
    public init(_ a: FeatureMatrix, _ b: FeatureMatrix, warmUpRows: Int) {
        let end = min(a.rows, b.rows)
        guard end > warmUpRows else { return }
        rows = end - warmUpRows
        var x: [Double] = []
        var y: [Double] = []
        var dx: [Double] = []
        var dy: [Double] = []
        let mfcc = FeatureConfig.mfccCount
        for r in warmUpRows..<end {
            for c in 0..<mfcc {
                x.append(Double(a[r, c]))
                y.append(Double(b[r, c]))
            }
            for c in mfcc..<3 * mfcc {
                dx.append(Double(a[r, c]))
                dy.append(Double(b[r, c]))
            }
            for c in 3 * mfcc..<FeatureConfig.featureCount {
                autocorrelationMaxError = max(autocorrelationMaxError, abs(a[r, c] - b[r, c]))
            }
        }
        mfccMeanError = zip(x, y).map { abs($0 - $1) }.reduce(0, +) / Double(x.count)
        mfccCorrelation = Self.correlation(x, y)
        deltaCorrelation = Self.correlation(dx, dy)
    }

    static func correlation(_ x: [Double], _ y: [Double]) -> Double {
        let n = Double(x.count)
        let mx = x.reduce(0, +) / n
        let my = y.reduce(0, +) / n
        var sxy = 0.0
        var sxx = 0.0
        var syy = 0.0
        for (u, v) in zip(x, y) {
            sxy += (u - mx) * (v - my)
            sxx += (u - mx) * (u - mx)
            syy += (v - my) * (v - my)
        }
        return sxx > 0 && syy > 0 ? sxy / (sxx * syy).squareRoot() : 0
    }

    /// One line: the four figures.
    public var description: String {
        "MFCC mean |error| \(Self.fixed(mfccMeanError, 3)), MFCC r \(Self.fixed(mfccCorrelation, 3)), "
            + "delta r \(Self.fixed(deltaCorrelation, 3)), autocorrelation max |error| \(autocorrelationMaxError)"
    }

    private static func fixed(_ value: Double, _ digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        return String(rounded)
    }
}
