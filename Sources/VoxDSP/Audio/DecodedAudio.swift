/// Mono audio samples at a known rate, as decoded from a file.
public struct DecodedAudio: Sendable, Equatable {
    /// Mono samples, nominally in [-1, 1] (libsndfile's float normalisation; not clipped).
    public var samples: [Float]
    /// Samples per second.
    public var sampleRate: Int
    /// Channel count of the source before the downmix.
    public var sourceChannels: Int

    /// Wraps samples already decoded.
    public init(samples: [Float], sampleRate: Int, sourceChannels: Int = 1) {
        precondition(sampleRate > 0, "sample rate must be positive")
        self.samples = samples
        self.sampleRate = sampleRate
        self.sourceChannels = sourceChannels
    }

    /// Duration in seconds.
    public var duration: Double { Double(samples.count) / Double(sampleRate) }
}
