/// A speaker's voice described by a handful of prosodic numbers, for the JSON API (snake_case keys).
///
/// Computed by `VoiceTraitsAccumulator.traits()` from the frames of a `VoiceTraitsAnalyzer`: 10 ms
/// hops of 40 ms Hann windows on the signal resampled to 16 kHz. "Speech frames" are frames whose
/// level is at least 10 dB above the adaptive noise floor and above -60 dBFS; "voiced frames" are
/// speech frames with a periodicity (normalised autocorrelation) of at least 0.45 at an F0 of
/// 60-400 Hz. Percentiles come from fixed histograms, linearly interpolated within a bin.
public struct VoiceTraits: Sendable, Equatable, Codable {
    /// Median fundamental frequency of the voiced frames, in Hz (1/4-semitone histogram bins).
    public var medianPitchHz: Double
    /// Interquartile range (75th minus 25th percentile) of the voiced frames' F0, in semitones.
    public var pitchSpreadSemitones: Double
    /// Articulation rate: syllable nuclei per second of speaking time, where speaking time is the
    /// speech frames plus the silent gaps shorter than 250 ms between them (pauses excluded).
    public var syllablesPerSecond: Double
    /// Median short-term level of the speech frames, in dBFS (Hann-weighted RMS of a 40 ms frame,
    /// DC removed, band-limited to about 6 kHz by the resampler; a full-scale square wave is
    /// 0 dBFS, a full-scale sine -3 dBFS).
    public var loudnessDbfs: Double
    /// Spread of the speech-frame levels: 90th minus 10th percentile, in dB.
    public var loudnessRangeDb: Double
    /// Time in pauses (silent runs of at least 250 ms between speech) divided by the time from the
    /// first to the last speech frame (pauses plus speaking time); 0 to 1. Summed over the sessions
    /// of a merged profile; silence before the first and after the last speech does not count.
    public var pauseRatio: Double
    /// Median spectral centroid of the voiced frames over 0-4 kHz, in Hz.
    public var brightnessHz: Double
    /// Speaking time in seconds: speech frames plus the gaps shorter than 250 ms (the denominator
    /// of `syllablesPerSecond`).
    public var speechSeconds: Double
    /// Audio analysed, in seconds (10 ms hops; silence included).
    public var analysedSeconds: Double

    /// Traits with the given values.
    public init(
        medianPitchHz: Double, pitchSpreadSemitones: Double, syllablesPerSecond: Double, loudnessDbfs: Double,
        loudnessRangeDb: Double, pauseRatio: Double, brightnessHz: Double, speechSeconds: Double, analysedSeconds: Double
    ) {
        self.medianPitchHz = medianPitchHz
        self.pitchSpreadSemitones = pitchSpreadSemitones
        self.syllablesPerSecond = syllablesPerSecond
        self.loudnessDbfs = loudnessDbfs
        self.loudnessRangeDb = loudnessRangeDb
        self.pauseRatio = pauseRatio
        self.brightnessHz = brightnessHz
        self.speechSeconds = speechSeconds
        self.analysedSeconds = analysedSeconds
    }

    enum CodingKeys: String, CodingKey {
        case medianPitchHz = "median_pitch_hz"
        case pitchSpreadSemitones = "pitch_spread_semitones"
        case syllablesPerSecond = "syllables_per_second"
        case loudnessDbfs = "loudness_dbfs"
        case loudnessRangeDb = "loudness_range_db"
        case pauseRatio = "pause_ratio"
        case brightnessHz = "brightness_hz"
        case speechSeconds = "speech_seconds"
        case analysedSeconds = "analysed_seconds"
    }
}
