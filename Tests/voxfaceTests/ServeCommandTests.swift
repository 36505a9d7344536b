import Foundation
import Testing
import VoxTestSupport

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

    /// `--header-timeout` is the deadline the server keeps: with 1 s, a connection that sends
    /// nothing is closed well before the default 10 s.
    @Test func theHeaderTimeoutIsTheOneGiven() throws {
        let data = FileManager.default.temporaryDirectory.path + "/voxface-header-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: data) }
        let server = try ServeProcess(dataDirectory: data, arguments: ["--header-timeout", "1"])
        defer { server.kill(SIGTERM) }
        let fd = try connectLoopback(port: server.port, receiveBuffer: nil, timeoutSeconds: 1)
        defer { close(fd) }
        let started = ContinuousClock.now
        var scratch = [UInt8](repeating: 0, count: 64)
        var closed = false
        while !closed && ContinuousClock.now - started < .seconds(9) {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&poller, 1, 100) > 0 { closed = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) } <= 0 }
        }
        #expect(closed, "a silent connection was still open after 9 s with --header-timeout 1")
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
        let header = try FeaturesCommandTests.run(["serve", "--header-timeout", "0"])
        #expect(header.status != 0 && header.stderr.contains("--header-timeout must be 1...600"), "\(header.stderr)")
        let body = try FeaturesCommandTests.run(["serve", "--body-timeout", "7200"])
        #expect(body.status != 0 && body.stderr.contains("--body-timeout 1...3600"), "\(body.stderr)")
        let missing = try FeaturesCommandTests.run(["serve", "--model", "/nonexistent/model"])
        #expect(missing.status != 0)
        #expect(missing.stderr.split(separator: "\n").contains { $0.contains("voxface serve:") }, "\(missing.stderr)")
    }
}
