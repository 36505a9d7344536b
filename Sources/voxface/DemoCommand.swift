import ArgumentParser
import VoxCore
import VoxDSP

/// `voxface demo`: the offline pipeline on the bundled sample (what `make run` starts until the
/// server lands).
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the feature pipeline, batch and streaming, on the bundled speech sample and report."
    )

    /// The sample shipped in the source tree (3 s of espeak-ng speech), found from this file's
    /// compile-time path so the binary needs no resource bundle.
    static let bundledSample: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast()
        return (parts + ["Resources", "sample.wav"]).joined(separator: "/")
    }()

    @Option(help: "Audio file to use instead of the bundled sample.")
    var audio: String?

    func run() throws {
        let path = audio ?? Self.bundledSample
        let decoded: DecodedAudio
        let batch: NeuroSyncFeatures.Result
        do {
            decoded = try AudioFileReader().read(path: path)
            let start = ContinuousClock.now
            batch = try NeuroSyncFeatures.extract(decoded, source: path)
            let elapsed = ContinuousClock.now - start
            print("voxface demo: \(path)")
            print("  audio: \(Console.fixed(decoded.duration, 2)) s at \(decoded.sampleRate) Hz, \(decoded.sourceChannels) channel(s)")
            print(
                "  batch features: \(batch.features.rows) x \(batch.features.columns) in "
                    + "\(Console.fixed(elapsed.seconds * 1000, 1)) ms (\(Console.fixed(decoded.duration / elapsed.seconds, 0))x real time)")
        } catch {
            throw CLIError(error.description)
        }
        let streaming = StreamingDemo.run(decoded, statistics: batch.statistics, reference: batch.features)
        print(streaming)
    }
}
