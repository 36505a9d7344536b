import VoxCore
import VoxDSP

/// Runs the streaming extractor over decoded audio in 20 ms blocks, in both statistics modes,
/// and describes how it compares with the batch features.
enum StreamingDemo {
    static func run(_ audio: DecodedAudio, statistics: FeatureStatistics, reference: FeatureMatrix) -> String {
        let block = audio.sampleRate / 50
        let frozen = StreamingFeatureExtractor.extractAll(
            audio.samples, sampleRate: audio.sampleRate, statistics: .frozen(statistics), blockSize: block)
        let running = StreamingFeatureExtractor.extractAll(
            audio.samples, sampleRate: audio.sampleRate, statistics: .running(.default), blockSize: block)
        let frozenError = frozen.rows == reference.rows ? frozen.maxAbsoluteDifference(to: reference) : .infinity
        let agreement = FeatureAgreement(running, reference, warmUpRows: FeatureConfig.framesPerSecond)
        let latency = StreamingFeatureExtractor.algorithmicLatency(inputRate: audio.sampleRate, lowLatency: false)
        return [
            "  streaming, 20 ms blocks, frozen statistics: \(frozen.rows) frames, max |stream - batch| = \(frozenError)",
            "  streaming, 20 ms blocks, running statistics, after 1 s: \(agreement)",
            "  streaming algorithmic latency at \(audio.sampleRate) Hz: \(Int((latency * 1000).rounded())) ms of future audio per frame",
        ].joined(separator: "\n")
    }
}
