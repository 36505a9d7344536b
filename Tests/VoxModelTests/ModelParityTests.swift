import Foundation
import Testing
import VoxCore

@testable import VoxModel

/// Parity with NeuroSync's model code (utils/model/model.py and process_audio_features of
/// NeuroSync_Local_API, PyTorch CPU float32). Tolerance: max |voxface - reference| <= 1e-4 of
/// the largest reference output magnitude.
@Suite struct ModelParityTests {
    static let tolerance: Float = 1e-4

    @Test(arguments: [1, 2])
    func smallModelWindowMatches(threads: Int) throws {
        let loaded = try ModelLoader.load(path: ModelFixtures.path("small"))
        let session = InferenceSession(model: try FaceModel(config: loaded.config, tensors: loaded.tensors), threads: threads)
        let output = ModelFixtures.window(session, try ModelFixtures.npy("small/window_in.npy"))
        let error = ModelFixtures.relativeError(output, try ModelFixtures.npy("small/window_out.npy"))
        #expect(error <= Self.tolerance, "relative error \(error)")
    }

    @Test func pthAndSafetensorsHoldTheSameTensors() throws {
        let pth = try TorchCheckpoint.read(path: ModelFixtures.path("small/model.pth"))
        let safetensors = try SafeTensors.read(path: ModelFixtures.path("small/model.safetensors"))
        #expect(pth.count == Architecture.tensors(for: try ModelLoader.readConfig(path: ModelFixtures.path("small/config.json"))).count)
        #expect(pth == safetensors)
    }

    @Test(arguments: ["speech", "speech_silence_edges", "short_0p2s", "stereo_48k"])
    func smallModelBatchPipelineMatches(clip: String) throws {
        let loaded = try ModelLoader.load(path: ModelFixtures.path("small"))
        let pipeline = FacePipeline(session: InferenceSession(model: try FaceModel(config: loaded.config, tensors: loaded.tensors)))
        let features = try ModelFixtures.referenceFeatures(clip)
        let processed = try pipeline.process(features)
        let expected = try ModelFixtures.npy("small/outputs/\(clip).npy")
        #expect(processed.rows == expected.rows && processed.rows == features.rows)
        #expect(ModelFixtures.relativeError(processed, expected) <= Self.tolerance)
        let raw = try pipeline.process(features, raw: true)
        #expect(ModelFixtures.relativeError(raw, try ModelFixtures.npy("small/raw/\(clip).npy")) <= Self.tolerance)
    }

    /// float16 safetensors are widened at load; the output is the float16-rounded model's.
    @Test func float16WeightsAreWidened() throws {
        let tensors = try SafeTensors.read(path: ModelFixtures.path("small/model_f16.safetensors"))
        let config = try ModelLoader.readConfig(path: ModelFixtures.path("small/config.json"))
        let pipeline = FacePipeline(session: InferenceSession(model: try FaceModel(config: config, tensors: tensors)))
        let processed = try pipeline.process(try ModelFixtures.referenceFeatures("speech"))
        #expect(ModelFixtures.relativeError(processed, try ModelFixtures.npy("small/outputs_f16/speech.npy")) <= Self.tolerance)
    }

