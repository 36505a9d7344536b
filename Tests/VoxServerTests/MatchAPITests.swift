import Foundation
import Testing

@testable import VoxServer

/// A 16-bit mono WAV file of `samples`.
func wavBytes(_ samples: [Float], sampleRate: Int) -> [UInt8] {
    var out: [UInt8] = []
    func u32(_ v: UInt32) { out += withUnsafeBytes(of: v.littleEndian, Array.init) }
    func u16(_ v: UInt16) { out += withUnsafeBytes(of: v.littleEndian, Array.init) }
    out += Array("RIFF".utf8)
    u32(UInt32(36 + samples.count * 2))
    out += Array("WAVEfmt ".utf8)
    u32(16)
    u16(1)
    u16(1)
    u32(UInt32(sampleRate))
    u32(UInt32(sampleRate * 2))
    u16(2)
    u16(16)
    out += Array("data".utf8)
    u32(UInt32(samples.count * 2))
    for s in samples { u16(UInt16(bitPattern: Int16(max(-1, min(1, s)) * 32767))) }
    return out
}

/// Vowel-like syllables of a harmonic voice at `pitch`, about four a second, in phrases.
func voiceLike(pitch: Double, sampleRate: Int, seconds: Double) -> [Float] {
    let n = Int(seconds * Double(sampleRate))
    return (0..<n).map { i in
        let t = Double(i) / Double(sampleRate)
        let inPhrase = t.truncatingRemainder(dividingBy: 2.0) < 1.4
        let phase = t.truncatingRemainder(dividingBy: 0.25) / 0.25
        let envelope = inPhrase && phase < 0.6 ? sin(Double.pi * phase / 0.6) : 0
        var s = 0.0
        for h in 1...12 { s += sin(2 * Double.pi * pitch * Double(h) * t) / Double(h) }
        return Float(0.2 * envelope * s)
    }
}

extension ServerTests {
    @Suite struct MatchAPITests {
        func create(_ server: TestServer, _ body: String) async throws -> String {
            let reply = try await server.request("POST", "/v1/profiles", body: Array(body.utf8))
            guard reply.status == 201, let id = try reply.json()["id"]?.string else {
                throw TestError("create: \(reply.status) \(reply.text)")
            }
            return id
        }

        func distance(_ server: TestServer, _ a: String, _ b: String) async throws -> Double {
            let reply = try await server.request("GET", "/v1/profiles/\(a)/neighbors?k=100")
            for n in try reply.json()["neighbors"]?.array ?? [] where n["id"]?.string == b { return n["distance"]!.double! }
            throw TestError("\(b) is not among \(a)'s neighbours")
        }

