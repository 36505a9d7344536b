/// Causal stand-ins for the three clip-wide statistics, for live streams ("running" mode of
/// `StreamingFeatureExtractor`).
///
/// - Peak: not applied. After cepstral mean removal the MFCCs do not depend on a constant gain
///   (it shifts every dB level, and the 80 dB floor with them, by the same amount), and the
///   autocorrelation is normalised by lag 0, so peak normalisation only matters through the
///   1e-10 power clamp, 100 dB below full scale. A time-varying peak would add error instead.
/// - dB floor: a decaying maximum of the frame's loudest mel level (it falls `floorDecay` dB per
///   second unless a louder frame lifts it), floor = maximum - 80 dB.
/// - Cepstral mean and variance: exponentially weighted, time constant `timeConstant` seconds,
///   started from a prior worth `priorWeight` seconds of speech (so the first frames are not
///   divided by a near-zero deviation). Cepstrum 0 is the overall level, so its mean is tracked
///   relative to `sqrt(128)` times the running maximum level, which makes it follow gain changes
///   as the clip-wide peak normalisation would.
public struct RunningStatistics: Sendable {
    /// Tuning of the running statistics.
    public struct Configuration: Sendable, Equatable {
        /// Time constant of the exponentially weighted mean and variance, in seconds.
        public var timeConstant: Double
        /// Weight of the prior, in seconds of audio.
        public var priorWeight: Double
        /// How fast the maximum level decays without louder input, in dB per second.
        public var floorDecay: Double
        /// Prior cepstral means; entry 0 is relative to sqrt(128) x the maximum mel level.
        public var priorMean: [Double]
        /// Prior cepstral standard deviations.
        public var priorStandardDeviation: [Double]

        /// Defaults chosen on the speech fixtures: 3 s time constant, 0.5 s prior, 2 dB/s decay.
        /// The prior is the mean of the raw-MFCC statistics of the two espeak-ng speech fixtures
        /// (Tools/reference_features.py, speech.wav and speech_silence_edges.wav).
        public static let `default` = Configuration(
            timeConstant: 3.0, priorWeight: 0.5, floorDecay: 2.0,
            priorMean: [
                -706.8, 143.97, -10.92, 15.43, 39.21, 8.09, 2.22, -6.75, -6.18, 14.42, -2.57, -22.90,
                -3.90, 4.50, -4.73, 0.0, 5.16, -1.21, -5.35, 0.57, 5.64, 0.63, -2.67,
            ],
            priorStandardDeviation: [
                117.56, 91.28, 53.89, 26.03, 37.04, 39.08, 27.13, 27.41, 22.39, 26.01, 18.82, 25.61,
                18.08, 17.43, 16.04, 13.63, 13.82, 10.87, 14.89, 9.44, 7.91, 8.52, 7.76,
            ])
    }

    /// The configuration in use.
    public let configuration: Configuration
    private var mean: [Double]
    private var variance: [Double]
    private var maxDecibels = -Double.infinity
    private var framesSeen = 0
    private let levelScale = Double(FeatureConfig.melBandCount).squareRoot()
    private let decayPerFrame: Double
    private let timeConstantFrames: Double
    private let priorFrames: Double

    /// Fresh statistics from `configuration`'s prior.
    public init(configuration: Configuration) {
        precondition(
            configuration.priorMean.count == FeatureConfig.mfccCount
                && configuration.priorStandardDeviation.count == FeatureConfig.mfccCount)
        self.configuration = configuration
        mean = configuration.priorMean
        variance = configuration.priorStandardDeviation.map { $0 * $0 }
        let rate = Double(FeatureConfig.sampleRate) / Double(FeatureConfig.hopLength)  // 120 frames/s
        decayPerFrame = configuration.floorDecay / rate
        timeConstantFrames = max(1, configuration.timeConstant * rate)
        priorFrames = max(0, configuration.priorWeight * rate)
    }

    /// The dB floor for a frame whose loudest band is `frameMaximum`; updates the running maximum.
    public mutating func floor(forFrameMaximum frameMaximum: Double) -> Double {
        maxDecibels = max(frameMaximum, maxDecibels - decayPerFrame)
        return maxDecibels - FeatureConfig.topDecibels
    }

    /// Updates the statistics with one frame's raw cepstra and normalises them in place.
    public mutating func normalise(_ cepstra: UnsafeMutablePointer<Double>) {
        let alpha = 1 / min(Double(framesSeen) + 1 + priorFrames, timeConstantFrames)
        framesSeen += 1
        for c in 0..<FeatureConfig.mfccCount {
            let offset = c == 0 ? levelScale * maxDecibels : 0
            let x = cepstra[c] - offset
            let d = x - mean[c]
            mean[c] += alpha * d
            variance[c] = (1 - alpha) * (variance[c] + alpha * d * d)
            cepstra[c] = (x - mean[c]) / (variance[c].squareRoot() + FeatureConfig.cmvnEpsilon)
        }
    }
}
