import Foundation
import Testing
import VoxCore

@testable import VoxDSP

@Suite struct StreamingFeatureTests {
    static func batch(_ file: String) throws -> (DecodedAudio, NeuroSyncFeatures.Result) {
        let audio = try AudioFileReader().read(path: Fixtures.audio(file))
        return (audio, try NeuroSyncFeatures.extract(audio, source: file))
    }

    /// Frozen statistics: streaming equals batch frame for frame within 1e-4, whatever the block size.
    @Test(arguments: [
        ("speech.wav", 1), ("speech.wav", 7), ("speech.wav", 441), ("speech.wav", 100_000),
        ("stereo_48k.flac", 960), ("stereo_48k.flac", 333), ("speech_silence_edges.wav", 220),
        ("short_0p2s.wav", 64),
    ])
    func frozenStatisticsReproduceBatch(file: String, blockSize: Int) throws {
        let (audio, batch) = try Self.batch(file)
        let streamed = StreamingFeatureExtractor.extractAll(
            audio.samples, sampleRate: audio.sampleRate, statistics: .frozen(batch.statistics), blockSize: blockSize)
        #expect(streamed.rows == batch.features.rows)
        guard streamed.rows == batch.features.rows else { return }
        let error = streamed.maxAbsoluteDifference(to: batch.features)
        #expect(error <= 1e-4, "\(file) in blocks of \(blockSize): max abs error \(error)")
    }

    /// Frames come out as soon as their audio is in: frame k needs 88.2 kHz sample
    /// (2k + 6) * 735 + 16, and the first frames wait for analysis frame 8 (9 * 735 + 16) because the
    /// reference's deltas fit the first 9 frames for the edge ("interp" mode).
    @Test func framesAreReleasedAsSoonAsTheirAudioArrives() throws {
        let (audio, batch) = try Self.batch("speech.wav")
        let signal = NeuroSyncFeatures.resampleForAnalysis(audio)
        let extractor = StreamingFeatureExtractor(inputRate: 88_200, statistics: .frozen(batch.statistics))
        var frame = [Float](repeating: 0, count: 256)
        var released = 0
        var pushed = 0
        for end in stride(from: 735, through: signal.count, by: 735) {
            signal[pushed..<end].withUnsafeBufferPointer { extractor.push($0) }
            pushed = end
            while frame.withUnsafeMutableBufferPointer({ extractor.pull(into: $0) }) { released += 1 }
            let ready = (0..<1000).filter { max((2 * $0 + 6) * 735, 9 * 735) + 16 <= pushed }.count
            #expect(released == ready, "after \(pushed) samples")
        }
        #expect(extractor.droppedFrames == 0)
        // The latency the server's playout delay counts on is the same rule, from the frame's start
        // (k / 60 s = 2k hops): frame k needs (2k + 6) * 735 + 16 samples.
        let latencySamples = StreamingFeatureExtractor.algorithmicLatency(inputRate: 88_200, lowLatency: false) * 88_200
        #expect(abs(latencySamples - Double(6 * 735 + 16)) < 1e-6)
    }

    /// At 48 kHz the resampler is inside: pushed in packets (2.5, 10 and 20 ms), every frame is
    /// out once the packet holding its last sample is in, no later than the rule the playout
    /// delay counts on (`algorithmicLatency`, from the frame's start) plus 1 ms, in both resampler
    /// modes. The rule used to be soxr's steady delay, which its default large DFT broke by up to
    /// 12 ms at 10 ms packets (it emits in bursts); the low-latency mode the server uses keeps
    /// the rule 12 ms shorter.
    @Test(arguments: [120, 480, 960], [false, true])
    func resampledFramesKeepTheLatencyRule(packet: Int, lowLatency: Bool) throws {
        let (audio, batch) = try Self.batch("stereo_48k.flac")
        #expect(audio.sampleRate == 48_000)
        let extractor = StreamingFeatureExtractor(inputRate: 48_000, statistics: .frozen(batch.statistics), lowLatency: lowLatency)
        let rule = StreamingFeatureExtractor.algorithmicLatency(inputRate: 48_000, lowLatency: lowLatency)
        var frame = [Float](repeating: 0, count: 256)
        var k = 0
        var worst = -Double.infinity
        var pushed = 0
        while pushed + packet <= audio.samples.count {
            audio.samples[pushed..<pushed + packet].withUnsafeBufferPointer { extractor.push($0) }
            // The packet is in at the time of its first sample (a sender's media clock).
            let arrival = Double(pushed) / 48_000
            pushed += packet
            while frame.withUnsafeMutableBufferPointer({ extractor.pull(into: $0) }) {
                if k >= 9 { worst = max(worst, arrival - (Double(k) / 60 + rule)) }  // the first 9 wait for the deltas' edge
                k += 1
            }
        }
        #expect(k > 100)
        #expect(worst <= 0.001, "a frame came out \(worst * 1000) ms after the rule (\(rule * 1000) ms)")
    }

