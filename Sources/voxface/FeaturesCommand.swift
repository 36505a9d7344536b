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

    @OptionGroup var options: AudioOptions

    func validate() throws {
        if out == "-" && format == .npy {
            throw ValidationError("--out - (standard output) needs --format csv")
        }
    }

    func run() throws {
        var stopwatch = Stopwatch()
        let features = try options.features(of: audio, stopwatch: &stopwatch).features
        let bytes: [UInt8] =
            switch format {
            case .npy: NumPyFormat.encode(features)
            case .csv: Array(features.csv().utf8)
            }
        try OutputFile.save(bytes, to: out)
        stopwatch.lap("write")
        if options.timings { stopwatch.report() }
    }
}
