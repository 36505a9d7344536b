import Foundation

/// A running `voxface serve` on free ports with its own data directory, started the way users
/// start it (a real process); `kill` sends a signal and waits for the exit.
final class ServeProcess {
    let process = Process()
    /// The HTTP port it reported.
    let port: Int
    /// What it wrote on standard error up to the "listening" line.
    let startup: String

    init(dataDirectory: String, arguments: [String] = []) throws {
        process.executableURL = URL(fileURLWithPath: FeaturesCommandTests.binary)
        process.arguments =
            ["serve", "--port", "0", "--rtp-port", "0", "--data-dir", dataDirectory, "--log-level", "warning"] + arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Read stderr until the "listening" line (at most 30 s).
        var text = ""
        let deadline = Date().addingTimeInterval(30)
        while !text.contains("listening on http://"), Date() < deadline, process.isRunning {
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        startup = text
        guard let match = text.firstMatch(of: /http:\/\/127\.0\.0\.1:(\d+)/), let port = Int(match.1) else {
            process.terminate()
            throw ServeProcessError(description: "the server did not start: \(text)")
        }
        self.port = port
    }

    func kill(_ signal: Int32) {
        Glibc.kill(process.processIdentifier, signal)
        process.waitUntilExit()
    }
}

struct ServeProcessError: Error, CustomStringConvertible {
    let description: String
}