        /// The 3D social space seed's demo scenarios, through the HTTP API.
        @Test func theSeedsDemoScenariosHold() async throws {
            let server = try await TestServer()
            defer { Task { await server.stop() } }
            let health = try await server.request("GET", "/health").json()
            let offline = health["text_encoder"]?["offline"] == .bool(true)
            let encoder = health["text_encoder"]?["name"]?.string ?? "?"
            // 1. Three data scientists with a RecSys interest: a tight cluster.
            let ds = [
                try await create(
                    server,
                    #"{"name": "Ada", "cv_text": "Data scientist building recommender systems for an online marketplace; ranking models and A/B tests.", "interests": ["recommender systems", "machine learning", "statistics"]}"#
                ),
                try await create(
                    server,
                    #"{"name": "Bo", "cv_text": "Senior data scientist working on personalised recommendations and collaborative filtering for a streaming service.", "interests": ["recsys", "machine learning", "a/b testing"]}"#
                ),
                try await create(
                    server,
                    #"{"name": "Cy", "cv_text": "Data scientist on the recommendation team: candidate retrieval, learning to rank and offline evaluation.", "interests": ["recommender systems", "information retrieval", "data science"]}"#
                ),
            ]
            // 2. A product manager, a designer and an engineer (of software products): a triangle.
            let team = [
                try await create(
                    server,
                    #"{"name": "Pam", "cv_text": "Product manager who owns the roadmap, interviews customers and prioritises features with engineering and design.", "interests": ["product strategy", "user research", "startups"]}"#
                ),
                try await create(
                    server,
                    #"{"name": "Dee", "cv_text": "UX designer crafting interfaces for web and mobile apps: wireframes, prototypes and usability tests.", "interests": ["interaction design", "typography", "user research"]}"#
                ),
                try await create(
                    server,
                    #"{"name": "Eng", "cv_text": "Backend software engineer building APIs, databases and distributed systems for web products.", "interests": ["distributed systems", "databases", "open source"]}"#
                ),
            ]
            // 3. Similar interests, different personalities: sub-groups.
            let outgoing =
                #""personality": {"openness": 0.9, "conscientiousness": 0.3, "extraversion": 0.95, "agreeableness": 0.8, "neuroticism": 0.2}"#
            let reserved =
                #""personality": {"openness": 0.2, "conscientiousness": 0.9, "extraversion": 0.05, "agreeableness": 0.4, "neuroticism": 0.7}"#
            var hikers: [String] = []
            let hikerCVs = [
                "Weekend hiker and climber.", "I hike mountain trails most weekends.", "Trail runner and hiker.",
                "Hiking and climbing in the Alps every summer.", "I go hiking and camping in national parks.",
                "Climber who loves long hikes.",
            ]
            for (i, p) in [outgoing, outgoing, outgoing, reserved, reserved, reserved].enumerated() {
                let cv = hikerCVs[i]
                hikers.append(
                    try await create(
                        server, #"{"name": "H\#(i)", "cv_text": "\#(cv)", "interests": ["hiking", "climbing", "camping"], \#(p)}"#))
            }
            var dsDistances: [Double] = []
            for (a, b) in [(0, 1), (0, 2), (1, 2)] { dsDistances.append(try await distance(server, ds[a], ds[b])) }
            var teamDistances: [Double] = []
            for (a, b) in [(0, 1), (0, 2), (1, 2)] { teamDistances.append(try await distance(server, team[a], team[b])) }
            var within: [Double] = []
            var across: [Double] = []
            for a in 0..<6 {
                for b in (a + 1)..<6 {
                    (a < 3) == (b < 3)
                        ? within.append(try await distance(server, hikers[a], hikers[b]))
                        : across.append(try await distance(server, hikers[a], hikers[b]))
                }
            }
            let meanDS = dsDistances.reduce(0, +) / 3
            print(
                "scenarios (\(encoder)): data scientists \(dsDistances) mean \(meanDS); team \(teamDistances); hikers within \(within) across \(across)"
            )
            // Sub-groups always (personality is its own block); the seed's numbers with the sentence encoder.
            let meanWithin = within.reduce(0, +) / Double(within.count)
            let meanAcross = across.reduce(0, +) / Double(across.count)
            #expect(meanWithin < meanAcross - 0.05, "within \(meanWithin), across \(meanAcross)")
            #expect(meanDS < teamDistances.min()!)
            if offline {
                print(
                    "scenarios: the sentence encoder's weights are absent (make test fetches them); the seed's absolute distances are checked only with them"
                )
            } else {
                #expect(meanDS < 0.3)
                #expect(teamDistances.allSatisfy { (0.4...0.6).contains($0) }, "\(teamDistances)")
            }
            // The data scientists' best matches are each other.
            let matches = try await server.request("GET", "/v1/profiles/\(ds[0])/matches?k=2").json()["matches"]?.array ?? []
            let best = Set(matches.compactMap { $0["id"]?.string })
            if offline {
                #expect(!best.isDisjoint(with: [ds[1], ds[2]]))
            } else {
                #expect(best == Set([ds[1], ds[2]]))
            }
            #expect(matches.first?["dimensions"]?["interests"]?["score"]?.double != nil)
        }

        @Test func theAPIAnswersAndRefusesAsDocumented() async throws {
            let server = try await TestServer()
            defer { Task { await server.stop() } }
            let id = try await create(
                server, #"{"name": "Ana", "cv_text": "Jazz pianist.", "interests": ["jazz", "piano"], "owner": "ana"}"#)
            let other = try await create(
                server, #"{"name": "Ben", "cv_text": "Guitarist.", "interests": ["jazz", "guitar"], "owner": "ben"}"#)
            let got = try await server.request("GET", "/v1/profiles/\(id)").json()
            #expect(got["name"]?.string == "Ana" && got["position"]?.array?.count == 3 && got["room"]?.string?.hasPrefix("r_") == true)
            #expect(got["encoder"]?.string != nil)
            let list = try await server.request("GET", "/v1/profiles?owner=ben").json()["profiles"]?.array ?? []
            #expect(list.compactMap { $0["id"]?.string } == [other])
            let space = try await server.request("GET", "/v1/space").json()
            #expect(space["count"]?.int == 2 && space["profiles"]?.array?.count == 2)
            let rooms = try await server.request("GET", "/v1/rooms").json()["rooms"]?.array ?? []
            #expect(rooms.reduce(0) { $0 + ($1["size"]?.int ?? 0) } == 2)
            let room = try #require(rooms.first?["id"]?.string)
            #expect(try await server.request("GET", "/v1/rooms/\(room)").status == 200)
            let patched = try await server.request(
                "PATCH", "/v1/profiles/\(id)", body: Array(#"{"interests": ["jazz", "composing"]}"#.utf8))
            #expect(try patched.json()["interests"]?.array?.compactMap(\.string) == ["jazz", "composing"])

            // Bad input: 4xx with a JSON error, nothing written.
            let bad: [(String, String, [UInt8], Int, String)] = [
                ("POST", "/v1/profiles", Array("{".utf8), 400, "bad_json"),
                ("POST", "/v1/profiles", Array(#"{"cv_text": "x"}"#.utf8), 400, "bad_profile"),
                ("POST", "/v1/profiles", Array(#"{"name": "N"}"#.utf8), 400, "bad_profile"),
                ("POST", "/v1/profiles", Array(#"{"name": 5}"#.utf8), 400, "bad_profile"),
                ("POST", "/v1/profiles", [UInt8](repeating: 0x20, count: MatchRoutes.maxBody + 1), 413, "body_too_large"),
                ("POST", "/v1/profiles", Array(#"{"name": "N", "avatar": "a_nope"}"#.utf8), 400, "bad_profile"),
                ("GET", "/v1/profiles/p_nope", [], 404, "profile_not_found"),
                ("GET", "/v1/profiles/\(id)/neighbors?k=0", [], 400, "bad_query"),
                ("GET", "/v1/profiles/\(id)/matches?k=101", [], 400, "bad_query"),
                ("GET", "/v1/profiles/\(id)/neighbors?k=x", [], 400, "bad_query"),
                ("GET", "/v1/rooms/r_nope", [], 404, "room_not_found"),
                ("POST", "/v1/profiles/\(id)/voice", [], 400, "empty_body"),
                ("POST", "/v1/profiles/\(id)/voice", Array("not audio at all".utf8), 422, "bad_audio"),
                ("POST", "/v1/profiles/\(id)/voice", wavBytes([Float](repeating: 0, count: 16_000), sampleRate: 16_000), 422, "no_speech"),
                ("POST", "/v1/profiles/p_nope/voice", wavBytes([0, 0], sampleRate: 16_000), 404, "profile_not_found"),
            ]
            for (method, path, body, status, code) in bad {
                let reply = try await server.request(method, path, body: body)
                #expect(reply.status == status, "\(method) \(path): \(reply.status) \(reply.text)")
                #expect(try reply.json()["error"]?["code"]?.string == code, "\(method) \(path): \(reply.text)")
            }
            #expect(try await server.request("GET", "/v1/space").json()["count"]?.int == 2)

            // A voice upload fills the traits.
            let voice = try await server.request(
                "POST", "/v1/profiles/\(id)/voice",
                body: wavBytes(voiceLike(pitch: 140, sampleRate: 16_000, seconds: 6), sampleRate: 16_000))
            #expect(voice.status == 200, "\(voice.text)")
            let pitch = try #require(try voice.json()["voice"]?["median_pitch_hz"]?.double)
            #expect(abs(pitch - 140) < 140 * 0.03)

            #expect(try await server.request("DELETE", "/v1/profiles/\(id)").status == 204)
            #expect(try await server.request("GET", "/v1/profiles/\(id)").status == 404)
            #expect(try await server.metric("voxface_match_profiles") == 1)

        }
        /// A face stream bound to a profile builds the profile's voice traits from what it hears
        /// (RTP/Opus, the server's real path), merged when the stream closes.
        @Test func aBoundStreamFillsTheProfilesVoice() async throws {
            let server = try await TestServer { $0.streamDefaults.idleTimeoutSeconds = 1 }
            defer { Task { await server.stop() } }
            let id = try await create(server, #"{"name": "Talker", "interests": ["podcasts"]}"#)
            let missing = try await server.request("POST", "/v1/streams", body: Array(#"{"profile": "p_nope"}"#.utf8))
            #expect(missing.status == 404 && missing.text.contains("profile_not_found"))
            for bad in [#"{"profile": ""}"#, #"{"profile": 7}"#, #"{"profile": "\#(String(repeating: "p", count: 65))"}"#] {
                let reply = try await server.request("POST", "/v1/streams", body: Array(bad.utf8))
                #expect(reply.status == 400 && reply.text.contains("bad_settings"), "\(bad): \(reply.text)")
            }
            let stream = try await server.createStream(#"{"profile": "\#(id)"}"#)
            #expect(stream["settings"]?.object?["profile"]?.string == id)
            let pcm = voiceLike(pitch: 150, sampleRate: 48_000, seconds: 4)
            let sender = try UDPSocket()
            try await sendRTP(pcm[...], ssrc: UInt32(stream["ssrc"]!.int!), to: server.rtp, from: sender)
            // Idle after 1 s, merged within the ticker's next second.
            var voice: JSON?
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline {
                voice = try await server.request("GET", "/v1/profiles/\(id)").json()["voice"]
                if voice != nil && voice != .null { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            let pitch = try #require(voice?["median_pitch_hz"]?.double, "no voice traits after the stream closed")
            #expect(abs(pitch - 150) < 150 * 0.05)
            #expect((voice?["speech_seconds"]?.double ?? 0) > 1.5)
        }
    }
}
