import Foundation
import Testing
import VoxCore

@testable import VoxServer

/// Seeded mutants of a valid JSON body, as a hostile client would send them: every field's value
/// replaced by each of ``hostileValues``, every field left out, an unknown and a duplicated field,
/// each hostile value as the whole body, and random byte edits (flips, JSON-significant and
/// invalid UTF-8 insertions, deletions, truncation).
struct BodyMutator {
    /// A body as its fields, each a key and the JSON text of its value.
    typealias Fields = [(key: String, value: String)]

    /// Values no route expects: wrong types, numbers out of every range, NUL and lone
    /// surrogates, a string over most bodies' size limit, deep nesting.
    static let hostileValues: [String] = [
        "null", "true", "0", "-1", "1.5", "-0.0", "1e308", "-1e308", "1e400", "18446744073709551616",
        "-9223372036854775809", "9223372036854775807", #""""#, #""\u0000""#, #""\ud800""#, #""a\nb""#,
        "\"" + String(repeating: "\u{00e9}", count: 40_000) + "\"", "[]", "{}", "[null]", #"{"a": {"b": [1, "x", null]}}"#,
        String(repeating: "[", count: 3_000) + String(repeating: "]", count: 3_000),
        #"["a", 1, null, true]"#, #""x""#,
        // Search text reaches SQLite's FTS5 query syntax: quotes, operators, prefixes, columns.
        #""\"unbalanced""#, #""NEAR(a b""#, #""a AND OR NOT""#, #""* ^x col:y (((""#, #""a\" OR \"b""#,
    ]

    private var random: SplitMix64

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    private mutating func below(_ n: Int) -> Int { Int(random.next() % UInt64(n)) }