    /// The medium model's weights follow a formula (Fixtures/medium/README.md); one window.
    @Test func mediumModelWindowMatches() throws {
        let config = try ModelLoader.readConfig(path: ModelFixtures.path("medium/config.json"))
        var tensors: [String: Tensor] = [:]
        for (k, entry) in Architecture.tensors(for: config).enumerated() {
            let count = entry.shape.reduce(1, *)
            let isNorm = entry.name.contains("norm")
            let isWeight = entry.name.hasSuffix(".weight")
            let values = (0..<count).map { j -> Float in
                let t = sin(0.7 * Double(j) + 1.3 * Double(k) + 0.1)
                switch (isNorm, isWeight) {
                case (false, true): return Float(t * (1.0 / Double(entry.shape[1]).squareRoot()))
                case (false, false): return Float(0.02 * t)
                case (true, true): return Float(1.0 + 0.1 * t)
                case (true, false): return Float(0.1 * t)
                }
            }
            tensors[entry.name] = Tensor(shape: entry.shape, values: values)
        }
        let order = try JSONSerialization.jsonObject(
            with: Data(contentsOf: ModelFixtures.root.appendingPathComponent("medium/tensor_order.json")))
        let names = (order as? [[Any]])?.compactMap { $0.first as? String } ?? []
        #expect(names == Architecture.tensors(for: config).map(\.name), "our state_dict order is the reference's")
        let session = InferenceSession(model: try FaceModel(config: config, tensors: tensors), threads: 2)
        let output = ModelFixtures.window(session, try ModelFixtures.npy("medium/window_in.npy"))
        let error = ModelFixtures.relativeError(output, try ModelFixtures.npy("medium/window_out.npy"))
        #expect(error <= Self.tolerance, "relative error \(error)")
    }

    /// The released configuration with random weights: one window runs, right shape, finite.
    @Test func releasedConfigurationRuns() throws {
        let model = try RandomWeights.model(for: .released)
        #expect(model.parameterCount == 235_480_132)  // torch: sum(p.numel()) of the released architecture
        let session = InferenceSession(model: model, threads: 2)
        let input = FeatureMatrix(columns: 256, values: (0..<128 * 256).map { Float(sin(Double($0) * 0.01)) })
        let output = ModelFixtures.window(session, input)
        #expect(output.rows == 128 && output.columns == 68)
        #expect(output.values.allSatisfy { $0.isFinite })
    }

    @Test func shortWindowsAndThreadCountsAgree() throws {
        let model = try RandomWeights.model(
            for: ModelConfig(inputDim: 256, hiddenDim: 48, layers: 2, heads: 3, outputDim: 68, frameSize: 64, overlap: 16))
        let input = FeatureMatrix(columns: 256, values: (0..<40 * 256).map { Float(cos(Double($0) * 0.003)) })
        let one = ModelFixtures.window(InferenceSession(model: model, threads: 1), input)
        let three = ModelFixtures.window(InferenceSession(model: model, threads: 3), input)
        #expect(one.rows == 40)
        #expect(one.maxAbsoluteDifference(to: three) < 1e-5)
    }

    /// Sessions with worker threads start, run many windows and shut down cleanly, and always
    /// agree with a one-thread session (a lost hand-off would hang or differ here).
    @Test func workerPoolsAreReliable() throws {
        let model = try RandomWeights.model(
            for: ModelConfig(inputDim: 256, hiddenDim: 32, layers: 1, heads: 2, outputDim: 68, frameSize: 32, overlap: 8))
        let input = FeatureMatrix(columns: 256, values: (0..<32 * 256).map { Float(sin(Double($0) * 0.07)) })
        let reference = ModelFixtures.window(InferenceSession(model: model), input)
        for round in 0..<30 {
            let session = InferenceSession(model: model, threads: 2 + round % 3)
            for _ in 0..<20 {
                #expect(ModelFixtures.window(session, input).maxAbsoluteDifference(to: reference) < 1e-5)
            }
        }
    }

    /// Windows with pauses between them, so the workers park and are woken again each time.
    @Test func parkedWorkersWakeUp() throws {
        let model = try RandomWeights.model(
            for: ModelConfig(inputDim: 256, hiddenDim: 16, layers: 1, heads: 2, outputDim: 68, frameSize: 16, overlap: 4))
        let input = FeatureMatrix(columns: 256, values: (0..<16 * 256).map { Float(cos(Double($0) * 0.05)) })
        let reference = ModelFixtures.window(InferenceSession(model: model), input)
        let session = InferenceSession(model: model, threads: 2)
        for _ in 0..<200 {
            usleep(300)
            #expect(ModelFixtures.window(session, input).maxAbsoluteDifference(to: reference) < 1e-5)
        }
    }
}
