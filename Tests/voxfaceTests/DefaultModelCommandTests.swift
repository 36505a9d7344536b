import Foundation
import Testing
import VoxCore

/// `voxface process` and `voxface features` with the shipped default model and the server's
/// streaming path, end to end through the binary.
@Suite struct DefaultModelCommandTests {
    static let jaw = FaceChannels.names.firstIndex(of: "JawOpen")!

    static func process(_ audio: String, _ extra: [String] = [], binary: String? = nil) throws -> FeatureMatrix {
        let out = FeaturesCommandTests.temporary(".npy")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let arguments = ["process", audio, "--format", "npy", "--out", out] + extra
        let result: FeaturesCommandTests.Run
        if let binary {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = arguments
            let err = Pipe()
            process.standardError = err
            try process.run()
            let stderr = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            result = .init(status: process.terminationStatus, stdout: Data(), stderr: String(decoding: stderr, as: UTF8.self))
        } else {
            result = try FeaturesCommandTests.run(arguments)
        }
        #expect(result.status == 0, "\(result.stderr)")
        return try NumPyFormat.decode([UInt8](Data(contentsOf: URL(fileURLWithPath: out))))
    }

    static func column(_ frames: FeatureMatrix, _ c: Int) -> [Float] { (0..<frames.rows).map { frames[$0, c] } }

    @Test func speechMovesTheMouthWithoutAModel() throws {
        let audio = FeaturesCommandTests.fixtures.appendingPathComponent("audio/speech.wav").path
        let frames = try Self.process(audio)
        #expect(frames.rows == 181 && frames.columns == 68)
        let jaw = Self.column(frames, Self.jaw)
        #expect((jaw.max() ?? 0) > 0.2 && (jaw.max() ?? 0) - (jaw.min() ?? 0) > 0.15, "JawOpen follows the speech")
        #expect(frames.values.allSatisfy { $0.isFinite })
        #expect(Self.column(frames, FaceChannels.names.firstIndex(of: "Neutral")!).dropFirst(6).allSatisfy { abs($0 - 1) < 0.2 })
    }

    /// 0.5 s of digital silence at each end: the face rests there, batch and streamed.
    @Test(arguments: [[], ["--stream", "--hop", "2", "--lookahead", "4"]])
    func silentEdgesRest(extra: [String]) throws {
        let audio = FeaturesCommandTests.fixtures.appendingPathComponent("audio/speech_silence_edges.wav").path
        let frames = try Self.process(audio, extra)
        let jaw = Self.column(frames, Self.jaw)
        #expect(jaw.count == 211)
        // 30 silent frames at each end; leave 8 for the model's anticipation and release.
        let edges = Array(jaw[0..<22]) + Array(jaw[(jaw.count - 22)...])
        #expect(edges.allSatisfy { $0 < 0.05 }, "JawOpen at rest in silence: \(edges.max() ?? 0)")
        #expect((jaw[30..<(jaw.count - 30)].max() ?? 0) > 0.2, "and open in speech")
    }

    /// A binary copied out of the build folder still finds the default model.
    @Test func copiedBinaryFindsTheDefaultModel() throws {
        let folder = FeaturesCommandTests.temporary("-bin")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let copy = folder + "/voxface"
        try FileManager.default.copyItem(atPath: FeaturesCommandTests.binary, toPath: copy)
        let audio = FeaturesCommandTests.fixtures.appendingPathComponent("audio/speech.wav").path
        let frames = try Self.process(audio, [], binary: copy)
        #expect(frames.rows == 181)
    }

    @Test func runningStatisticsFeaturesForAList() throws {
        let folder = FeaturesCommandTests.temporary("-features")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let list = FeaturesCommandTests.temporary(".txt")
        defer { try? FileManager.default.removeItem(atPath: list) }
        let clips = ["speech.wav", "stereo_48k.flac"].map { FeaturesCommandTests.fixtures.appendingPathComponent("audio/" + $0).path }
        try (clips.joined(separator: "\n") + "\n").write(toFile: list, atomically: true, encoding: .utf8)
        let result = try FeaturesCommandTests.run(["features", "--statistics", "running", "--list", list, "--out", folder])
        #expect(result.status == 0, "\(result.stderr)")
        let speech = try NumPyFormat.decode([UInt8](Data(contentsOf: URL(fileURLWithPath: folder + "/speech.npy"))))
        #expect(speech.rows == 181 && speech.columns == 256)
        // The same rows as one file through --statistics running, and not the batch rows.
        let single = FeaturesCommandTests.temporary(".npy")
        defer { try? FileManager.default.removeItem(atPath: single) }
        _ = try FeaturesCommandTests.run(["features", clips[0], "--statistics", "running", "--out", single])
        #expect(try NumPyFormat.decode([UInt8](Data(contentsOf: URL(fileURLWithPath: single)))) == speech)
        let batch = FeaturesCommandTests.temporary(".npy")
        defer { try? FileManager.default.removeItem(atPath: batch) }
        _ = try FeaturesCommandTests.run(["features", clips[0], "--out", batch])
        let batchRows = try NumPyFormat.decode([UInt8](Data(contentsOf: URL(fileURLWithPath: batch))))
        #expect(batchRows.maxAbsoluteDifference(to: speech) > 1e-3)
        #expect(FileManager.default.fileExists(atPath: folder + "/stereo_48k.npy"))
    }

    /// A missing list, or a list naming a missing clip: one line naming the file, exit 1.
    @Test func badListsFailWithOneLine() throws {
        let folder = FeaturesCommandTests.temporary("-features")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let missingList = try FeaturesCommandTests.run([
            "features", "--statistics", "running", "--list", "/nonexistent.txt", "--out", folder,
        ])
        #expect(missingList.status == 1 && missingList.stderr.contains("/nonexistent.txt"), "\(missingList.stderr)")
        let list = FeaturesCommandTests.temporary(".txt")
        defer { try? FileManager.default.removeItem(atPath: list) }
        try "/nonexistent.wav\n".write(toFile: list, atomically: true, encoding: .utf8)
        let missingClip = try FeaturesCommandTests.run(["features", "--statistics", "running", "--list", list, "--out", folder])
        #expect(missingClip.status == 1 && missingClip.stderr.contains("/nonexistent.wav"), "\(missingClip.stderr)")
        #expect(missingClip.stderr.split(separator: "\n").count == 1)
    }
}
