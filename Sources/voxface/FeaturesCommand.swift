import ArgumentParser
import VoxCore
import VoxDSP

/// `voxface features AUDIO --format npy|csv --out PATH`.
struct FeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Write NeuroSync's (N, 256) audio features of an audio file as float32 npy or csv.",
        discussion: """
            Features are exactly NeuroSync's (librosa 0.11): 23 MFCCs with clip-wide CMVN, deltas \
            and delta-deltas, and 187 autocorrelation lags, at 60 frames per second. Audio is \
            decoded with libsndfile (WAV, FLAC, Ogg Vorbis, Ogg Opus, MP3, ...), mixed to mono \
            and resampled to 88.2 kHz with soxr HQ. Clips under 83.3 ms (NeuroSync's 9-frame \
            minimum) are refused unless --pad-short is given.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case npy, csv
    }

    @Argument(help: "Audio file to analyse.")
    var audio: String

    @Option(help: "Output format: npy (float32, numpy.load reads it) or csv.")
    var format: Format = .npy

    @Option(help: "Output path; '-' writes csv to standard output.")
    var out: String

    @Flag(help: "Pad clips shorter than 83.3 ms with trailing silence instead of refusing them.")
    var padShort = false

    @Option(help: "Longest audio accepted, in seconds.")
    var maxDuration: Double = 1800

    @Option(help: "Threads for the per-frame work.")
    var threads: Int = 2

    @Flag(help: "Print how long decoding, resampling, feature extraction and writing took, to standard error.")
    var timings = false

    func validate() throws {
        if out == "-" && format == .npy {
            throw ValidationError("--out - (standard output) needs --format csv")
        }
        if !(maxDuration > 0) { throw ValidationError("--max-duration must be positive") }
        if !(1...64).contains(threads) { throw ValidationError("--threads must be between 1 and 64") }
    }

    func run() throws {
        var stopwatch = Stopwatch()
        let features: FeatureMatrix
        do {
            let decoded = try AudioFileReader(maxDuration: maxDuration).read(path: audio)
            stopwatch.lap("decode")
            features = try NeuroSyncFeatures.extract(decoded, source: audio, padShort: padShort, threads: threads).features
            stopwatch.lap("resample + features")
        } catch {
            throw CLIError(error.description)
        }
        let bytes: [UInt8] =
            switch format {
            case .npy: NumPyFormat.encode(features)
            case .csv: Array(features.csv().utf8)
            }
        try OutputFile.save(bytes, to: out)
        stopwatch.lap("write")
        if timings { stopwatch.report() }
    }
}
