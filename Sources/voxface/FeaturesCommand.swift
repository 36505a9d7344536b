import ArgumentParser
import VoxCore
import VoxDSP

#if canImport(Glibc)
    import Glibc
#endif

/// `voxface features AUDIO --format npy|csv --out PATH`, or `--list FILE --out DIR` for many clips.
struct FeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Write NeuroSync's (N, 256) audio features of an audio file as float32 npy or csv.",
        discussion: """
            Features are exactly NeuroSync's (librosa 0.11): 23 MFCCs with clip-wide CMVN, deltas \
            and delta-deltas, and 187 autocorrelation lags, at 60 frames per second. Audio is \
            decoded with libsndfile (WAV, FLAC, Ogg Vorbis, Ogg Opus, MP3, ...), mixed to mono \
            and resampled to 88.2 kHz with soxr HQ. Clips under 83.3 ms (NeuroSync's 9-frame \
            minimum) are refused unless --pad-short is given. With --statistics running the rows \
            are what the server feeds the model: the streaming extractor with causal running \
            statistics, fed 20 ms blocks at the file's own rate (48 kHz after Opus). With --list \
            FILE (one audio path per line) every clip is written to --out DIR as NAME.npy, in one \
            process (the training pipeline, Tools/train/, uses this).
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case npy, csv
    }

    /// Where the normalisation statistics come from.
    enum Statistics: String, ExpressibleByArgument, CaseIterable {
        /// Clip-wide, as NeuroSync computes them (batch).
        case batch
        /// Causal running estimates, as the live server computes them.
        case running
    }

    @Argument(help: "Audio file to analyse (or use --list).")
    var audio: String?

    @Option(help: "A file listing audio paths, one per line; --out is then a folder that receives NAME.npy per clip.")
    var list: String?

    @Option(help: "Output format: npy (float32, numpy.load reads it) or csv.")
    var format: Format = .npy

    @Option(help: "Statistics: batch (NeuroSync's clip-wide ones) or running (the server's streaming ones).")
    var statistics: Statistics = .batch

    @Option(help: "Output path; '-' writes csv to standard output. With --list, the output folder.")
    var out: String

    @OptionGroup var options: AudioOptions

    func validate() throws {
        if (audio == nil) == (list == nil) { throw ValidationError("give either one AUDIO file or --list FILE") }
        if out == "-" && (format == .npy || list != nil) {
            throw ValidationError("--out - (standard output) needs --format csv and one AUDIO file")
        }
        if list != nil && format != .npy { throw ValidationError("--list writes npy files only") }
    }

    func run() throws {
        if let list {
            try runList(list)
            return
        }
        var stopwatch = Stopwatch()
        let features = try self.features(of: audio!, stopwatch: &stopwatch)
        let bytes: [UInt8] =
            switch format {
            case .npy: NumPyFormat.encode(features)
            case .csv: Array(features.csv().utf8)
            }
        try OutputFile.save(bytes, to: out)
        stopwatch.lap("write")
        if options.timings { stopwatch.report() }
    }

    private func features(of path: String, stopwatch: inout Stopwatch) throws -> FeatureMatrix {
        switch statistics {
        case .batch:
            return try options.features(of: path, stopwatch: &stopwatch).features
        case .running:
            return try options.streamingFeatures(of: path, stopwatch: &stopwatch)
        }
    }

    private func runList(_ list: String) throws {
        let text = try readTextFile(list)
        let paths = text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
        try makeDirectory(out)
        var stopwatch = Stopwatch()
        for path in paths {
            let name = String(path.split(separator: "/").last ?? Substring(path))
            let stem = name.contains(".") ? String(name[..<name.lastIndex(of: ".")!]) : name
            let features = try self.features(of: path, stopwatch: &stopwatch)
            try OutputFile.save(NumPyFormat.encode(features), to: out + "/" + stem + ".npy")
        }
        if options.timings { stopwatch.report() }
    }
}

/// The whole of a text file (at most 64 MiB), or a one-line error naming it.
func readTextFile(_ path: String) throws -> String {
    guard let file = fopen(path, "rb") else { throw CLIError("\(path): \(String(cString: strerror(errno)))") }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65_536)
    while true {
        let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
        if n == 0 { break }
        bytes += chunk[0..<n]
        if bytes.count > 64 << 20 { throw CLIError("\(path): larger than 64 MiB") }
    }
    return String(decoding: bytes, as: UTF8.self)
}
