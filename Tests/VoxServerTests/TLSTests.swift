import Foundation
import HummingbirdWSClient
import Logging
import NIOPosix
import NIOSSL
import Synchronization
import Testing

@testable import VoxServer

/// A self-signed certificate for 127.0.0.1 made by the openssl command (nil without it).
func makeCertificate() throws -> (certificate: String, key: String)? {
    let openssl = ["/usr/bin/openssl", "/bin/openssl"].first { FileManager.default.isExecutableFile(atPath: $0) }
    guard let openssl else { return nil }
    let dir = temporaryDirectory()
    let process = Process()
    process.executableURL = URL(fileURLWithPath: openssl)
    process.arguments = [
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", dir + "/key.pem", "-out", dir + "/cert.pem", "-days", "1",
        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
    ]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw TestError("openssl could not make a certificate") }
    return (dir + "/cert.pem", dir + "/key.pem")
}

/// `curl` over HTTPS trusting only `ca`; returns status and body.
func curlTLS(_ method: String, _ url: String, ca: String) throws -> (Int, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
    process.arguments = ["-s", "-m", "10", "--cacert", ca, "-X", method, "-w", "\n%{http_code}", url]
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    guard let newline = text.lastIndex(of: "\n"), let status = Int(text[text.index(after: newline)...]) else { return (0, text) }
    return (status, String(text[..<newline]))
}

extension ServerTests {
    @Suite struct TLSTests {
        /// HTTPS with a generated certificate, checked by curl against that certificate; stream
        /// URLs are wss://; plain HTTP on the port gets no answer.
        @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"), "curl is not installed"))
        func theAPIServesHTTPSWithTheGivenCertificate() async throws {
            guard let pem = try makeCertificate() else {
                print("skipped: no openssl command to make a test certificate")
                return
            }
            let server = try await TestServer { $0.tls = pem }
            defer { Task { await server.stop() } }
            let port = server.http
            let health = try await NIOThreadPool.singleton.runIfActive {
                try curlTLS("GET", "https://127.0.0.1:\(port)/health", ca: pem.certificate)
            }
            #expect(health.0 == 200 && health.1.contains("\"status\":\"ok\""), "\(health)")
            let created = try await NIOThreadPool.singleton.runIfActive {
                try curlTLS("POST", "https://127.0.0.1:\(port)/v1/streams", ca: pem.certificate)
            }
            #expect(created.0 == 201 && created.1.contains("\"audio_url\":\"wss://"), "\(created)")
            let plain = try? await server.request("GET", "/health")
            #expect(plain?.status != 200)
            // The event API over WSS, the client trusting only the generated certificate.
            var client = TLSConfiguration.makeClientConfiguration()
            client.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(pem.certificate))
            let received = Mutex<String?>(nil)
            _ = try await WebSocketClient.connect(
                url: "wss://localhost:\(port)/v1/events", tlsConfiguration: client, logger: Logger(label: "wss")
            ) { inbound, outbound, _ in
                try await outbound.write(.text(#"{"subscribe": ["world"]}"#))
                for try await message in inbound.messages(maxSize: 1 << 16) {
                    if case .text(let text) = message {
                        received.withLock { $0 = text }
                        return
                    }
                }
            }
            #expect(received.withLock { $0 }?.contains("\"type\":\"subscribed\"") == true)
        }

        @Test func badCertificatesAreOneLineErrors() throws {
            var configuration = ServerConfiguration(host: "127.0.0.1", port: 0, rtpPort: 0)
            configuration.tls = ("/nonexistent/cert.pem", "/nonexistent/key.pem")
            #expect(throws: ServerError.self) {
                _ = try VoxfaceServer(configuration: configuration, model: testModel, modelName: "t", logger: Logger(label: "t"))
            }
            do { _ = try VoxfaceServer(configuration: configuration, model: testModel, modelName: "t", logger: Logger(label: "t")) } catch {
                #expect("\(error)".hasPrefix("cannot read the TLS certificate /nonexistent/cert.pem"))
            }
        }
    }
}
