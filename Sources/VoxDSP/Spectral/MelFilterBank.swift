#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A Slaney-style mel filter bank with Slaney area normalisation, as
/// `librosa.filters.mel(sr, n_fft, n_mels, fmin=0, fmax=sr/2, htk=False, norm="slaney")` builds it
/// (librosa 0.11), stored sparsely: each triangle as its first bin and weights.
///
/// Weights are rounded to float32 where librosa stores them in float32, so sums match the reference.
public struct MelFilterBank: Sendable {
    /// Number of mel bands.
    public let bandCount: Int
    /// FFT bins per frame (n_fft / 2 + 1).
    public let binCount: Int
    /// First nonzero bin of each band.
    public let firstBin: [Int]
    /// Weights of each band from `firstBin`, concatenated; `offsets[b]..<offsets[b+1]` is band b.
    public let weights: [Double]
    /// Start of each band in `weights`, plus a final end marker.
    public let offsets: [Int]

    /// Builds the bank for `sampleRate`, `fftSize` and `bandCount` over 0 Hz ... `maxFrequency`
    /// (default: Nyquist).
    public init(sampleRate: Int, fftSize: Int, bandCount: Int, minFrequency: Double = 0, maxFrequency: Double? = nil) {
        self.bandCount = bandCount
        binCount = fftSize / 2 + 1
        let fmax = maxFrequency ?? Double(sampleRate) / 2
        let minMel = Self.hzToMel(minFrequency), maxMel = Self.hzToMel(fmax)
        // numpy.linspace(min, max, n + 2): start + i * step, the last point exactly max.
        let points = bandCount + 2
        let step = (maxMel - minMel) / Double(points - 1)
        var melHz = (0..<points).map { Self.melToHz(minMel + Double($0) * step) }
        melHz[points - 1] = Self.melToHz(maxMel)
        // numpy.fft.rfftfreq: k * (1 / (n * (1 / sr))).
        let binWidth = 1.0 / (Double(fftSize) * (1.0 / Double(sampleRate)))
        var first: [Int] = [], all: [Double] = [], offsets: [Int] = []
        for band in 0..<bandCount {
            let lowerWidth = melHz[band + 1] - melHz[band]
            let upperWidth = melHz[band + 2] - melHz[band + 1]
            let enorm = 2.0 / (melHz[band + 2] - melHz[band])
            var start = -1
            offsets.append(all.count)
            for k in 0..<binCount {
                let f = Double(k) * binWidth
                let lower = -(melHz[band] - f) / lowerWidth
                let upper = (melHz[band + 2] - f) / upperWidth
                let tri = Double(Float(max(0, min(lower, upper))))
                if tri > 0 {
                    if start < 0 { start = k }
                    // Gaps inside a triangle cannot happen; zeros after the first nonzero end it.
                    while start + (all.count - offsets[band]) < k { all.append(0) }
                    all.append(Double(Float(tri * enorm)))
                }
            }
            first.append(max(start, 0))
        }
        offsets.append(all.count)
        firstBin = first
        weights = all
        self.offsets = offsets
    }

    /// Applies the bank to a power spectrum of `binCount` values, writing `bandCount` band powers.
    @inline(__always)
    public func apply(_ power: UnsafePointer<Double>, into bands: UnsafeMutablePointer<Double>) {
        weights.withUnsafeBufferPointer { w in
            for b in 0..<bandCount {
                var sum = 0.0
                let base = firstBin[b] - offsets[b]
                for i in offsets[b]..<offsets[b + 1] { sum += w[i] * power[base + i] }
                bands[b] = sum
            }
        }
    }

    /// Slaney mel scale: linear below 1 kHz (200/3 Hz per mel), logarithmic above.
    public static func hzToMel(_ hz: Double) -> Double {
        let fsp = 200.0 / 3, minLogHz = 1000.0, minLogMel = minLogHz / fsp, logStep = log(6.4) / 27
        return hz >= minLogHz ? minLogMel + log(hz / minLogHz) / logStep : hz / fsp
    }

    /// Inverse of `hzToMel`.
    public static func melToHz(_ mel: Double) -> Double {
        let fsp = 200.0 / 3, minLogHz = 1000.0, minLogMel = minLogHz / fsp, logStep = log(6.4) / 27
        return mel >= minLogMel ? minLogHz * exp(logStep * (mel - minLogMel)) : fsp * mel
    }
}
