import Foundation
import Testing
import VoxStore

/// The store's promise, checked as users would break it: `voxface serve` killed with SIGKILL at
/// random points while a client writes; every write the API acknowledged is there after a
/// restart, and SQLite finds the database sound.
@Suite struct DurabilityTests {
    /// One request with curl; the HTTP status and body, nil when the server did not answer.
    static func curl(_ method: String, _ url: String, _ body: String? = nil) -> (Int, String)? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        var arguments = ["-s", "-m", "5", "-X", method, "-w", "\n%{http_code}", url]
        if let body { arguments += ["-H", "Content-Type: application/json", "--data-binary", body] }
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        guard let newline = text.lastIndex(of: "\n"), let status = Int(text[text.index(after: newline)...]) else { return nil }
        return (status, String(text[..<newline]))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/curl")))
    func acknowledgedWritesSurviveKillNine() async throws {
        let data = FileManager.default.temporaryDirectory.path + "/voxface-durability-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: data) }
        var acknowledged: [(avatar: String, memory: String?)] = []
        var generator = SystemRandomNumberGenerator()
        for round in 0..<4 {
            let server = try ServeProcess(dataDirectory: data, arguments: ["--world-speed", "600"])
            let base = "http://127.0.0.1:\(server.port)"
            let killAt = Date().addingTimeInterval(Double.random(in: 0.3...1.5, using: &generator))
            // The writer runs until the server dies under it.
            let writer = Task.detached { () -> [(String, String?)] in
                var written: [(String, String?)] = []
                var k = 0
                while true {
                    k += 1
                    let name = "R\(round)N\(k)"
                    guard let (status, body) = Self.curl("POST", base + "/v1/avatars", "{\"name\": \"\(name)\", \"interests\": [\"x\"]}"),
                        status == 201, let id = body.firstMatch(of: /"id":"(av_[0-9a-f]+)"/)?.1
                    else { return written }
                    written.append((String(id), nil))
                    let text = "memory of \(name)"
                    guard let (memoryStatus, _) = Self.curl("POST", base + "/v1/avatars/\(id)/memories", "{\"text\": \"\(text)\"}"),
                        memoryStatus == 201
                    else { return written }
                    written[written.count - 1].1 = text
                }
            }
            while Date() < killAt { try await Task.sleep(for: .milliseconds(20)) }
            server.kill(SIGKILL)
            let written = await writer.value
            acknowledged += written.map { ($0.0, $0.1) }
        }
        #expect(acknowledged.count >= 4, "the writer got too few writes in: \(acknowledged.count)")

        let server = try ServeProcess(dataDirectory: data, arguments: ["--world-speed", "600"])
        let base = "http://127.0.0.1:\(server.port)"
        let list = try #require(Self.curl("GET", base + "/v1/avatars?limit=1000"))
        for (avatar, memory) in acknowledged {
            #expect(list.1.contains("\"id\":\"\(avatar)\""), "avatar \(avatar) acknowledged but lost")
            if let memory {
                let found = Self.curl("GET", base + "/v1/avatars/\(avatar)/memories?limit=200")
                #expect(found?.1.contains(memory) == true, "memory of \(avatar) acknowledged but lost")
            }
        }
        server.kill(SIGTERM)
        #expect(server.process.terminationStatus == 0)
        #expect(try Store.integrityCheck(directory: data) == "ok")
    }
}