    static func text(_ fields: Fields) -> String {
        "{" + fields.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ") + "}"
    }

    /// The structured mutants of `fields`, then `randomEdits` byte-edited copies of its text.
    mutating func mutants(of fields: Fields, randomEdits: Int) -> [[UInt8]] {
        var out: [String] = []
        for i in fields.indices {
            for hostile in Self.hostileValues {
                var changed = fields
                changed[i].value = hostile
                out.append(Self.text(changed))
            }
            var without = fields
            without.remove(at: i)
            out.append(Self.text(without))
            out.append(Self.text(fields + [(fields[i].key, "null")]))
        }
        out.append(Self.text(fields + [("zz_unknown", #""x""#)]))
        out += Self.hostileValues
        var bytes = out.map { Array($0.utf8) }
        let seed = Array(Self.text(fields).utf8)
        let inserts: [UInt8] = Array(#"{}[]":,\-+.eE0"#.utf8) + [0x00, 0xFF, 0xC3, 0xED, 0x0A]
        for _ in 0..<randomEdits {
            var b = seed
            for _ in 0...below(3) {
                switch below(5) {
                case 0 where !b.isEmpty: b[below(b.count)] ^= UInt8(1 << below(8))
                case 1: b.insert(inserts[below(inserts.count)], at: below(b.count + 1))
                case 2 where !b.isEmpty: b.remove(at: below(b.count))
                case 3 where !b.isEmpty: b.removeLast(below(b.count))
                default:
                    let at = below(b.count + 1)
                    b.insert(contentsOf: b[at...].prefix(8), at: at)
                }
            }
            bytes.append(b)
        }
        return bytes
    }
}

extension ServerTests {
    @Suite struct RouteBodyMutationTests {
        /// One route with a JSON body: its method, path and a valid body's fields.
        struct Route {
            var method: String
            var path: String
            var fields: BodyMutator.Fields
        }

        func post(_ server: TestServer, _ path: String, _ body: String, id: String = "id") async throws -> String {
            let reply = try await server.request("POST", path, body: Array(body.utf8), headers: ["Content-Type: application/json"])
            guard reply.status == 201 || reply.status == 202, let value = try reply.json()[id]?.string else {
                throw TestError("POST \(path): \(reply.status) \(reply.text)")
            }
            return value
        }

        /// Every route that reads a JSON body, fed about 3,100 hostile mutants of a valid body
        /// through the real server: each answer is a 2xx, or a 4xx whose body is the documented
        /// JSON error (`{"error": {"code", "message"}}`), never a 5xx or a dropped connection; the
        /// server stays healthy and each route still accepts its valid body afterwards.
        @Test func everyJSONBodyRouteAnswersHostileBodiesWith4xxJSON() async throws {
            let server = try await TestServer { $0.rateLimit = 1_000_000 }
            defer { Task { await server.stop() } }
            let stream = try await post(server, "/v1/streams", "{}")
            let avatar = try await post(server, "/v1/avatars", #"{"name": "Echo", "owner": "maya"}"#)
            let profile = try await post(server, "/v1/profiles", #"{"name": "Talker", "interests": ["podcasts"]}"#)
            _ = try await post(server, "/v1/twins", #"{"user": "maya", "name": "Maya Chen"}"#, id: "user")
            _ = try await post(server, "/v1/twins", #"{"user": "ben"}"#, id: "user")
            let project = try await post(server, "/v1/projects", #"{"name": "Green Streets", "members": ["maya"]}"#)
            let proposal = try await post(server, "/v1/projects/\(project)/proposals", #"{"title": "Car-free Sundays"}"#)

            let routes: [Route] = [
                Route(method: "POST", path: "/v1/streams", fields: [("hop", "4"), ("lookahead", "0"), ("playout_delay_ms", "200")]),
                Route(method: "PATCH", path: "/v1/streams/\(stream)", fields: [("avatar", "\"\(avatar)\"")]),
                Route(method: "POST", path: "/v1/streams/\(stream)/livelink", fields: [("host", #""127.0.0.1""#), ("port", "11111")]),
                Route(method: "POST", path: "/v1/avatars", fields: [("name", #""Nova""#), ("bio", #""hi""#), ("owner", #""maya""#)]),
                Route(
                    method: "PATCH", path: "/v1/avatars/\(avatar)", fields: [("bio", #""calm""#), ("personality", #"{"openness": 0.7}"#)]),
                Route(method: "POST", path: "/v1/avatars/\(avatar)/memories", fields: [("text", #""likes jazz""#), ("importance", "5")]),
                Route(method: "POST", path: "/v1/avatars/\(avatar)/messages", fields: [("text", #""Who are you?""#)]),
                Route(method: "PATCH", path: "/v1/world", fields: [("speed", "60"), ("paused", "false")]),
                Route(method: "POST", path: "/v1/world/advance", fields: [("minutes", "5")]),
                Route(
                    method: "POST", path: "/v1/profiles", fields: [("name", #""Ada""#), ("interests", #"["chess"]"#), ("cv_text", #""x""#)]),
                Route(method: "PATCH", path: "/v1/profiles/\(profile)", fields: [("interests", #"["jazz", "composing"]"#)]),
                Route(method: "POST", path: "/v1/space/layout", fields: [("seed", "7")]),
                Route(method: "POST", path: "/v1/twins", fields: [("user", #""sam""#), ("name", #""Sam""#)]),
                Route(method: "POST", path: "/v1/twins/maya/ingest", fields: [("kind", #""text""#), ("text", #""I cycle to work.""#)]),
                Route(
                    method: "POST", path: "/v1/twins/maya/ingest",
                    fields: [("kind", #""chat""#), ("messages", #"[{"sender": "Maya", "time": 1772474760, "text": "Tea, not coffee."}]"#)]),
                Route(method: "POST", path: "/v1/twins/maya/chat", fields: [("message", #""What do I drink?""#), ("session", #""s1""#)]),
                Route(
                    method: "POST", path: "/v1/projects",
                    fields: [("name", #""Parks""#), ("description", #""x""#), ("members", #"["maya"]"#)]),
                Route(method: "POST", path: "/v1/projects/\(project)/members", fields: [("user", #""ben""#)]),
                Route(
                    method: "POST", path: "/v1/projects/\(project)/proposals",
                    fields: [("title", #""Bike lanes""#), ("text", #""x""#), ("starts_at", "1772474760"), ("ends_at", "1772478360")]),
                Route(method: "POST", path: "/v1/proposals/\(proposal)/votes", fields: [("choice", #""for""#), ("user", #""maya""#)]),
            ]

            var mutator = BodyMutator(seed: 16)
            var answered = [Int: Int]()
            for route in routes {
                for body in mutator.mutants(of: route.fields, randomEdits: 60) {
                    let reply = try await server.request(route.method, route.path, body: body, headers: ["Content-Type: application/json"])
                    answered[reply.status / 100 * 100, default: 0] += 1
                    let shown = String(decoding: body.prefix(120), as: UTF8.self)
                    #expect(
                        (200..<500).contains(reply.status),
                        "\(route.method) \(route.path) \(shown): \(reply.status) \(reply.text.prefix(200))")
                    if reply.status >= 400 {
                        let code = try? reply.json()["error"]?["code"]?.string
                        #expect(
                            code != nil,
                            "\(route.method) \(route.path) \(shown): \(reply.status) without a JSON error: \(reply.text.prefix(200))")
                    }
                    // A created stream is closed again, so the mutants never meet the stream cap.
                    if route.path == "/v1/streams", reply.status == 201, let id = try reply.json()["id"]?.string {
                        _ = try await server.request("DELETE", "/v1/streams/\(id)")
                    }
                }
            }
            #expect((answered[400] ?? 0) > 1_500 && (answered[200] ?? 0) > 100, "\(answered)")

            #expect(try await server.request("GET", "/health").status == 200)
            for route in routes {
                let reply = try await server.request(
                    route.method, route.path, body: Array(BodyMutator.text(route.fields).utf8), headers: ["Content-Type: application/json"])
                let refusedAgain = route.path == "/v1/twins" || route.path.hasSuffix("/members")  // already exist: 409
                #expect(
                    reply.status < 300 || (refusedAgain && reply.status == 409),
                    "\(route.method) \(route.path): \(reply.status) \(reply.text.prefix(200))")
            }
        }

        /// Hostile query values (URL-encoded): numbers out of range, NUL, invalid UTF-8, FTS5
        /// syntax, a 6,000-byte value; and hostile path ids, for every GET route that reads one.
        static let hostileQueryValues: [String] = [
            "", "0", "-1", "1.5", "1e3", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "NaN", "inf",
            "%00", "%FF%FE", "%ED%A0%80", "%22unbalanced", "NEAR(a%20b", "a%20AND%20OR%20NOT", "*", "%5Ex", "col:y", "((((",
            "..%2F..%2Fetc%2Fpasswd", "%27%20OR%201%3D1%20--", String(repeating: "x", count: 6_000), "2026-13-45T99:99:99Z",
        ]

        /// Every query parameter and path id of the GET routes (and the ingest route's query),
        /// fed ``hostileQueryValues``: each answer a 2xx or a 4xx with the JSON error body.
        @Test func everyQueryParameterAndPathIDAnswersHostileValuesWith4xxJSON() async throws {
            let server = try await TestServer { $0.rateLimit = 1_000_000 }
            defer { Task { await server.stop() } }
            let avatar = try await post(server, "/v1/avatars", #"{"name": "Echo", "owner": "maya"}"#)
            let profile = try await post(server, "/v1/profiles", #"{"name": "Talker", "interests": ["podcasts"]}"#)
            _ = try await post(server, "/v1/twins", #"{"user": "maya", "name": "Maya Chen"}"#, id: "user")
            let project = try await post(server, "/v1/projects", #"{"name": "Green Streets", "members": ["maya"]}"#)
            let proposal = try await post(server, "/v1/projects/\(project)/proposals", #"{"title": "Car-free Sundays"}"#)
            let memory = try await server.request("POST", "/v1/avatars/\(avatar)/memories", body: Array(#"{"text": "likes jazz"}"#.utf8))
            #expect(memory.status == 201)

            // (path, query parameters, a valid value for each)
            let queries: [(String, [(String, String)])] = [
                ("/v1/avatars", [("limit", "10"), ("owner", "maya"), ("after", avatar)]),
                ("/v1/avatars/\(avatar)/memories", [("limit", "5"), ("q", "jazz")]),
                ("/v1/twins/maya/ingestions", [("limit", "5")]),
                ("/v1/twins/maya/memories", [("k", "5"), ("q", "jazz")]),
                ("/v1/twins/maya/graph", [("limit", "10"), ("at", "2026-03-01T00:00:00Z"), ("history", "1")]),
                ("/v1/projects", [("limit", "10")]),
                ("/v1/profiles", [("limit", "10"), ("owner", "maya"), ("after", profile)]),
                ("/v1/profiles/\(profile)/neighbors", [("k", "5")]),
                ("/v1/profiles/\(profile)/matches", [("k", "5")]),
                ("/v1/rooms", [("limit", "10"), ("after", "r")]),
            ]
            var answered = [Int: Int]()
            func check(_ method: String, _ path: String, _ body: [UInt8] = []) async throws {
                let reply = try await server.request(method, path, body: body, headers: ["Content-Type: text/plain"])
                answered[reply.status / 100 * 100, default: 0] += 1
                #expect((200..<500).contains(reply.status), "\(method) \(path.prefix(160)): \(reply.status) \(reply.text.prefix(200))")
                if reply.status >= 400 {
                    #expect(
                        (try? reply.json()["error"]?["code"]?.string) != nil,
                        "\(method) \(path.prefix(160)): \(reply.status) without a JSON error: \(reply.text.prefix(200))")
                }
            }
            for (path, parameters) in queries {
                for i in parameters.indices {
                    for hostile in Self.hostileQueryValues {
                        var changed = parameters
                        changed[i].1 = hostile
                        try await check("GET", path + "?" + changed.map { "\($0.0)=\($0.1)" }.joined(separator: "&"))
                    }
                }
                try await check("GET", path + "?" + parameters.map { "\($0.0)=\($0.1)&\($0.0)=%00" }.joined(separator: "&"))
            }
            let ingest = [("kind", "text"), ("filename", "notes.txt"), ("from", "2026-01-01"), ("to", "2026-12-31")]
            for i in ingest.indices {
                for hostile in Self.hostileQueryValues {
                    var changed = ingest
                    changed[i].1 = hostile
                    let query = changed.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
                    try await check("POST", "/v1/twins/maya/ingest?" + query, Array("I cycle to work.".utf8))
                }
            }
            let withIDs = [
                "/v1/avatars/_", "/v1/avatars/_/memories", "/v1/avatars/_/relationships", "/v1/twins/_", "/v1/twins/maya/ingestions/_",
                "/v1/twins/maya/memories/_/history", "/v1/projects/_", "/v1/proposals/_", "/v1/proposals/_/recommendations",
                "/v1/profiles/_", "/v1/profiles/_/neighbors", "/v1/profiles/_/matches", "/v1/rooms/_", "/v1/streams/_",
                "/v1/streams/_/livelink", "/app/_",
            ]
            for path in withIDs {
                for hostile in Self.hostileQueryValues where !hostile.isEmpty {
                    try await check("GET", path.replacingOccurrences(of: "_", with: hostile))
                }
            }
            #expect((answered[400] ?? 0) > 200 && (answered[200] ?? 0) > 50, "\(answered)")
            #expect(try await server.request("GET", "/v1/proposals/\(proposal)").status == 200)
            #expect(try await server.request("GET", "/health").status == 200)
        }
    }
}
