import Foundation

/// The per-frame half of NeuroSync's features: for one 1470-sample analysis frame, the 128 mel
/// band levels in dB (before the clip-wide floor) and the 187 normalised autocorrelation lags.
///
/// Owns FFT plans and scratch allocated once: analysing a frame allocates nothing. Not
/// thread-safe: each thread or stream uses its own analyser (they are cheap to create).
public final class FrameAnalyzer {
    /// The mel bank, shared read-only.
    public let melBank: MelFilterBank
    /// The DCT from 128 mel levels to 23 cepstra.
    public let dct: DCT
    private let stft: RealFFT
    private let correlationFFT: RealFFT
    private let correlationInverse: RealFFT
    private let periodicHann: [Double]
    private let symmetricHann: [Double]
    private let frame: UnsafeMutablePointer<Double>
    private let power: UnsafeMutablePointer<Double>
    private let bands: UnsafeMutablePointer<Double>
    private let padded: UnsafeMutablePointer<Double>
    private let spectrum: UnsafeMutablePointer<Double>

    /// Zero-padded length for the autocorrelation FFT: at least 1470 + 187 so that the circular
    /// wrap cannot reach lags 0...187; 2048 runs on radix-4 stages only, faster than 1680.
    public static let correlationFFTSize = 2048

    /// An analyser for NeuroSync's frame size.
    public init() {
        let n = FeatureConfig.frameLength
        melBank = MelFilterBank(sampleRate: FeatureConfig.sampleRate, fftSize: n, bandCount: FeatureConfig.melBandCount)
        dct = DCT(inputCount: FeatureConfig.melBandCount, outputCount: FeatureConfig.mfccCount)
        stft = RealFFT(size: n)
        correlationFFT = RealFFT(size: Self.correlationFFTSize)
        correlationInverse = RealFFT(size: Self.correlationFFTSize)
        periodicHann = Window.periodicHann(n)
        symmetricHann = Window.symmetricHann(n)
        frame = .allocate(capacity: n)
        power = .allocate(capacity: n / 2 + 1)
        bands = .allocate(capacity: FeatureConfig.melBandCount)
        padded = .allocate(capacity: Self.correlationFFTSize)
        spectrum = .allocate(capacity: Self.correlationFFTSize)
        padded.initialize(repeating: 0, count: Self.correlationFFTSize)
    }

    deinit {
        for p in [frame, power, bands, padded, spectrum] { p.deallocate() }
    }

    /// Mel band levels in dB, `10 log10(max(1e-10, band power))`, of one frame (1470 samples, the
    /// centred STFT's zero padding already applied). Returns the largest of the 128 levels.
    @discardableResult
    public func melDecibels(_ samples: UnsafePointer<Double>, into decibels: UnsafeMutablePointer<Double>) -> Double {
        let n = FeatureConfig.frameLength
        periodicHann.withUnsafeBufferPointer { w in
            for i in 0..<n { frame[i] = samples[i] * w[i] }
        }
        stft.powerSpectrum(frame, into: power)
        melBank.apply(power, into: bands)
        var largest = -Double.infinity
        for b in 0..<FeatureConfig.melBandCount {
            let level = 10 * log10(max(FeatureConfig.minimumPower, bands[b]))
            decibels[b] = level
            largest = max(largest, level)
        }
        return largest
    }

    /// The 23 cepstra of one frame's mel levels with the dB `floor` applied.
    public func cepstrum(_ decibels: UnsafePointer<Double>, floor: Double, into mfcc: UnsafeMutablePointer<Double>) {
        for b in 0..<FeatureConfig.melBandCount { bands[b] = max(decibels[b], floor) }
        dct.apply(bands, into: mfcc)
    }

    /// Autocorrelation lags 1...187 of one frame (1470 samples, reflect padding already applied):
    /// mean removed, symmetric Hann window, normalised by lag 0 when lag 0 is non-zero.
    public func autocorrelation(_ samples: UnsafePointer<Double>, into lags: UnsafeMutablePointer<Double>) {
        let n = FeatureConfig.frameLength
        var mean = 0.0
        for i in 0..<n { mean += samples[i] }
        mean /= Double(n)
        symmetricHann.withUnsafeBufferPointer { w in
            for i in 0..<n { padded[i] = (samples[i] - mean) * w[i] }
        }
        // padded[n..<1680] stays zero. |X|^2 is real and even, so its inverse DFT is the forward
        // DFT's real part divided by the length; the scale cancels in the lag-0 normalisation.
        correlationFFT.powerSpectrum(padded, into: spectrum)
        let size = Self.correlationFFTSize
        for k in 1..<size / 2 { spectrum[size - k] = spectrum[k] }
        let count = FeatureConfig.autocorrelationLags
        var zero = 0.0
        correlationInverse.forward(spectrum) { k, re, _ in
            if k == 0 {
                zero = re
            } else if k <= count {
                lags[k - 1] = re
            }
        }
        if zero != 0 {
            for k in 0..<count { lags[k] /= zero }
        }
    }
}
