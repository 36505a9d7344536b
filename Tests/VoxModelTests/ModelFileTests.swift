import Foundation
import Testing
import VoxCore

@testable import VoxModel

/// Hostile and broken model files (Fixtures/bad/README.md): each a specific error, never a crash,
/// never code run.
@Suite struct ModelFileTests {
    static func loadError(_ relative: String, config: String = "tiny/config.json") -> ModelError? {
        do throws(ModelError) {
            let configValue = try ModelLoader.readConfig(path: ModelFixtures.path(config))
            let path = ModelFixtures.path(relative)
            let tensors = path.hasSuffix(".safetensors") ? try SafeTensors.read(path: path) : try TorchCheckpoint.read(path: path)
            try ModelLoader.check(tensors, against: configValue)
            return nil
        } catch {
            return error
        }
    }

    @Test func theTinyModelLoads() throws {
        #expect(Self.loadError("tiny/model.pth") == nil)
        #expect(Self.loadError("tiny/model.safetensors") == nil)
    }

    @Test func codeExecutionIsRefused() {
        guard case .forbiddenPickle(_, let reason) = Self.loadError("bad/os_system.pth") else {
            Issue.record("os.system pickle not refused")
            return
        }
        #expect(reason.contains("os.system"))
        guard case .forbiddenPickle(_, let eval) = Self.loadError("bad/builtins_eval.pth") else {
            Issue.record("builtins.eval pickle not refused")
            return
        }
        #expect(eval.contains("builtins.eval"))
    }

    @Test func pathEscapeIsRefused() {
        guard case .forbiddenPickle(_, let reason) = Self.loadError("bad/path_escape.pth") else {
            Issue.record("path escape not refused")
            return
        }
        #expect(reason.contains("storage key"))
    }

    @Test func wrongTensorsAreNamed() {
        #expect(Self.loadError("bad/int64_tensor.pth") == .unsupportedDType(tensor: "encoder.embedding.bias", dtype: "Long"))
        #expect(
            Self.loadError("bad/wrong_shape.pth")
                == .wrongShape(tensor: "encoder.embedding.weight", expected: [16, 256], found: [16, 255]))
        #expect(Self.loadError("bad/unknown_key.pth") == .unexpectedTensor("encoder.extra.weight"))
        #expect(Self.loadError("bad/missing_key.pth") == .missingTensor("decoder.fc_output.bias"))
        #expect(Self.loadError("bad/bad_dtype.safetensors") == .unsupportedDType(tensor: "encoder.embedding.bias", dtype: "I64"))
    }

    @Test func brokenContainersAreRefused() {
        for file in ["bad/truncated.pth", "bad/bad_offsets.safetensors", "bad/huge_header.safetensors"] {
            switch Self.loadError(file) {
            case .badCheckpoint, .badSafetensors: break
            default: Issue.record("\(file): \(String(describing: Self.loadError(file)))")
            }
        }
    }

    @Test func configThatDoesNotDivideIntoHeads() {
        #expect(throws: ModelError.invalidConfig("hidden_dim 16 is not divisible by num_heads 5")) {
            try ModelLoader.load(path: ModelFixtures.path("bad/heads_config"))
        }
    }

    @Test func arbitraryBytesNeverCrashTheReaders() throws {
        // Every prefix length and a few bit flips of a real checkpoint: errors, not crashes.
        let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: ModelFixtures.path("tiny/model.pth"))))
        var generator = SplitMix64(seed: 7)
        for trial in 0..<200 {
            var bytes = original
            if trial % 2 == 0 {
                bytes = Array(bytes.prefix(Int(generator.next() % UInt64(bytes.count))))
            } else {
                for _ in 0..<8 { bytes[Int(generator.next() % UInt64(bytes.count))] ^= UInt8(truncatingIfNeeded: generator.next()) }
            }
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("voxface-fuzz-\(trial).pth").path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            defer { try? FileManager.default.removeItem(atPath: path) }
            _ = try? TorchCheckpoint.read(path: path)
            _ = try? SafeTensors.read(path: path)
        }
    }

    /// Found by the FuzzZip fuzz target: a zip64 field of 2^63 or more trapped converting it to
    /// Int. The crashing input is kept as a seed (Tests/Fuzz/Corpus/FuzzZip).
    @Test func aZip64FieldBeyondTheFileIsAnErrorNotATrap() throws {
        let seed = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fuzz/Corpus/FuzzZip/regression-zip64-field-over-int-max").path
        #expect(FileManager.default.fileExists(atPath: seed))
        #expect {
            _ = try TorchCheckpoint.read(path: seed)
        } throws: { error in
            guard case .badCheckpoint(_, let why) = error as? ModelError else { return false }
            return why.contains("zip64 field")
        }
    }

    @Test func safetensorsRoundTrip() throws {
        let tensors = try SafeTensors.read(path: ModelFixtures.path("tiny/model.safetensors"))
        let config = try ModelLoader.readConfig(path: ModelFixtures.path("tiny/config.json"))
        let ordered = Architecture.tensors(for: config).map { (name: $0.name, tensor: tensors[$0.name]!) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("voxface-roundtrip.safetensors").path
        try Data(SafeTensors.encode(ordered, metadata: ["format": "pt"])).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try SafeTensors.read(path: path) == tensors)
    }

    @Test func postProcessingFollowsTheReference() {
        var frames = FeatureMatrix(columns: 68, values: [Float](repeating: 50, count: 8 * 68))
        PostProcessing.apply(to: &frames)
        #expect(frames[0, 17] == 0)  // fade-in starts at 0
        #expect(abs(frames[1, 17] - 0.1) < 1e-6)  // 50 / 100 * 0.2
        #expect(frames[6, 17] == 0.5 && frames[6, 61] == 50)  // emotions are not scaled
        #expect(frames[7, 0] == 0 && frames[7, 51] == 0 && frames[7, 60] == 0 && frames[7, 5] == 0.5)
    }

    @Test func nonFiniteWeightsAreRefused() throws {
        let config = try ModelLoader.readConfig(path: ModelFixtures.path("tiny/config.json"))
        var tensors = RandomWeights.tensors(for: config)
        tensors["decoder.layer_norm.bias"]!.values[3] = .nan
        #expect(throws: ModelError.nonFiniteWeights(tensor: "decoder.layer_norm.bias")) { try FaceModel(config: config, tensors: tensors) }
        #expect(throws: ModelError.nonFiniteWeights(tensor: "decoder.layer_norm.bias")) { try ModelLoader.check(tensors, against: config) }
    }

    @Test func malformedConfigJSONIsAClearError() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("voxface-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for (text, name) in [("{\"hidden_dim\": \"wide\"}", "wrong type"), ("{not json", "not JSON"), ("[1, 2]", "not an object")] {
            let path = folder.appendingPathComponent("config.json").path
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            do {
                _ = try ModelLoader.readConfig(path: path)
                Issue.record("\(name) accepted")
            } catch {
                guard case .badConfigFile(let failing, _) = error else {
                    Issue.record("\(name): \(error)")
                    continue
                }
                #expect(failing == path && !error.description.contains("\n"))
            }
        }
    }
}
