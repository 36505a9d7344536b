import Foundation
import Testing
import VoxCore

@testable import VoxDSP

/// Golden-fixture parity with NeuroSync's feature code (NeuroSync_Local_API
/// utils/audio/extraction/extract_features.py, librosa 0.11; fixtures written by
/// Tools/reference_features.py). Tolerance: max |voxface - reference| <= 1e-3 over every value,
/// and the same N. Measured on this machine: <= 2e-6.
@Suite struct ParityTests {
    static let tolerance: Float = 1e-3

    static let clips: [(file: String, fixture: String)] = [
        ("speech.wav", "speech"),
        ("speech_silence_edges.wav", "speech_silence_edges"),
        ("short_0p2s.wav", "short_0p2s"),
        ("stereo_48k.flac", "stereo_48k"),
        ("speech_44k1.wav", "speech_44k1"),
        ("loud_clipped.wav", "loud_clipped"),
        ("format.flac", "format_flac"),
    ]

    @Test(arguments: clips)
    func batchFeaturesMatchTheReference(clip: (file: String, fixture: String)) throws {
        let expected = try Fixtures.reference(clip.fixture)
        let audio = try AudioFileReader().read(path: Fixtures.audio(clip.file))
        let result = try NeuroSyncFeatures.extract(audio, source: clip.file)
        #expect(result.features.columns == 256)
        #expect(result.features.rows == expected.rows, "\(clip.file): N differs")
        guard result.features.rows == expected.rows else { return }
        let error = result.features.maxAbsoluteDifference(to: expected)
        #expect(error <= Self.tolerance, "\(clip.file): max abs error \(error)")
    }

    @Test func frameCountFollowsTheReferenceFormula() {
        // 1 + len // 735 analysis frames, paired: N = ceil(M / 2).
        #expect(FeatureConfig.outputFrameCount(sampleCount: 264_600) == 181)
        #expect(FeatureConfig.minimumSamples == 7350)
    }

    @Test func resamplerLengthIsLibrosas() {
        // librosa.resample fixes the length to ceil(n * 88200 / sr).
        let samples = [Float](repeating: 0.25, count: 1001)
        #expect(Resampler.resample(samples, from: 48_000, to: 88_200).count == 1840)
        #expect(Resampler.resample(samples, from: 22_050, to: 88_200).count == 4004)
        #expect(Resampler.resample(samples, from: 88_200, to: 88_200) == samples)
    }
}
