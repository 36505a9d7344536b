import Foundation
import Testing
import VoxCore

/// End-to-end tests of `voxface process` and `voxface model ...` on the committed fixtures.
@Suite struct ModelCommandTests {
    static let models = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("VoxModelTests/Fixtures")

    static func model(_ relative: String) -> String { models.appendingPathComponent(relative).path }

    @Test func processWritesNeuroSyncJSON() throws {
        let audio = FeaturesCommandTests.fixtures.appendingPathComponent("audio/speech.wav").path
        let result = try FeaturesCommandTests.run(["process", audio, "--model", Self.model("small"), "--format", "json", "--out", "-"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any]
        let frames = object?["blendshapes"] as? [[Double]]
        #expect(frames?.count == 181 && frames?.first?.count == 68)
        #expect(object?["num_frames"] as? Int == 181 && object?["frame_rate"] as? Int == 60)
        // The same frames the model parity test checks against the reference, to float32 rounding.
        let expected = try NumPyFormat.decode([UInt8](Data(contentsOf: Self.models.appendingPathComponent("small/outputs/speech.npy"))))
        var worst = 0.0
        for (r, row) in (frames ?? []).enumerated() {
            for (c, v) in row.enumerated() { worst = max(worst, abs(v - Double(expected[r, c]))) }
        }
        // Features differ from the reference's by <= 1.1e-5 and the model adds its own rounding.
        #expect(worst < 1e-3)
    }

    @Test func processWritesLiveLinkCSVAndNpy() throws {
        let audio = FeaturesCommandTests.fixtures.appendingPathComponent("audio/format.flac").path
        let csv = try FeaturesCommandTests.run([
            "process", audio, "--model", Self.model("small/model.safetensors"), "--format", "csv", "--out", "-",
        ])
        #expect(csv.status != 0, "a bare safetensors file has no config: it is read with the released config and refused")
        let ok = try FeaturesCommandTests.run(["process", audio, "--model", Self.model("small"), "--format", "csv", "--out", "-"])
        let lines = String(decoding: ok.stdout, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 62)
        let header = lines.first.map { $0.split(separator: ",").map(String.init) } ?? []
        #expect(header.prefix(2) == ["Timecode", "BlendShapeCount"] && header.count == 2 + 68)
        #expect(header[2 + 15] == "JawRight" && header[2 + 16] == "JawLeft", "the CSV keeps the export's Right-before-Left order")
        #expect(lines[1].hasPrefix("00:00:00:00.000,61,"))
        let out = FeaturesCommandTests.temporary(".npy")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let npy = try FeaturesCommandTests.run(["process", audio, "--model", Self.model("small"), "--format", "npy", "--raw", "--out", out])
        #expect(npy.status == 0)
        let frames = try NumPyFormat.decode([UInt8](Data(contentsOf: URL(fileURLWithPath: out))))
        #expect(frames.rows == 61 && frames.columns == 68)
    }

    @Test func inspectAndConvert() throws {
        let inspect = try FeaturesCommandTests.run(["model", "inspect", Self.model("small/model.pth")])
        #expect(inspect.status != 0, "a lone .pth uses the released config, which the small weights do not fit")
        #expect(inspect.stderr.contains("wrong shape"))
        let folder = try FeaturesCommandTests.run(["model", "inspect", Self.model("small")])
        let text = String(decoding: folder.stdout, as: UTF8.self)
        #expect(folder.status == 0 && text.contains("tensors: 92") && text.contains("hidden_dim 64"))
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("voxface-convert-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        // A folder holding only model.pth: convert reads config.json from it, writes safetensors.
        let source = FileManager.default.temporaryDirectory.appendingPathComponent("voxface-pth-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: source) }
        try FileManager.default.copyItem(atPath: Self.model("small/model.pth"), toPath: source + "/model.pth")
        try FileManager.default.copyItem(atPath: Self.model("small/config.json"), toPath: source + "/config.json")
        let convert = try FeaturesCommandTests.run(["model", "convert", source, "--out", out])
        #expect(convert.status == 0, "\(convert.stderr)")
        let reread = try FeaturesCommandTests.run(["model", "inspect", out])
        #expect(reread.status == 0 && String(decoding: reread.stdout, as: UTF8.self).contains("model.safetensors"))
    }

    @Test(arguments: [
        ("bad/os_system.pth", "refused"), ("bad/truncated.pth", "invalid PyTorch checkpoint"),
        ("bad/heads_config", "not divisible by num_heads"), ("nonexistent", "cannot read model"),
    ])
    func badModelsFailWithOneLine(path: String, message: String) throws {
        let audio = FeaturesCommandTests.fixtures.appendingPathComponent("audio/format.flac").path
        let result = try FeaturesCommandTests.run(["process", audio, "--model", Self.model(path), "--out", "-"])
        #expect(result.status != 0)
        #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
        #expect(result.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") }.count == 1)
    }

    @Test func benchPrintsAParsableLine() throws {
        let result = try FeaturesCommandTests.run(["model", "bench", "--model", Self.model("small"), "--windows", "2", "--threads", "1"])
        #expect(result.status == 0)
        #expect(String(decoding: result.stdout, as: UTF8.self).contains("ms_per_window="))
    }

    /// The batch schedule (hop 96, lookahead 32) reproduces batch exactly, so the sweep's error
    /// column reads 0 there and not elsewhere; bad lists are one-line errors.
    @Test func sweepMeasuresTheScheduleAgainstBatch() throws {
        let audio = FeaturesCommandTests.fixtures.appendingPathComponent("audio/speech.wav").path
        let result = try FeaturesCommandTests.run([
            "model", "sweep", audio, "--model", Self.model("small"), "--hops", "4,96", "--lookaheads", "4,32",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let rows = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
            .filter { $0.count == 9 && Int($0[0]) != nil }
        #expect(rows.count == 4)
        let batch = try #require(rows.first { $0[0] == "96" && $0[1] == "32" })
        let low = try #require(rows.first { $0[0] == "4" && $0[1] == "4" })
        #expect(Double(batch[7])! < 1e-4, "batch schedule error \(batch[7])")
        #expect(Double(low[7])! > 0.001)
        #expect(Double(low[2])! < Double(batch[2])! && Double(low[5])! > Double(batch[5])!)
        let bad = try FeaturesCommandTests.run(["model", "sweep", audio, "--hops", "two"])
        #expect(bad.status != 0 && bad.stderr.contains("--hops"))
    }
}
