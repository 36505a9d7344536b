import ArgumentParser
import VoxCore
import VoxDSP

/// The audio-reading options `features` and `process` share.
struct AudioOptions: ParsableArguments {
    @Flag(help: "Pad clips shorter than 83.3 ms with trailing silence instead of refusing them.")
    var padShort = false

    @Option(help: "Longest audio accepted, in seconds.")
    var maxDuration: Double = 1800

    @Option(help: "Threads for the per-frame work (and the model).")
    var threads: Int = 2

    @Flag(help: "Print how long each phase took, to standard error.")
    var timings = false

    func validate() throws {
        if !(maxDuration > 0) { throw ValidationError("--max-duration must be positive") }
        if !(1...64).contains(threads) { throw ValidationError("--threads must be between 1 and 64") }
    }

    /// Decodes `path` and computes its features, one-line errors for the user.
    func features(of path: String, stopwatch: inout Stopwatch) throws -> NeuroSyncFeatures.Result {
        do {
            let decoded = try AudioFileReader(maxDuration: maxDuration).read(path: path)
            stopwatch.lap("decode")
            let result = try NeuroSyncFeatures.extract(decoded, source: path, padShort: padShort, threads: threads)
            stopwatch.lap("resample + features")
            return result
        } catch {
            throw CLIError(error.description)
        }
    }

    /// Decodes `path` and runs it through the streaming extractor with running statistics in
    /// 20 ms blocks at the file's own rate: the rows the server feeds the model.
    func streamingFeatures(of path: String, stopwatch: inout Stopwatch) throws -> FeatureMatrix {
        let decoded: DecodedAudio
        do { decoded = try AudioFileReader(maxDuration: maxDuration).read(path: path) } catch { throw CLIError(error.description) }
        stopwatch.lap("decode")
        let features = StreamingFeatureExtractor.extractAll(
            decoded.samples, sampleRate: decoded.sampleRate, statistics: .running(.default), blockSize: max(1, decoded.sampleRate / 50))
        stopwatch.lap("streaming features")
        return features
    }
}
