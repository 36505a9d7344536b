import Foundation
import Logging
import NIOPosix
import Testing
import VoxTestSupport

@testable import VoxServer

let adminKey = "admin-0123456789abcdef"
let clientKey = "client-0123456789abcdef"
let anaKey = "ana-0123456789abcdef01"
let benKey = "ben-0123456789abcdef01"
let keyFile = """
    # Voxface keys
    admin \(adminKey)
    client \(clientKey)   # a streaming client
    user ana \(anaKey)
    user ben \(benKey)
    """

@Suite struct APIKeyFileTests {
    @Test func keysParseWithCommentsAndRoles() throws {
        let keys = try APIKeys.parse(keyFile)
        #expect(keys.count == 4)
        #expect(keys.principal(for: adminKey) == .admin)
        #expect(keys.principal(for: clientKey) == .client)
        #expect(keys.principal(for: anaKey) == .user("ana"))
        #expect(keys.principal(for: "nobody-0123456789abcdef") == nil)
        #expect(keys.principal(for: "") == nil)
    }

    @Test(arguments: [
        ("admin short", "line 1: a key is 16-256"),
        ("root 0123456789abcdef0", "line 1: expected 'admin KEY'"),
        ("user 0123456789abcdef0", "line 1: expected 'admin KEY'"),
        ("user bad/name 0123456789abcdef0", "line 1: a user name"),
        ("admin 0123456789abcdef0\nclient 0123456789abcdef0", "line 2: this key is already listed"),
        ("# nothing\n\n", "holds no keys"),
        ("admin 0123456789abcdef0 extra", "line 1: expected"),
    ])
    func badFilesAreOneLineNamingTheLine(text: String, message: String) {
        #expect(throws: KeyFileError.self) { _ = try APIKeys.parse(text, source: "keys.txt") }
        do { _ = try APIKeys.parse(text, source: "keys.txt") } catch {
            #expect(error.description.contains(message), "\(error)")
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func withoutKeysOnlyLoopbackServes() throws {
        var configuration = ServerConfiguration(host: "0.0.0.0", port: 0, rtpPort: 0)
        #expect(throws: ServerError.self) {
            _ = try VoxfaceServer(configuration: configuration, model: testModel, modelName: "t", logger: Logger(label: "t"))
        }
        configuration.insecureNoAuth = true
        _ = try VoxfaceServer(configuration: configuration, model: testModel, modelName: "t", logger: Logger(label: "t"))
        configuration.insecureNoAuth = false
        configuration.apiKeys = try APIKeys.parse(keyFile)
        _ = try VoxfaceServer(configuration: configuration, model: testModel, modelName: "t", logger: Logger(label: "t"))
        for host in ["127.0.0.1", "localhost", "::1"] {
            _ = try VoxfaceServer(
                configuration: ServerConfiguration(host: host, port: 0, rtpPort: 0), model: testModel, modelName: "t",
                logger: Logger(label: "t"))
        }
    }
}

extension ServerTests {
    /// Every route with no key, a wrong key, and each role; users reach only their own avatars
    /// and profiles, and see only their own avatars' events.
    @Suite struct AuthRouteTests {
        func call(_ server: TestServer, _ method: String, _ path: String, _ key: String?, _ body: String = "") async throws -> HTTPReply {
            try await server.request(method, path, body: Array(body.utf8), headers: key.map { ["Authorization: Bearer \($0)"] } ?? [])
        }

