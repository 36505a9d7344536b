import Foundation
import Testing
import VoxTestSupport

@testable import VoxServer

#if canImport(Glibc)
    import Glibc
#endif

extension ServerTests {
    /// Slow clients (slowloris) cannot hold connections: a head must arrive within the header
    /// timeout of the connection's start, a body within the body timeout of its head; each
    /// connection closed is counted. Fast clients and WebSockets are not affected.
    @Suite struct SlowClientTests {
        static func server() async throws -> TestServer {
            try await TestServer {
                $0.httpHeaderTimeout = 1
                $0.httpBodyTimeout = 1
            }
        }

        /// Sends `bytes` one at a time, `interval` apart, then waits; returns the seconds until
        /// the server closed the connection, or nil if it was still open after `limit` seconds.
        static func secondsUntilClosed(port: Int, trickle bytes: [UInt8], interval: Double, limit: Double) throws -> Double? {
            let fd = try connectLoopback(port: port, receiveBuffer: nil, timeoutSeconds: 1)
            defer { close(fd) }
            let started = ContinuousClock.now
            var next = 0
            var scratch = [UInt8](repeating: 0, count: 4096)
            while ContinuousClock.now - started < .seconds(limit) {
                if next < bytes.count {
                    let sent = bytes[next...next].withUnsafeBytes { send(fd, $0.baseAddress, 1, Int32(MSG_NOSIGNAL)) }
                    if sent < 0 { return (ContinuousClock.now - started).seconds }
                    next += 1
                }
                var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                if poll(&poller, 1, Int32(interval * 1000)) > 0 {
                    let n = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                    if n <= 0 { return (ContinuousClock.now - started).seconds }
                }
            }
            return nil
        }

        @Test func aConnectionThatSendsNothingIsClosedAtTheHeaderTimeout() async throws {
            let server = try await Self.server()
            defer { Task { await server.stop() } }
            let closed = try Self.secondsUntilClosed(port: server.http, trickle: [], interval: 0.1, limit: 8)
            #expect(closed != nil, "an idle connection stayed open 8 s")
            #expect(try await server.metric("voxface_api_errors_total{code=\"header_timeout\"}") == 1)
        }

        @Test func aHeadSentByteByByteIsCutOff() async throws {
            let server = try await Self.server()
            defer { Task { await server.stop() } }
            // 36 bytes at 0.2 s each would take 7 s; the head deadline is 1 s.
            let head = Array("GET /health HTTP/1.1\r\nHost: x\r\nX: y\r\n\r\n".utf8)
            let closed = try Self.secondsUntilClosed(port: server.http, trickle: head, interval: 0.2, limit: 8)
            #expect(closed != nil, "a trickled head kept the connection open 8 s")
            // Blank lines alone do not end a head.
            let blank = try Self.secondsUntilClosed(port: server.http, trickle: Array("\r\n\r\n\r\n".utf8), interval: 0.05, limit: 8)
            #expect(blank != nil, "blank lines kept the connection open 8 s")
            #expect(try await server.metric("voxface_api_errors_total{code=\"header_timeout\"}") == 2)
        }

        @Test func aBodySentTooSlowlyIsCutOff() async throws {
            let server = try await Self.server()
            defer { Task { await server.stop() } }
            let head = "POST /v1/avatars HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n"
            let fd = try connectLoopback(port: server.http, receiveBuffer: nil, timeoutSeconds: 1)
            defer { close(fd) }
            let bytes = Array(head.utf8)
            _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            // Trickle the body on the open connection: one space every 0.2 s.
            let started = ContinuousClock.now
            var open = true
            var scratch = [UInt8](repeating: 0, count: 4096)
            while open && ContinuousClock.now - started < .seconds(8) {
                let space: [UInt8] = [0x20]
                if space.withUnsafeBytes({ send(fd, $0.baseAddress, 1, Int32(MSG_NOSIGNAL)) }) < 0 { open = false }
                var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                if poll(&poller, 1, 200) > 0, scratch.withUnsafeMutableBytes({ recv(fd, $0.baseAddress, $0.count, 0) }) <= 0 {
                    open = false
                }
            }
            #expect(!open, "a trickled body kept the connection open 8 s")
            #expect(try await server.metric("voxface_api_errors_total{code=\"body_timeout\"}") == 1)
        }

        @Test func promptClientsAndWebSocketsAreNotAffected() async throws {
            let server = try await Self.server()
            defer { Task { await server.stop() } }
            // A kept-alive connection serves requests well past both deadlines.
            let fd = try connectLoopback(port: server.http, receiveBuffer: nil, timeoutSeconds: 5)
            defer { close(fd) }
            for _ in 0..<3 {
                let request = Array("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
                _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                var scratch = [UInt8](repeating: 0, count: 4096)
                let n = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                #expect(n > 0 && String(decoding: scratch[0..<max(n, 0)], as: UTF8.self).hasPrefix("HTTP/1.1 200"))
                try await Task.sleep(for: .seconds(0.8))
            }
            // A WebSocket open for three times the deadlines still gets its events.
            let events = EventsClient(port: server.http, subscribe: ["world"], until: "\"speed\":7")
            try await events.wait(for: "\"type\":\"subscribed\"", timeout: 60)
            try await Task.sleep(for: .seconds(3))
            #expect(try await server.request("PATCH", "/v1/world", body: Array("{\"speed\": 7}".utf8)).status == 200)
            try await events.wait(for: "\"speed\":7", timeout: 60)
            #expect(try await server.metric("voxface_api_errors_total{code=\"header_timeout\"}") == 0)
            #expect(try await server.metric("voxface_api_errors_total{code=\"body_timeout\"}") == 0)
        }
    }
}

extension Duration {
    fileprivate var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
