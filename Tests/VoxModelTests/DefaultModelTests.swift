import Foundation
import Testing
import VoxCore
import VoxModel

/// The shipped default model (Sources/VoxModel/DefaultModel, trained by Tools/train/): found,
/// small and fast enough, and run by our engine exactly as PyTorch runs the same weights.
@Suite struct DefaultModelTests {
    /// Fixtures from Tools/train/make_fixtures.py: Tools/train/model.py (PyTorch, CPU, float32)
    /// on the running-statistics features of speech.wav. Tolerance: 1e-4 of the largest output
    /// magnitude, as for NeuroSync's own model (ModelParityTests).
    static let tolerance: Float = 1e-4

    @Test func isFoundAndSmall() throws {
        let path = try #require(DefaultModel.locate(), "searched \(DefaultModel.candidates)")
        let size = try FileManager.default.attributesOfItem(atPath: path + "/model.safetensors")[.size] as? Int ?? 0
        #expect(size > 0 && size <= 20_000_000, "the package ships at most 20 MB of weights")
        let model = try DefaultModel.load()
        #expect(model.config.inputDim == 256 && model.config.outputDim == 68)
        #expect(model.config.frameSize >= 8, "the server's hop + lookahead must fit the window")
    }

    @Test(arguments: ["window", "short"])
    func matchesPyTorch(window: String) throws {
        let model = try DefaultModel.load()
        let input = try ModelFixtures.npy("default/\(window)_in.npy")
        let expected = try ModelFixtures.npy("default/\(window)_out.npy")
        for threads in [1, 2] {
            let output = ModelFixtures.window(InferenceSession(model: model, threads: threads), input)
            let error = ModelFixtures.relativeError(output, expected)
            #expect(error <= Self.tolerance, "relative error \(error) with \(threads) thread(s)")
        }
    }

    @Test func streamedSpeechMovesTheMouth() throws {
        let model = try DefaultModel.load()
        let features = try ModelFixtures.npy("default/features.npy")
        let session = InferenceSession(model: model, threads: 1)
        let pipeline = try StreamingFacePipeline(session: session, schedule: .init(hop: 2, lookahead: 4), outputCapacity: features.rows + 1)
        features.values.withUnsafeBufferPointer { all in
            for r in 0..<features.rows { pipeline.push(UnsafeBufferPointer(rebasing: all[(r * 256)..<((r + 1) * 256)])) }
        }
        pipeline.finish()
        var jaw: [Float] = []
        var frame = [Float](repeating: 0, count: 68)
        while frame.withUnsafeMutableBufferPointer({ pipeline.pull(into: $0) }) {
            jaw.append(frame[FaceChannels.names.firstIndex(of: "JawOpen")!])
        }
        #expect(jaw.count == features.rows)
        #expect((jaw.max() ?? 0) > 0.2, "the jaw opens on vowels")
        #expect((jaw.max() ?? 0) - (jaw.min() ?? 0) > 0.15, "JawOpen varies with the speech")
    }
}
