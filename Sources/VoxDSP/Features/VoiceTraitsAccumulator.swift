#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Everything `VoiceTraits` is computed from, in bounded memory: three fixed histograms and a few
/// frame counters (10 ms frames). Grows nothing with the audio, so a profile can keep accumulating
/// over sessions and uploads with `merge`; encodes to about 1.3 KB of JSON (snake_case keys).
///
/// - Pitch: voiced frames' F0 in 1/4-semitone bins from 50 Hz (160 bins, to 504 Hz).
/// - Level: speech frames' level in 0.5 dB bins from -100 dBFS (220 bins, to +10 dBFS).
/// - Brightness: voiced frames' spectral centroid in 25 Hz bins from 0 Hz (160 bins, to 4 kHz).
/// - Counters: syllable nuclei, speech, speaking (speech plus short gaps), pause and analysed frames.
///
/// Every field is a count, so `merge` is exact, commutative and associative.
public struct VoiceTraitsAccumulator: Sendable, Equatable, Codable {
    /// Duration of one frame (the analysis hop), in seconds.
    public static let frameSeconds = 0.01
    /// Voiced frames `traits()` needs before it answers: 1 s.
    public static let minimumVoicedFrames = 100

    /// F0 of voiced frames, in quarter semitones above 50 Hz.
    private(set) var pitch = VoiceTraitsHistogram(lowerEdge: 0, binWidth: 1, binCount: 160)
    /// Level of speech frames, in dBFS.
    private(set) var level = VoiceTraitsHistogram(lowerEdge: -100, binWidth: 0.5, binCount: 220)
    /// Spectral centroid of voiced frames, in Hz.
    private(set) var centroid = VoiceTraitsHistogram(lowerEdge: 0, binWidth: 25, binCount: 160)
    /// Syllable nuclei found.
    public internal(set) var syllableNuclei = 0
    /// Frames classified as speech.
    public var speechFrames: Int { level.total }
    /// Frames classified as voiced speech.
    public var voicedFrames: Int { pitch.total }
    /// Speaking frames: speech frames plus the silent gaps shorter than 250 ms between them.
    public internal(set) var speakingFrames = 0
    /// Frames in pauses (silent runs of at least 250 ms between speech frames).
    public internal(set) var pauseFrames = 0
    /// Frames analysed, silence included.
    public internal(set) var analysedFrames = 0

    /// An empty accumulator.
    public init() {}

    /// Adds another accumulator's counts (another session, upload or device) to this one.
    /// Pauses are counted within each accumulator, so the silence between two merged sessions
    /// is not a pause.
    public mutating func merge(_ other: Self) {
        pitch.merge(other.pitch)
        level.merge(other.level)
        centroid.merge(other.centroid)
        let add = VoiceTraitsHistogram.saturatingAdd
        syllableNuclei = add(syllableNuclei, other.syllableNuclei)
        speakingFrames = add(speakingFrames, other.speakingFrames)
        pauseFrames = add(pauseFrames, other.pauseFrames)
        analysedFrames = add(analysedFrames, other.analysedFrames)
    }

    /// The traits so far; nil until at least 1 s of voiced speech has been seen.
    public func traits() -> VoiceTraits? {
        guard voicedFrames >= Self.minimumVoicedFrames,
            let medianPitch = pitch.quantile(0.5), let lowPitch = pitch.quantile(0.25), let highPitch = pitch.quantile(0.75),
            let medianLevel = level.quantile(0.5), let lowLevel = level.quantile(0.1), let highLevel = level.quantile(0.9),
            let medianCentroid = centroid.quantile(0.5)
        else { return nil }
        let speaking = Double(speakingFrames) * Self.frameSeconds
        let span = Double(speakingFrames) + Double(pauseFrames)
        return VoiceTraits(
            medianPitchHz: Self.hertz(quarterSemitones: medianPitch),
            pitchSpreadSemitones: (highPitch - lowPitch) / 4,
            syllablesPerSecond: speaking > 0 ? Double(syllableNuclei) / speaking : 0,
            loudnessDbfs: medianLevel,
            loudnessRangeDb: highLevel - lowLevel,
            pauseRatio: span > 0 ? Double(pauseFrames) / span : 0,
            brightnessHz: medianCentroid,
            speechSeconds: speaking,
            analysedSeconds: Double(analysedFrames) * Self.frameSeconds)
    }

    // MARK: - Recording (the analyzer's side)

    /// Counts one speech frame's level in dBFS.
    mutating func addSpeechLevel(_ decibels: Double) { level.add(decibels) }

    /// Counts one voiced frame: its F0 in Hz and spectral centroid in Hz.
    mutating func addVoiced(pitchHz: Double, centroidHz: Double) {
        pitch.add(Self.quarterSemitones(hertz: pitchHz))
        centroid.add(centroidHz)
    }

    static func quarterSemitones(hertz: Double) -> Double { 48 * log2(hertz / 50) }
    static func hertz(quarterSemitones: Double) -> Double { 50 * exp2(quarterSemitones / 48) }

    // MARK: - Codable

    enum CodingKeys: String, CodingKey {
        case version
        case pitchQuarterSemitones = "pitch_quarter_semitones"
        case levelHalfDecibels = "level_half_db"
        case centroid25Hz = "centroid_25hz"
        case syllableNuclei = "syllable_nuclei"
        case speakingFrames = "speaking_frames"
        case pauseFrames = "pause_frames"
        case analysedFrames = "analysed_frames"
    }

    /// Layout version written by `encode(to:)`; `init(from:)` accepts only this one.
    public static let formatVersion = 1

    /// Decodes an accumulator, checking the layout: the version, every histogram's bin count and
    /// that no count is negative (`DecodingError.dataCorrupted` otherwise).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let version = try c.decode(Int.self, forKey: .version)
        guard version == Self.formatVersion else {
            throw DecodingError.dataCorruptedError(
                forKey: .version, in: c, debugDescription: "voice-traits version \(version), expected \(Self.formatVersion)")
        }
        func histogram(_ key: CodingKeys, _ empty: VoiceTraitsHistogram) throws -> VoiceTraitsHistogram {
            let counts = try c.decode([Int].self, forKey: key)
            guard let filled = empty.replacingCounts(counts) else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: c,
                    debugDescription: "\(key.stringValue): \(counts.count) bins, expected \(empty.counts.count) non-negative counts")
            }
            return filled
        }
        func count(_ key: CodingKeys) throws -> Int {
            let value = try c.decode(Int.self, forKey: key)
            guard value >= 0 else {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "\(key.stringValue) is negative: \(value)")
            }
            return value
        }
        pitch = try histogram(.pitchQuarterSemitones, pitch)
        level = try histogram(.levelHalfDecibels, level)
        centroid = try histogram(.centroid25Hz, centroid)
        syllableNuclei = try count(.syllableNuclei)
        speakingFrames = try count(.speakingFrames)
        pauseFrames = try count(.pauseFrames)
        analysedFrames = try count(.analysedFrames)
    }

    /// Encodes the version, the three histograms as arrays of counts, and the counters.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Self.formatVersion, forKey: .version)
        try c.encode(pitch.counts, forKey: .pitchQuarterSemitones)
        try c.encode(level.counts, forKey: .levelHalfDecibels)
        try c.encode(centroid.counts, forKey: .centroid25Hz)
        try c.encode(syllableNuclei, forKey: .syllableNuclei)
        try c.encode(speakingFrames, forKey: .speakingFrames)
        try c.encode(pauseFrames, forKey: .pauseFrames)
        try c.encode(analysedFrames, forKey: .analysedFrames)
    }
}
