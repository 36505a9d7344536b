/// F0 and spectral centroid of one 40 ms frame at 16 kHz, for `VoiceTraitsAnalyzer`.
///
/// F0 by the normalised autocorrelation of the Hann-windowed frame divided by the window's own
/// autocorrelation (Boersma 1993, "Accurate short-term analysis of the fundamental frequency and
/// the harmonics-to-noise ratio of a sampled sound"; the method of Praat's `To Pitch (ac)`), with
/// both autocorrelations computed through a 1024-point FFT. A frame is voiced when the best peak in
/// the 60-400 Hz lag range reaches 0.45 (Praat's default voicing threshold). Octave guard: of the
/// peaks within 10% of the best one, the shortest lag wins, since a periodic signal correlates
/// almost as well at two and three periods as at one. The peak is refined by a parabola through
/// its three samples.
///
/// Allocates at init only. Not thread-safe; one stream owns one.
final class VoiceTraitsPitchEstimator {
    /// Analysis rate in Hz.
    static let sampleRate = 16_000
    /// Frame length: 40 ms.
    static let frameLength = 640
    /// FFT length: the frame zero-padded far enough that lags up to 384 do not wrap around.
    static let fftLength = 1024
    /// Lowest and highest F0 searched, in Hz.
    static let minimumPitch = 60.0
    static let maximumPitch = 400.0
    /// Normalised autocorrelation a peak needs for the frame to count as voiced.
    static let voicingThreshold = 0.45
    /// Peaks within this fraction of the best count as equals for the octave guard.
    static let octaveTolerance = 0.9
    /// The centroid reads 0 Hz up to this frequency: a band every input rate of 8 kHz and up carries.
    static let centroidMaximumHz = 4000.0

    /// Lags searched, in samples, with one extra on each side for the parabola.
    static let shortestLag = Int((Double(sampleRate) / maximumPitch).rounded(.down))
    static let longestLag = Int((Double(sampleRate) / minimumPitch).rounded(.up))

    /// Hann window (periodic, 640) used for the frame's level too.
    let window: [Double]
    /// Sum of the window's weights.
    let windowSum: Double
    private let fft = RealFFT<Double>(size: fftLength)
    private let windowCorrelation: UnsafeMutablePointer<Double>  // normalised, lags 0...longestLag + 1
    private let input: UnsafeMutablePointer<Double>  // fftLength
    private let power: UnsafeMutablePointer<Double>  // fftLength: |X[k]|^2, mirrored
    private let correlation: UnsafeMutablePointer<Double>  // lags 0...longestLag + 1

    init() {
        let n = Self.frameLength
        window = Window.periodicHann(n)
        windowSum = window.reduce(0, +)
        let lags = Self.longestLag + 2
        windowCorrelation = .allocate(capacity: lags)
        for lag in 0..<lags {
            var sum = 0.0
            for i in 0..<(n - lag) { sum += window[i] * window[i + lag] }
            windowCorrelation[lag] = sum
        }
        let zero = windowCorrelation[0]
        for lag in 0..<lags { windowCorrelation[lag] /= zero }
        input = .allocate(capacity: Self.fftLength)
        input.initialize(repeating: 0, count: Self.fftLength)
        power = .allocate(capacity: Self.fftLength)
        power.initialize(repeating: 0, count: Self.fftLength)
        correlation = .allocate(capacity: lags)
        correlation.initialize(repeating: 0, count: lags)
    }

    deinit {
        for p in [windowCorrelation, input, power, correlation] { p.deallocate() }
    }

    /// F0 in Hz (nil when unvoiced) and spectral centroid over 0-4 kHz in Hz of `frame`
    /// (640 samples), after subtracting `mean`.
    func analyse(_ frame: UnsafePointer<Float>, mean: Double) -> (pitchHz: Double?, centroidHz: Double) {
        let n = Self.frameLength
        let size = Self.fftLength
        window.withUnsafeBufferPointer { w in
            for i in 0..<n { input[i] = (Double(frame[i]) - mean) * w[i] }
        }
        let binHz = Double(Self.sampleRate) / Double(size)
        let lastCentroidBin = Int(Self.centroidMaximumHz / binHz)
        var weighted = 0.0
        var total = 0.0
        fft.forward(input) { k, re, im in
            let p = re * re + im * im
            power[k] = p
            if k > 0 && k < size / 2 { power[size - k] = p }
            if k <= lastCentroidBin {
                weighted += Double(k) * binHz * p
                total += p
            }
        }
        let centroid = total > 0 ? weighted / total : 0
        // The power spectrum is real and even, so its forward transform is the (real) autocorrelation
        // times the FFT length; only the ratio to lag 0 matters.
        let lags = Self.longestLag + 1
        fft.forward(power) { k, re, _ in
            if k <= lags { correlation[k] = re }
        }
        let energy = correlation[0]
        guard energy > 0 else { return (nil, centroid) }
        // r'(lag) = (r_x(lag) / r_x(0)) / (r_w(lag) / r_w(0)), in place.
        for lag in (Self.shortestLag - 1)...lags {
            correlation[lag] = correlation[lag] / energy / windowCorrelation[lag]
        }
        var best = 0.0
        for lag in Self.shortestLag...Self.longestLag where isPeak(lag) { best = max(best, correlation[lag]) }
        guard best >= Self.voicingThreshold else { return (nil, centroid) }
        for lag in Self.shortestLag...Self.longestLag where isPeak(lag) && correlation[lag] >= Self.octaveTolerance * best {
            let a = correlation[lag - 1]
            let b = correlation[lag]
            let c = correlation[lag + 1]
            let curvature = a - 2 * b + c
            let offset = curvature < 0 ? min(max(0.5 * (a - c) / curvature, -0.5), 0.5) : 0
            let pitch = Double(Self.sampleRate) / (Double(lag) + offset)
            guard pitch >= Self.minimumPitch && pitch <= Self.maximumPitch else { return (nil, centroid) }
            return (pitch, centroid)
        }
        return (nil, centroid)
    }

    @inline(__always)
    private func isPeak(_ lag: Int) -> Bool {
        correlation[lag] > correlation[lag - 1] && correlation[lag] >= correlation[lag + 1]
    }
}