    /// Running statistics: how close causal estimates come to the clip-wide ones after 1 s.
    @Test(arguments: ["speech.wav", "speech_silence_edges.wav", "speech_44k1.wav", "stereo_48k.flac"])
    func runningStatisticsTrackBatchAfterWarmUp(file: String) throws {
        let (audio, batch) = try Self.batch(file)
        let streamed = StreamingFeatureExtractor.extractAll(
            audio.samples, sampleRate: audio.sampleRate, statistics: .running(.default), blockSize: audio.sampleRate / 50)
        #expect(streamed.rows == batch.features.rows)
        let report = FeatureAgreement(streamed, batch.features, warmUpRows: 60)
        // The autocorrelation block needs no statistics: identical to batch.
        #expect(report.autocorrelationMaxError < 1e-4)
        // MFCCs: bounded disagreement, strongly correlated with the clip-wide version. Measured:
        // mean |err| 0.08-0.13 and r 0.976-0.994 (MFCC), r 0.989-0.996 (deltas) on these clips.
        #expect(report.mfccMeanError < 0.2, "\(file): \(report)")
        #expect(report.mfccCorrelation > 0.96, "\(file): \(report)")
        #expect(report.deltaCorrelation > 0.98, "\(file): \(report)")
    }
}

@Suite struct StreamingRobustnessTests {
    /// NaN and infinity in pushed PCM are replaced by silence and counted; later frames stay finite.
    @Test func nonFiniteSamplesAreCountedAndSilenced() throws {
        let audio = try AudioFileReader().read(path: Fixtures.audio("speech.wav"))
        var samples = audio.samples
        samples[1000] = .nan
        samples[20_000] = .infinity
        samples[20_001] = -.infinity
        let extractor = StreamingFeatureExtractor(inputRate: audio.sampleRate, statistics: .running(.default))
        extractor.push(samples)
        extractor.finish()
        #expect(extractor.nonFiniteSamples == 3)
        var frame = [Float](repeating: 0, count: 256)
        var rows = 0
        while frame.withUnsafeMutableBufferPointer({ extractor.pull(into: $0) }) {
            rows += 1
            #expect(frame.allSatisfy { $0.isFinite })
        }
        #expect(rows == 181)
    }

    /// A consumer that never pulls loses the oldest frames, counted, and never blocks the producer.
    @Test func unpulledFramesAreDroppedOldestFirst() throws {
        let audio = try AudioFileReader().read(path: Fixtures.audio("speech.wav"))
        let extractor = StreamingFeatureExtractor(inputRate: audio.sampleRate, statistics: .running(.default), outputCapacity: 10)
        extractor.push(audio.samples)
        extractor.finish()
        #expect(extractor.producedFrames == 181)
        #expect(extractor.availableFrames == 10 && extractor.droppedFrames == 171)
    }

    /// Empty pushes and pushes after an empty stream are harmless; a stream under 83.3 ms yields nothing.
    @Test func emptyAndShortStreams() {
        let extractor = StreamingFeatureExtractor(inputRate: 48_000, statistics: .running(.default))
        extractor.push([])
        extractor.push([Float](repeating: 0.1, count: 2000))
        extractor.finish()
        #expect(extractor.producedFrames == 0 && extractor.availableFrames == 0)
    }
}
