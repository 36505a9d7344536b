/// The three clip-wide statistics of NeuroSync's features, which a stream cannot know in advance:
/// the peak used for normalisation, the maximum mel level (the 80 dB floor sits below it), and the
/// per-coefficient cepstral mean and standard deviation.
public struct FeatureStatistics: Sendable, Equatable {
    /// Largest absolute sample of the 88.2 kHz signal before normalisation (1 if it was silent).
    public var peak: Float
    /// Largest mel level in dB over the clip, after peak normalisation.
    public var maxDecibels: Double
    /// Mean of each of the 23 raw cepstra over the clip.
    public var cepstralMean: [Double]
    /// Population standard deviation of each raw cepstrum over the clip.
    public var cepstralStandardDeviation: [Double]

    /// Statistics from their parts; the two arrays hold 23 values each.
    public init(peak: Float, maxDecibels: Double, cepstralMean: [Double], cepstralStandardDeviation: [Double]) {
        precondition(cepstralMean.count == FeatureConfig.mfccCount && cepstralStandardDeviation.count == FeatureConfig.mfccCount)
        self.peak = peak
        self.maxDecibels = maxDecibels
        self.cepstralMean = cepstralMean
        self.cepstralStandardDeviation = cepstralStandardDeviation
    }

    /// The dB floor: `maxDecibels - 80`.
    public var floorDecibels: Double { maxDecibels - FeatureConfig.topDecibels }
}
