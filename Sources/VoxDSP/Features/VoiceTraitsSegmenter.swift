/// The frame-by-frame decisions of `VoiceTraitsAnalyzer`, as a plain value: speech activity against
/// an adaptive noise floor, speaking time and pauses, and syllable nuclei. Feed it one frame per
/// 10 ms hop; it records into a `VoiceTraitsAccumulator`.
///
/// - Speech: level >= -60 dBFS and >= noise floor + 10 dB. The floor drops at once to any quieter
///   frame and otherwise rises 3 dB per second (so it climbs onto a steady noise within seconds
///   while the dips between syllables, several times a second, hold it down in speech).
/// - Pauses: silent runs of >= 250 ms between two speech frames; shorter gaps (stop closures,
///   syllable boundaries) count as speaking time. Silence before the first and after the last
///   speech frame is neither.
/// - Syllable nuclei after de Jong & Wempe (2009, "Praat script to detect syllable nuclei and
///   measure speech rate automatically"): peaks of the level contour separated by dips of at least
///   2 dB, counted when the frame at the peak is voiced speech no more than 25 dB below the
///   utterance's maximum level. The maximum is a running one that decays 1 dB per second, the
///   streaming stand-in for the script's whole-file maximum.
struct VoiceTraitsSegmenter: Sendable, Equatable {
    static let absoluteFloorDb = -60.0
    static let speechMarginDb = 10.0
    static let floorRisePerFrameDb = 0.03  // 3 dB/s
    static let minimumPauseFrames = 25  // 250 ms
    static let nucleusDipDb = 2.0
    static let nucleusRangeDb = 25.0
    static let maximumDecayPerFrameDb = 0.01  // 1 dB/s

    /// Noise floor in dBFS; nil before the first frame.
    private(set) var noiseFloor: Double?
    /// Running maximum speech level in dBFS.
    private var utteranceMaximum = -Double.infinity
    private var hadSpeech = false
    private var silentRun = 0
    /// Peak picking: while rising, `extreme` is the highest level since the last dip and
    /// `peakCounts` says whether that frame would be a nucleus; while falling, the lowest level.
    private var rising = false
    private var extreme = Double.infinity
    private var peakCounts = false

    /// Whether a frame at `level` dBFS is speech, judged against the floor before this frame.
    func isSpeech(level: Double) -> Bool {
        level >= Self.absoluteFloorDb && level >= (noiseFloor ?? level) + Self.speechMarginDb
    }

    /// Records one frame: its level in dBFS, whether `isSpeech` said speech, and whether it is voiced.
    mutating func record(level: Double, speech: Bool, voiced: Bool, into accumulator: inout VoiceTraitsAccumulator) {
        accumulator.analysedFrames += 1
        noiseFloor = min(level, (noiseFloor ?? level) + Self.floorRisePerFrameDb)

        if speech {
            accumulator.addSpeechLevel(level)
            utteranceMaximum = max(level, utteranceMaximum - Self.maximumDecayPerFrameDb)
            if hadSpeech {
                if silentRun >= Self.minimumPauseFrames {
                    accumulator.pauseFrames += silentRun
                } else {
                    accumulator.speakingFrames += silentRun
                }
            }
            accumulator.speakingFrames += 1
            hadSpeech = true
            silentRun = 0
        } else {
            utteranceMaximum -= Self.maximumDecayPerFrameDb
            silentRun += 1
        }

        let counts = speech && voiced && level >= utteranceMaximum - Self.nucleusRangeDb
        if rising {
            if level > extreme {
                extreme = level
                peakCounts = counts
            } else if level <= extreme - Self.nucleusDipDb {
                if peakCounts { accumulator.syllableNuclei += 1 }
                rising = false
                extreme = level
            }
        } else {
            if level < extreme {
                extreme = level
            } else if level >= extreme + Self.nucleusDipDb {
                rising = true
                extreme = level
                peakCounts = counts
            }
        }
    }

    /// Ends the stream: a peak still waiting for its dip counts (the signal ends after it).
    mutating func finish(into accumulator: inout VoiceTraitsAccumulator) {
        if rising && peakCounts { accumulator.syllableNuclei += 1 }
        rising = false
        extreme = Double.infinity
    }
}
