import ArgumentParser
import Foundation
import VoxCore
import VoxDSP

/// `voxface demo`: the offline pipeline on the bundled sample (what `make run` starts until the
/// server lands).
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the feature pipeline, batch and streaming, on the bundled speech sample and report."
    )

    @Option(help: "Audio file to use instead of the bundled sample.")
    var audio: String?

    func run() throws {
        guard let path = audio ?? Bundle.module.path(forResource: "sample", ofType: "wav") else {
            throw CLIError("bundled sample.wav is missing from the voxface resources")
        }
        let decoded: DecodedAudio
        let batch: NeuroSyncFeatures.Result
        do {
            decoded = try AudioFileReader().read(path: path)
            let start = ContinuousClock.now
            batch = try NeuroSyncFeatures.extract(decoded, source: path)
            let elapsed = ContinuousClock.now - start
            print("voxface demo: \(path)")
            print(String(format: "  audio: %.2f s at %d Hz, %d channel(s)", decoded.duration, decoded.sampleRate, decoded.sourceChannels))
            print(
                "  batch features: \(batch.features.rows) x \(batch.features.columns) in "
                    + String(format: "%.1f ms (%.0fx real time)", elapsed.seconds * 1000, decoded.duration / elapsed.seconds))
        } catch {
            throw CLIError(error.description)
        }
        let streaming = StreamingDemo.run(decoded, statistics: batch.statistics, reference: batch.features)
        print(streaming)
    }
}

extension Duration {
    /// The duration in seconds as a Double.
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) * 1e-18
    }
}
