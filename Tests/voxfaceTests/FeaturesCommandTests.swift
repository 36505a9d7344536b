import Foundation
import Testing
import VoxCore

/// End-to-end tests of the `voxface` binary: real process, real files, exit codes and stderr.
@Suite struct FeaturesCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("VoxDSPTests/Fixtures")

    /// The voxface binary next to the test bundle (SwiftPM builds it with the tests), or $VOXFACE_BIN.
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["VOXFACE_BIN"] { return path }
        let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var dir = products
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent("voxface").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return products.appendingPathComponent("voxface").path
    }

    struct Run {
        var status: Int32
        var stdout: Data
        var stderr: String
    }

    static func run(_ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: stdout, stderr: String(decoding: stderr, as: UTF8.self))
    }

    static func temporary(_ suffix: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("voxface-cli-\(UUID().uuidString)\(suffix)").path
    }

    @Test func writesNpyThatMatchesTheReference() throws {
        let out = Self.temporary(".npy")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let audio = Self.fixtures.appendingPathComponent("audio/speech.wav").path
        let result = try Self.run(["features", audio, "--format", "npy", "--out", out])
        #expect(result.status == 0, "\(result.stderr)")
        let written = try NumPyFormat.decode([UInt8](Data(contentsOf: URL(fileURLWithPath: out))))
        let reference = try NumPyFormat.decode([UInt8](Data(contentsOf: Self.fixtures.appendingPathComponent("reference/speech.npy"))))
        #expect(written.rows == reference.rows && written.columns == 256)
        #expect(written.maxAbsoluteDifference(to: reference) <= 1e-3)
    }

    @Test func writesCsvToStandardOutput() throws {
        let audio = Self.fixtures.appendingPathComponent("audio/format.flac").path
        let result = try Self.run(["features", audio, "--format", "csv", "--out", "-"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 61)
        #expect(lines.allSatisfy { $0.split(separator: ",").count == 256 })
    }

    @Test(arguments: [
        (["features", "/nonexistent/voice.wav", "--out", "/tmp/x.npy"], "no such file"),
        (["features", "/tmp", "--out", "/tmp/x.npy"], "is a directory"),
        (["features", "#TEXT#", "--out", "/tmp/x.npy"], "not a supported audio file"),
        (["features", "#SHORT#", "--out", "/tmp/x.npy"], "shorter than the 83.3 ms minimum"),
        (["features", "#SPEECH#", "--format", "npy", "--out", "-"], "--format csv"),
        (["features", "#SPEECH#", "--out", "/nonexistent-dir/x.npy"], "cannot write output"),
        (["serve", "--host", "0.0.0.0", "--port", "0", "--rtp-port", "0"], "refusing to serve the API on 0.0.0.0 without keys"),
        (["serve", "--port", "0", "--rtp-port", "0", "--api-key-file", "#TEXT#"], "line 1: expected 'admin KEY'"),
        (["serve", "--port", "0", "--rtp-port", "0", "--api-key-file", "/nonexistent/keys"], "cannot read the key file"),
    ])
    func failsWithOneClearLine(arguments: [String], message: String) throws {
        let text = Self.temporary(".wav")
        try Data("not audio at all\n".utf8).write(to: URL(fileURLWithPath: text))
        let short = Self.temporary(".wav")
        try Data(Self.shortWav()).write(to: URL(fileURLWithPath: short))
        defer {
            try? FileManager.default.removeItem(atPath: text)
            try? FileManager.default.removeItem(atPath: short)
        }
        let speech = Self.fixtures.appendingPathComponent("audio/speech.wav").path
        let args = arguments.map { $0 == "#TEXT#" ? text : $0 == "#SHORT#" ? short : $0 == "#SPEECH#" ? speech : $0 }
        let result = try Self.run(args)
        #expect(result.status != 0)
        #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
        let errorLines = result.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") }
        #expect(errorLines.count == 1, "stderr: \(result.stderr)")
    }

    /// 40 ms of 16-bit PCM at 16 kHz.
    static func shortWav() -> [UInt8] {
        func le(_ v: Int, _ n: Int) -> [UInt8] { (0..<n).map { UInt8((v >> (8 * $0)) & 0xFF) } }
        let count = 640
        var bytes = Array("RIFF".utf8) + le(36 + 2 * count, 4) + Array("WAVEfmt ".utf8)
        bytes += le(16, 4) + le(1, 2) + le(1, 2) + le(16_000, 4) + le(32_000, 4) + le(2, 2) + le(16, 2)
        bytes += Array("data".utf8) + le(2 * count, 4)
        for i in 0..<count { bytes += le(Int(UInt16(bitPattern: Int16(i % 50 * 100))), 2) }
        return bytes
    }
}