        func expectStatus(
            _ server: TestServer, _ method: String, _ path: String, _ key: String?, _ status: Int, _ body: String = "",
            code: String? = nil
        ) async throws {
            let reply = try await call(server, method, path, key, body)
            #expect(reply.status == status, "\(method) \(path) with \(key ?? "no key"): \(reply.status) \(reply.text)")
            if let code { #expect(try reply.json()["error"]?["code"]?.string == code, "\(method) \(path): \(reply.text)") }
        }

        @Test func everyRouteChecksKeysRolesAndOwners() async throws {
            let server = try await TestServer { $0.apiKeys = try? APIKeys.parse(keyFile) }
            defer { Task { await server.stop() } }
            // Open: the app, its files, /health.
            for path in ["/", "/avatars", "/space", "/app/style.css", "/health"] { try await expectStatus(server, "GET", path, nil, 200) }
            // No key, or a wrong one: 401 everywhere else.
            for (method, path) in [
                ("GET", "/metrics"), ("GET", "/v1/streams"), ("POST", "/v1/streams"), ("GET", "/v1/avatars"), ("POST", "/v1/avatars"),
                ("GET", "/v1/world"), ("PATCH", "/v1/world"), ("GET", "/v1/profiles"), ("GET", "/v1/space"), ("GET", "/v1/rooms"),
                ("POST", "/audio_to_blendshapes"), ("GET", "/v1/nothing"),
            ] {
                try await expectStatus(server, method, path, nil, 401, code: "unauthorized")
                try await expectStatus(server, method, path, "wrong-0123456789abcdef", 401, code: "unauthorized")
            }
            // A key in the query works too (WebSocket URLs).
            try await expectStatus(server, "GET", "/v1/world?key=\(clientKey)", nil, 200)

            // Clients: streams and metrics, not avatars, profiles or the world's controls.
            try await expectStatus(server, "GET", "/metrics", clientKey, 200)
            let streamReply = try await call(server, "POST", "/v1/streams", clientKey)
            #expect(streamReply.status == 201)
            let stream = try streamReply.json()
            for (method, path) in [
                ("GET", "/v1/avatars"), ("POST", "/v1/avatars"), ("GET", "/v1/profiles"), ("PATCH", "/v1/world"),
                ("POST", "/v1/world/advance"), ("POST", "/v1/space/layout"),
            ] {
                try await expectStatus(server, method, path, clientKey, 403, "{}", code: "forbidden")
            }
            try await expectStatus(server, "GET", "/v1/world", clientKey, 200)

            // Users own what they create; another user's things are 403.
            let anaAvatar = try await call(server, "POST", "/v1/avatars", anaKey, #"{"name": "Ana's", "interests": ["jazz"]}"#)
            #expect(anaAvatar.status == 201)
            #expect(try anaAvatar.json()["owner"]?.string == "ana")
            let avatar = try #require(try anaAvatar.json()["id"]?.string)
            try await expectStatus(server, "POST", "/v1/avatars", anaKey, 403, #"{"name": "X", "owner": "ben"}"#, code: "forbidden")
            let anaProfile = try await call(
                server, "POST", "/v1/profiles", anaKey, #"{"name": "Ana", "interests": ["jazz"], "avatar": "\#(avatar)"}"#)
            #expect(anaProfile.status == 201, "\(anaProfile.text)")
            let profile = try #require(try anaProfile.json()["id"]?.string)
            #expect(try anaProfile.json()["owner"]?.string == "ana")
            try await expectStatus(
                server, "POST", "/v1/profiles", benKey, 403, #"{"name": "B", "avatar": "\#(avatar)"}"#, code: "forbidden")
            let benProfile = try await call(server, "POST", "/v1/profiles", benKey, #"{"name": "Ben", "interests": ["jazz"]}"#)
            #expect(benProfile.status == 201)
            for (method, path, body) in [
                ("GET", "/v1/avatars/\(avatar)", ""), ("PATCH", "/v1/avatars/\(avatar)", "{}"), ("DELETE", "/v1/avatars/\(avatar)", ""),
                ("GET", "/v1/avatars/\(avatar)/memories", ""), ("POST", "/v1/avatars/\(avatar)/memories", #"{"text": "x"}"#),
                ("GET", "/v1/avatars/\(avatar)/relationships", ""), ("POST", "/v1/avatars/\(avatar)/messages", #"{"text": "hi"}"#),
                ("GET", "/v1/profiles/\(profile)", ""), ("PATCH", "/v1/profiles/\(profile)", "{}"),
                ("DELETE", "/v1/profiles/\(profile)", ""),
                ("GET", "/v1/profiles/\(profile)/neighbors", ""), ("GET", "/v1/profiles/\(profile)/matches", ""),
                ("POST", "/v1/profiles/\(profile)/voice", "x"), ("GET", "/v1/avatars?owner=ana", ""), ("GET", "/v1/profiles?owner=ana", ""),
                ("POST", "/v1/streams", #"{"avatar": "\#(avatar)"}"#), ("POST", "/v1/streams", #"{"profile": "\#(profile)"}"#),
            ] {
                try await expectStatus(server, method, path, benKey, 403, body, code: "forbidden")
            }
            // The owner and the admin may.
            for key in [anaKey, adminKey] {
                try await expectStatus(server, "GET", "/v1/avatars/\(avatar)", key, 200)
                try await expectStatus(server, "GET", "/v1/profiles/\(profile)/matches", key, 200)
                try await expectStatus(server, "POST", "/v1/streams", key, 201, #"{"avatar": "\#(avatar)", "profile": "\#(profile)"}"#)
            }
            // Lists: a user sees only its own.
            #expect(try await call(server, "GET", "/v1/avatars", benKey).json()["avatars"]?.array?.isEmpty == true)
            #expect(try await call(server, "GET", "/v1/avatars", anaKey).json()["avatars"]?.array?.count == 1)
            #expect(try await call(server, "GET", "/v1/profiles", benKey).json()["profiles"]?.array?.count == 1)
            #expect(try await call(server, "GET", "/v1/avatars", adminKey).json()["avatars"]?.array?.count == 1)
            // The shared space is readable with any key; its controls need the admin.
            try await expectStatus(server, "GET", "/v1/space", benKey, 200)
            try await expectStatus(server, "POST", "/v1/space/layout", benKey, 403, "{}", code: "forbidden")
            try await expectStatus(server, "POST", "/v1/space/layout", adminKey, 200, "{}")
            try await expectStatus(server, "POST", "/v1/world/advance", adminKey, 200, #"{"minutes": 10}"#)
            // A stream's frames: a key, or the stream's own token.
            let id = try #require(stream["id"]?.string)
            let token = try #require(stream["token"]?.string)
            #expect(try await call(server, "GET", "/v1/streams/\(id)/frames", nil).status == 401)
            #expect(try await call(server, "GET", "/v1/streams/\(id)/frames?token=\(token)", nil).status != 401)
            #expect(try await call(server, "GET", "/v1/streams/\(id)/frames?token=wrong", nil).status == 401)
            // Refusals are counted.
            #expect(
                try await server.request("GET", "/metrics", headers: ["Authorization: Bearer \(adminKey)"]).text.contains(
                    "code=\"forbidden\""))

            // Events: ben sees none of ana's avatar; ana sees hers; the admin everything.
            let patterns = ["avatars", "avatars/#", "world"]
            let ben = EventsClient(port: server.http, subscribe: patterns, since: 0, until: "\"speed\":61", key: benKey)
            let ana = EventsClient(port: server.http, subscribe: patterns, since: 0, until: "\"speed\":61", key: anaKey)
            try await ben.wait(for: "\"type\":\"live\"", timeout: 60)
            try await ana.wait(for: "\"type\":\"live\"", timeout: 60)
            try await expectStatus(server, "PATCH", "/v1/world", adminKey, 200, #"{"speed": 61}"#)
            let benSaw = try await ben.finish(timeout: 60)
            let anaSaw = try await ana.finish(timeout: 60)
            #expect(!benSaw.contains { $0.topic.hasPrefix("avatars/\(avatar)") || $0.data.contains(avatar) })
            #expect(anaSaw.contains { $0.topic.hasPrefix("avatars/\(avatar)") })
            #expect(benSaw.contains { $0.topic == "world" })
        }
    }
}

@Suite struct RateLimitTests {
    @Test func bucketsRefillAtTheirRateAndCapAtTheBurst() {
        var b = TokenBuckets(rate: 2, burst: 4, capacity: 3)
        var got: [Bool] = []
        for _ in 0..<5 { got.append(b.take("a", now: 0)) }
        #expect(got == [true, true, true, true, false])
        let other = b.take("b", now: 0)  // another client has its own bucket
        #expect(other)
        let refilled = [b.take("a", now: 0.5), b.take("a", now: 0.5)]  // one token back after half a second
        #expect(refilled == [true, false])
        got = []
        for _ in 0..<5 { got.append(b.take("a", now: 100)) }  // capped at the burst
        #expect(got == [true, true, true, true, false])
        for c in ["c", "d", "e", "f"] { _ = b.take(c, now: 200) }  // the table stays bounded
    }
}

extension ServerTests {
    @Suite struct RateLimitServerTests {
        @Test func aClientBeyondItsRateGets429AndHealthStaysOpen() async throws {
            let server = try await TestServer { $0.rateLimit = 4 }  // bursts of 20
            defer { Task { await server.stop() } }
            var statuses: [Int] = []
            var limited: HTTPReply?
            for _ in 0..<40 {
                let reply = try await server.request("GET", "/v1/world")
                statuses.append(reply.status)
                if reply.status == 429 { limited = reply }
            }
            #expect(statuses.filter { $0 == 200 }.count >= 20)
            #expect(statuses.contains(429))
            let reply = try #require(limited)
            #expect(try reply.json()["error"]?["code"]?.string == "rate_limited")
            #expect(reply.text.contains("retry"))
            #expect(try await server.request("GET", "/health").status == 200)
            try await Task.sleep(for: .seconds(1.5))
            #expect(try await server.request("GET", "/v1/world").status == 200)
            #expect(try await server.metric("voxface_api_errors_total{code=\"rate_limited\"}") >= 1)
        }
    }
}

extension ServerTests {
    @Suite struct SocketQuotaTests {
        /// A key holds at most `--max-sockets-per-key` subscriber sockets; one more is closed with
        /// 1013 and counted; other keys are not disturbed.
        @Test func aKeyBeyondItsSocketsIsRefused() async throws {
            let server = try await TestServer {
                $0.apiKeys = try? APIKeys.parse(keyFile)
                $0.maxSocketsPerKey = 2
            }
            defer { Task { await server.stop() } }
            let held = (0..<2).map { _ in EventsClient(port: server.http, subscribe: ["world"], until: "never", key: benKey) }
            for client in held { try await client.wait(for: "\"type\":\"subscribed\"", timeout: 60) }
            let port = server.http
            let extra = try await NIOThreadPool.singleton.runIfActive {
                try webSocketCloseCode(port: port, "/v1/events?key=\(benKey)", messages: [(1, Array(#"{"subscribe":["world"]}"#.utf8))])
            }
            #expect(extra == 1013)
            let other = EventsClient(port: server.http, subscribe: ["world"], until: "never", key: anaKey)
            try await other.wait(for: "\"type\":\"subscribed\"", timeout: 60)
            let metrics = try await server.request("GET", "/metrics", headers: ["Authorization: Bearer \(adminKey)"]).text
            #expect(metrics.contains("voxface_api_errors_total{code=\"sockets_per_key\"} 1"), "\(metrics.suffix(400))")
        }
    }
}
