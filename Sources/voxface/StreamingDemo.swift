import VoxCore
import VoxDSP

/// Runs the streaming extractor over decoded audio in 20 ms blocks, in both statistics modes,
/// and describes how it compares with the batch features.
enum StreamingDemo {
    static func run(_ audio: DecodedAudio, statistics: FeatureStatistics, reference: FeatureMatrix) -> String {
        var lines: [String] = []
        for (name, mode) in [("frozen", StreamingFeatureExtractor.Statistics.frozen(statistics)), ("running", .running(.default))] {
            let frames = StreamingFeatureExtractor.extractAll(
                audio.samples, sampleRate: audio.sampleRate, statistics: mode, blockSize: audio.sampleRate / 50)
            let rows = min(frames.rows, reference.rows)
            var worst: Float = 0
            for r in 0..<rows { for c in 0..<reference.columns { worst = max(worst, abs(frames[r, c] - reference[r, c])) } }
            lines.append("  streaming (\(name) statistics, 20 ms blocks): \(frames.rows) frames, max |stream - batch| = \(worst)")
        }
        let latency = StreamingFeatureExtractor.algorithmicLatency(inputRate: audio.sampleRate)
        lines.append("  streaming algorithmic latency: \(String(format: "%.1f", latency * 1000)) ms of future audio per frame")
        return lines.joined(separator: "\n")
    }
}
