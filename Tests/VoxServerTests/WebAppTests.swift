import Foundation
import Glibc
import NIOPosix
import Testing
import VoxTestSupport

@testable import VoxServer

extension ServerTests {
    /// The browser app's files: content types, validators, the CSP, HEAD, and unknown paths.
    @Suite struct WebAppTests {
        @Test func servesTheAppWithTypesValidatorsAndErrors() async throws {
            let server = try await TestServer()
            defer { Task { await server.stop() } }
            let index = try await server.request("GET", "/")
            #expect(index.status == 200 && index.text.contains("<canvas id=\"face\""))
            let head = try await server.request("HEAD", "/app/app.js")
            #expect(head.status == 200 && head.body.isEmpty)
            let script = try await server.request("GET", "/app/app.js")
            #expect(script.status == 200 && script.text.contains("window.voxface"))
            let headers = try await NIOTestHeaders.fetch(port: server.http, path: "/")
            #expect(headers["content-type"] == "text/html; charset=utf-8")
            #expect(headers["content-security-policy"]?.contains("default-src 'self'") == true)
            #expect(headers["x-content-type-options"] == "nosniff")
            let etag = try #require(headers["etag"])
            let cached = try await server.request("GET", "/", headers: ["If-None-Match: \(etag)"])
            #expect(cached.status == 304 && cached.body.isEmpty)
            let channels = try await server.request("GET", "/app/channels.json")
            let names = try channels.json().array
            #expect(channels.status == 200 && names?.count == 68)
            for path in ["/app/nope.js", "/app/..%2FPackage.swift", "/app/../../Package.swift"] {
                let missing = try await server.request("GET", path)
                #expect(missing.status == 404, "\(path): \(missing.status)")
            }
        }
    }
}

/// Response headers of a GET, lower-cased names (for the tests that check headers).
enum NIOTestHeaders {
    static func fetch(port: Int, path: String) async throws -> [String: String] {
        try await NIOThreadPool.singleton.runIfActive {
            let fd = try connectLoopback(port: port, receiveBuffer: nil, timeoutSeconds: 10)
            defer { close(fd) }
            let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
            _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            var response: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n <= 0 { break }
                response += chunk[0..<n]
            }
            let text = String(decoding: response, as: UTF8.self)
            let head = text.components(separatedBy: "\r\n\r\n")[0]
            var headers: [String: String] = [:]
            for line in head.split(separator: "\r\n").dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            return headers
        }
    }
}
