#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The per-frame half of NeuroSync's features: for one 1470-sample analysis frame per lane, the 128
/// mel band levels in dB (before the clip-wide floor) and the 187 normalised autocorrelation lags.
///
/// `FrameAnalyzer<Double>` analyses one frame at a time (streaming); `FrameAnalyzer<SIMD8<Float>>`
/// eight frames in lock-step (batch). Owns FFT plans and scratch allocated once: analysing
/// allocates nothing. Not thread-safe: each thread or stream uses its own analyser.
public final class FrameAnalyzer<V: FFTLane> {
    /// The mel bank (weights in Double; the analyser keeps a copy in `V.Scalar`).
    public let melBank: MelFilterBank
    private let melWeights: [V.Scalar]
    private let stft: RealFFT<V>
    private let correlationFFT: RealFFT<V>
    private let correlationInverse: RealFFT<V>
    private let periodicHann: [V.Scalar]
    private let symmetricHann: [V.Scalar]
    private let frame: UnsafeMutablePointer<V>
    private let power: UnsafeMutablePointer<V>
    private let bands: UnsafeMutablePointer<V>
    private let padded: UnsafeMutablePointer<V>
    private let spectrum: UnsafeMutablePointer<V>

    /// Zero-padded length for the autocorrelation FFT: at least 1470 + 187 so that the circular
    /// wrap cannot reach lags 0...187; 2048 runs on radix-4 stages only, faster than 1680.
    public static var correlationFFTSize: Int { 2048 }

    /// An analyser for NeuroSync's frame size.
    public init() {
        let n = FeatureConfig.frameLength
        let size = Self.correlationFFTSize
        melBank = MelFilterBank(sampleRate: FeatureConfig.sampleRate, fftSize: n, bandCount: FeatureConfig.melBandCount)
        melWeights = melBank.weights.map { V.Scalar($0) }
        stft = RealFFT(size: n)
        correlationFFT = RealFFT(size: size)
        correlationInverse = RealFFT(size: size)
        periodicHann = Window.periodicHann(n).map { V.Scalar($0) }
        symmetricHann = Window.symmetricHann(n).map { V.Scalar($0) }
        frame = .allocate(capacity: n)
        power = .allocate(capacity: n / 2 + 1)
        bands = .allocate(capacity: FeatureConfig.melBandCount)
        padded = .allocate(capacity: size)
        spectrum = .allocate(capacity: size)
        padded.initialize(repeating: V(repeating: 0), count: size)
    }

    deinit {
        for p in [frame, power, bands, padded, spectrum] { p.deallocate() }
    }

    /// Mel band powers of one frame per lane (1470 samples, the centred STFT's zero padding
    /// already applied): periodic Hann, |FFT|^2, Slaney mel bank. Writes 128 values per lane.
    public func melPowers(_ samples: UnsafePointer<V>, into powers: UnsafeMutablePointer<V>) {
        let n = FeatureConfig.frameLength
        periodicHann.withUnsafeBufferPointer { w in
            for i in 0..<n { frame[i] = samples[i] * w[i] }
        }
        stft.powerSpectrum(frame, into: power)
        let zero = V(repeating: 0)
        melWeights.withUnsafeBufferPointer { w in
            for b in 0..<FeatureConfig.melBandCount {
                var sum = zero
                let base = melBank.firstBin[b] - melBank.offsets[b]
                for i in melBank.offsets[b]..<melBank.offsets[b + 1] { sum = sum + power[base + i] * w[i] }
                powers[b] = sum
            }
        }
    }

    /// Mel band levels in dB, `10 log10(max(1e-10, band power))`, of one frame per lane (see
    /// `melPowers`). Returns each lane's loudest level.
    @discardableResult
    public func melDecibels(_ samples: UnsafePointer<V>, into decibels: UnsafeMutablePointer<V>) -> V {
        melPowers(samples, into: bands)
        let zero = V(repeating: 0)
        var largest = V(repeating: -V.Scalar.infinity)
        for b in 0..<FeatureConfig.melBandCount {
            var level = zero
            let band = bands[b]
            for lane in 0..<V.laneCount {
                let value = 10 * log10(max(FeatureConfig.minimumPower, Double(band[lane])))
                level[lane] = V.Scalar(value)
                largest[lane] = max(largest[lane], V.Scalar(value))
            }
            decibels[b] = level
        }
        return largest
    }

    /// Autocorrelation lags 1...187 of one frame per lane (1470 samples, reflect padding already
    /// applied): mean removed, symmetric Hann window, normalised by lag 0 when lag 0 is non-zero.
    public func autocorrelation(_ samples: UnsafePointer<V>, into lags: UnsafeMutablePointer<V>) {
        let n = FeatureConfig.frameLength
        var mean = V(repeating: 0)
        for i in 0..<n { mean = mean + samples[i] }
        mean = mean * (1 / V.Scalar(n))
        symmetricHann.withUnsafeBufferPointer { w in
            for i in 0..<n { padded[i] = (samples[i] - mean) * w[i] }
        }
        // padded[n...] stays zero. |X|^2 is real and even, so its inverse DFT is the forward DFT's
        // real part divided by the length; the scale cancels in the lag-0 normalisation.
        correlationFFT.powerSpectrum(padded, into: spectrum)
        let size = Self.correlationFFTSize
        for k in 1..<size / 2 { spectrum[size - k] = spectrum[k] }
        let count = FeatureConfig.autocorrelationLags
        var zero = V(repeating: 0)
        correlationInverse.forward(spectrum) { k, re, _ in
            if k == 0 {
                zero = re
            } else if k <= count {
                lags[k - 1] = re
            }
        }
        for lane in 0..<V.laneCount where zero[lane] != 0 {
            let scale = 1 / zero[lane]
            for k in 0..<count { lags[k][lane] *= scale }
        }
    }
}

/// Mel dB levels to cepstra: the dB floor, then the orthonormal DCT-II, first 23 coefficients.
public struct Cepstrum: Sendable {
    /// The DCT from 128 mel levels to 23 cepstra.
    public let dct = DCT(inputCount: FeatureConfig.melBandCount, outputCount: FeatureConfig.mfccCount)

    /// A transform for NeuroSync's 128 bands and 23 coefficients.
    public init() {}

    /// The 23 cepstra of one frame's mel levels with the dB `floor` applied.
    @inline(__always)
    public func apply(_ decibels: UnsafePointer<Double>, floor: Double, into mfcc: UnsafeMutablePointer<Double>) {
        dct.apply(decibels, floor: floor, into: mfcc)
    }
}
