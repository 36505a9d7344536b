import Foundation
import Testing

/// `voxface serve` as users run it: a real process, real signals.
@Suite struct ServeCommandTests {
    /// Starts on free ports, says where it listens, and exits 0 promptly on SIGTERM and SIGINT.
    @Test(arguments: [SIGTERM, SIGINT])
    func servesAndStopsGracefullyOnSignal(signal: Int32) async throws {
        let data = FileManager.default.temporaryDirectory.path + "/voxface-serve-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: data) }
        let server = try ServeProcess(dataDirectory: data)
        let text = server.startup
        #expect(text.contains("listening on http://127.0.0.1:") && text.contains("udp://127.0.0.1:"), "\(text)")
        let stopped = Date()
        server.kill(signal)
        let process = server.process
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
        #expect(Date().timeIntervalSince(stopped) < 10)
    }

    @Test func badOptionsFailWithOneLine() throws {
        let result = try FeaturesCommandTests.run(["serve", "--hop", "0"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("hop"), "\(result.stderr)")
        let targets = try FeaturesCommandTests.run(["serve", "--max-livelink-targets", "0"])
        #expect(targets.status != 0 && targets.stderr.contains("--max-livelink-targets"), "\(targets.stderr)")
        let firstAudio = try FeaturesCommandTests.run(["serve", "--first-audio-timeout", "0.5"])
        #expect(firstAudio.status != 0 && firstAudio.stderr.contains("--first-audio-timeout must be 1...3600"), "\(firstAudio.stderr)")
        let profile = try FeaturesCommandTests.run(["serve", "--latency-profile", "fast"])
        #expect(
            profile.status != 0 && profile.stderr.contains("--latency-profile must be adaptive or network, got 'fast'"),
            "\(profile.stderr)")
        let vectors = try FeaturesCommandTests.run(["serve", "--twin-vectors", "10"])
        #expect(vectors.status != 0 && vectors.stderr.contains("--twin-vectors must be 1000...100000000"), "\(vectors.stderr)")
        let missing = try FeaturesCommandTests.run(["serve", "--model", "/nonexistent/model"])
        #expect(missing.status != 0)
        #expect(missing.stderr.split(separator: "\n").contains { $0.contains("voxface serve:") }, "\(missing.stderr)")
    }
}
