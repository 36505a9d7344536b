import Foundation
import Testing

@testable import VoxServer

/// A file of the twins' golden footprint (Tests/VoxTwinsTests/Fixtures/golden/footprint).
func footprint(_ name: String) throws -> [UInt8] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("VoxTwinsTests/Fixtures/golden/footprint/" + name)
    return [UInt8](try Data(contentsOf: url))
}

/// A multipart/form-data body with a `file` part and optional text fields.
func multipartBody(file: [UInt8], filename: String, type: String, fields: [String: String] = [:], boundary: String = "vox-boundary-42")
    -> [UInt8]
{
    var out: [UInt8] = []
    for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
        out += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
    }
    out += Array(
        "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\nContent-Type: \(type)\r\n\r\n".utf8)
    out += file
    out += Array("\r\n--\(boundary)--\r\n".utf8)
    return out
}

extension ServerTests {
    @Suite struct TwinAPITests {
        func call(_ server: TestServer, _ method: String, _ path: String, _ body: [UInt8] = [], key: String? = nil, headers: [String] = [])
            async throws -> HTTPReply
        {
            try await server.request(method, path, body: body, headers: headers + (key.map { ["Authorization: Bearer \($0)"] } ?? []))
        }

        /// Waits for an ingestion to finish; returns its JSON.
        func finished(_ server: TestServer, _ user: String, _ id: String, key: String? = nil) async throws -> JSON {
            let deadline = ContinuousClock.now + .seconds(120)
            while ContinuousClock.now < deadline {
                let reply = try await call(server, "GET", "/v1/twins/\(user)/ingestions/\(id)", key: key)
                let json = try reply.json()
                if let status = json["status"]?.string, status == "done" || status == "failed" { return json }
                try await Task.sleep(for: .milliseconds(50))
            }
            throw TestError("ingestion \(id) did not finish")
        }

        func submit(_ server: TestServer, _ user: String, _ body: [UInt8], query: String = "", headers: [String], key: String? = nil)
            async throws -> JSON
        {
            let reply = try await call(server, "POST", "/v1/twins/\(user)/ingest\(query)", body, key: key, headers: headers)
            guard reply.status == 202 || reply.status == 200, let id = try reply.json()["id"]?.string else {
                throw TestError("ingest: \(reply.status) \(reply.text)")
            }
            return try await finished(server, user, id, key: key)
        }

        @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/pdftotext"), "poppler-utils is missing"))
        func aTwinIsBuiltFromFilesAChatAndACalendarAndAnswersWithSources() async throws {
            let server = try await TestServer()
            defer { Task { await server.stop() } }
            let events = EventsClient(port: server.http, subscribe: ["twins/maya"], until: "\"type\":\"vote\"")
            try await events.wait(for: "subscribed", timeout: 60)
            let created = try await call(server, "POST", "/v1/twins", Array(#"{"user": "maya", "name": "Maya Chen"}"#.utf8))
            #expect(created.status == 201, "\(created.text)")
            #expect(try await call(server, "POST", "/v1/twins", Array(#"{"user": "maya"}"#.utf8)).status == 409)

            // Four forms: multipart, a raw body named by ?filename=, JSON, and a raw export.
            let notes = try await submit(
                server, "maya", multipartBody(file: try footprint("about-me.md"), filename: "about-me.md", type: "text/markdown"),
                headers: ["Content-Type: multipart/form-data; boundary=vox-boundary-42"])
            #expect(notes["status"]?.string == "done" && notes["kind"]?.string == "markdown", "\(notes)")
            let pdf = try await submit(
                server, "maya", try footprint("proposal.pdf"), query: "?filename=proposal.pdf", headers: ["Content-Type: application/pdf"])
            #expect(pdf["status"]?.string == "done" && (pdf["memories"]?.double ?? 0) > 5, "\(pdf)")
            let chat = """
                {"kind": "chat", "messages": [
                  {"sender": "Maya Chen", "time": "2026-03-02T18:04:00Z", "text": "I can't stand meetings before 10, honestly."},
                  {"sender": "Sam Okafor", "time": "2026-03-02T18:05:00Z", "text": ""},
                  {"sender": "Sam Okafor", "time": 1772474760, "text": "Noted! Lunch at the Nepalese place?"},
                  {"sender": "Maya Chen", "time": "2026-03-02T18:07:00Z", "text": "Yes, I love their momos."}
                ]}
                """
            let chatDone = try await submit(server, "maya", Array(chat.utf8), headers: ["Content-Type: application/json"])
            #expect(chatDone["items"]?.double == 3, "\(chatDone)")
            let telegram = try await submit(
                server, "maya", try footprint("telegram-result.json"), query: "?filename=result.json", headers: [])
            #expect(telegram["status"]?.string == "done", "\(telegram)")
            let calendar = try await submit(
                server, "maya", try footprint("calendar.ics"), query: "?kind=calendar&from=2026-01-01&to=2026-12-31",
                headers: ["Content-Type: text/calendar"])
            #expect(calendar["status"]?.string == "done" && (calendar["items"]?.double ?? 0) > 20, "\(calendar)")
            let html = try await submit(
                server, "maya", multipartBody(file: try footprint("co-op-page.html"), filename: "co-op.html", type: "text/html"),
                headers: ["Content-Type: multipart/form-data; boundary=vox-boundary-42"])
            #expect(html["status"]?.string == "done")

            // The same content again is the same ingestion.
            let again = try await call(
                server, "POST", "/v1/twins/maya/ingest?filename=proposal.pdf", try footprint("proposal.pdf"))
            let againJSON = try again.json()
            #expect(again.status == 200 && againJSON["duplicate"]?.flag == true && againJSON["id"]?.string == pdf["id"]?.string)

            // Memories, best first, cited down to the message.
            let found = try await call(server, "GET", "/v1/twins/maya/memories?q=When%20does%20Maya%20like%20meetings&k=5")
            let memories = try #require(try found.json()["memories"]?.array)
            let meeting = try #require(memories.first { $0["text"]?.string?.contains("before 10") == true }, "\(found.text)")
            let source = try #require(meeting["sources"]?.array?.first)
            #expect(source["ingestion"]?.string == chatDone["id"]?.string)
            #expect(source["turns"]?.array?.contains { $0.double == 0 } == true)
            // A statement and the window it was said in take one place; the window names the fact.
            #expect(memories.allSatisfy { $0["covers"]?.array != nil }, "\(found.text)")
            let covered = Set(memories.flatMap { $0["covers"]?.array ?? [] }.compactMap(\.double))
            #expect(!covered.isEmpty && covered.isDisjoint(with: memories.compactMap { $0["id"]?.double }), "\(found.text)")

            // The graph: what she knows, now and as it was.
            let graph = try await call(server, "GET", "/v1/twins/maya/graph")
            #expect(try graph.json()["facts"]?.array?.contains { $0["predicate"]?.string == "ATTENDS" } == true)
            let before = try await call(server, "GET", "/v1/twins/maya/graph?at=2000-01-01")
            #expect(try before.json()["facts"]?.array?.isEmpty == true)
            #expect(try await call(server, "GET", "/v1/twins/maya/graph?at=yesterday").status == 400)

            // Chat: JSON, then Server-Sent Events; the offline twin quotes its notes and cites them.
            let answer = try await call(
                server, "POST", "/v1/twins/maya/chat", Array(#"{"message": "What do I think about meetings before 10?"}"#.utf8))
            let reply = try answer.json()
            #expect(reply["generator"]?.string == "offline", "\(answer.text)")
            #expect(reply["text"]?.string?.contains("[m1]") == true)
            #expect((reply["citations"]?.array?.count ?? 0) >= 1)
            let session = try #require(reply["session"]?.string)
            let streamed = try await call(
                server, "POST", "/v1/twins/maya/chat",
                Array(#"{"message": "And who is Sam?", "session": "\#(session)"}"#.utf8), headers: ["Accept: text/event-stream"])
            #expect(streamed.text.contains("event: context"), "\(streamed.text)")
            #expect(streamed.text.contains("event: delta") && streamed.text.contains("event: done"))
            #expect(streamed.text.contains("\"turn\":3"))

            // A project, a proposal, the twin's recommendation, the user's vote.
            let project = try await call(
                server, "POST", "/v1/projects", Array(#"{"name": "Green Streets", "members": ["maya"]}"#.utf8))
            let projectID = try #require(try project.json()["id"]?.string, "\(project.text)")
            let proposal = try await call(
                server, "POST", "/v1/projects/\(projectID)/proposals",
                Array(#"{"title": "Car-free Sundays on Rua Morais Soares", "text": "Close the street to cars one Sunday a month."}"#.utf8))
            let proposalID = try #require(try proposal.json()["id"]?.string, "\(proposal.text)")
            let recs = try await call(server, "GET", "/v1/proposals/\(proposalID)/recommendations")
            let rec = try #require(try recs.json()["recommendations"]?.array?.first, "\(recs.text)")
            #expect(rec["user"]?.string == "maya")
            #expect(["for", "against", "abstain"].contains(rec["stance"]?.string ?? ""))
            #expect((rec["reasons"]?.array?.count ?? 0) >= 1, "\(recs.text)")
            let vote = try await call(
                server, "POST", "/v1/proposals/\(proposalID)/votes", Array(#"{"user": "maya", "choice": "for"}"#.utf8))
            #expect(vote.status == 201, "\(vote.text)")
            #expect(try vote.json()["aligned"]?.flag == (rec["stance"]?.string == "for"))
            let twin = try await call(server, "GET", "/v1/twins/maya")
            #expect(try twin.json()["vote_alignment"]?["compared"]?.double == 1, "\(twin.text)")
            let voted = try await call(server, "GET", "/v1/twins/maya/memories?q=voted%20car-free%20Sundays&k=3")
            #expect(voted.text.contains("I voted for the proposal"))
            // The twin's vectors were read into memory at its first search and kept.
            #expect(try await server.metric("voxface_twin_vector_loads_total") >= 1)
            #expect(try await server.metric("voxface_twin_vectors_in_memory") > 0)
            #expect(try await server.metric("voxface_twin_vector_evictions_total") == 0)

            let seen = try await events.finish(timeout: 60)
            #expect(seen.contains { $0.data.contains("\"type\":\"ingestion\"") && $0.data.contains("\"status\":\"done\"") })
            #expect(seen.contains { $0.data.contains("\"type\":\"facts\"") })
            #expect(seen.contains { $0.data.contains("\"type\":\"recommendation\"") })

            // The owner's avatar draws on the owner's twin.
            let avatar = try await call(server, "POST", "/v1/avatars", Array(#"{"name": "Echo", "owner": "maya"}"#.utf8))
            let avatarID = try #require(try avatar.json()["id"]?.string, "\(avatar.text)")
            let said = try await call(
                server, "POST", "/v1/avatars/\(avatarID)/messages", Array(#"{"text": "What do I think about meetings before 10?"}"#.utf8))
            #expect(try said.json()["owner_twin_memories"]?.double == 3, "\(said.text)")

            // Deleting the twin deletes its data.
            #expect(try await call(server, "DELETE", "/v1/twins/maya").status == 204)
            #expect(try await call(server, "GET", "/v1/twins/maya/memories?q=meetings").status == 404)
            #expect(try await server.metric("voxface_twin_vectors_in_memory") == 0)
        }

        @Test func badInputGetsAClearErrorOrADeadLetter() async throws {
            let server = try await TestServer { $0.twins.maxBytes = 4096 }
            defer { Task { await server.stop() } }
            _ = try await call(server, "POST", "/v1/twins", Array(#"{"user": "u"}"#.utf8))
            func expect(_ reply: HTTPReply, _ status: Int, _ code: String) throws {
                #expect(reply.status == status, "\(reply.status) \(reply.text)")
                #expect(try reply.json()["error"]?["code"]?.string == code, "\(reply.text)")
            }
            try expect(try await call(server, "POST", "/v1/twins/u/ingest?kind=spreadsheet", Array("x".utf8)), 400, "bad_kind")
            try expect(try await call(server, "POST", "/v1/twins/u/ingest", [0x00, 0x01, 0xFF]), 415, "unsupported")
            try expect(try await call(server, "POST", "/v1/twins/u/ingest?kind=text", []), 400, "empty_body")
            try expect(
                try await call(server, "POST", "/v1/twins/u/ingest?kind=text", [UInt8](repeating: 65, count: 200_000)), 413,
                "body_too_large")
            try expect(
                try await call(server, "POST", "/v1/twins/u/ingest?kind=text", [UInt8](repeating: 65, count: 5000)), 413, "too_large")
            try expect(
                try await call(
                    server, "POST", "/v1/twins/u/ingest", Array("{\"kind\": 3}".utf8), headers: ["Content-Type: application/json"]),
                400, "bad_ingest")
            try expect(
                try await call(server, "POST", "/v1/twins/u/ingest", Array("{nope".utf8), headers: ["Content-Type: application/json"]), 400,
                "bad_json")
            try expect(
                try await call(
                    server, "POST", "/v1/twins/u/ingest", Array("--x\r\nnot a part".utf8),
                    headers: ["Content-Type: multipart/form-data; boundary=x"]), 400, "bad_multipart")
            try expect(
                try await call(server, "POST", "/v1/twins/u/ingest?kind=calendar&from=2026-01-01", Array("x".utf8)), 400, "bad_window")
            try expect(try await call(server, "POST", "/v1/twins/nobody/ingest?kind=text", Array("hello".utf8)), 404, "twin_not_found")
            try expect(try await call(server, "GET", "/v1/twins/u/memories"), 400, "bad_query")
            try expect(try await call(server, "GET", "/v1/twins/u/ingestions/ing_nope"), 404, "ingestion_not_found")
            try expect(try await call(server, "POST", "/v1/twins/u/chat", Array("{}".utf8)), 400, "bad_chat")
            try expect(try await call(server, "POST", "/v1/twins", Array(#"{"user": "a b"}"#.utf8)), 400, "bad_request")

            // A broken file is accepted, then dead-lettered with poppler's reason; nothing is kept.
            let broken = try await call(server, "POST", "/v1/twins/u/ingest?filename=x.pdf", Array("%PDF-1.7\n1 0 obj <<".utf8))
            #expect(broken.status == 202)
            let id = try #require(try broken.json()["id"]?.string)
            let failed = try await finished(server, "u", id)
            #expect(failed["status"]?.string == "failed", "\(failed)")
            #expect(failed["error"]?.string?.contains("pdf") == true, "\(failed)")
            let ics = try await call(server, "POST", "/v1/twins/u/ingest?filename=c.ics", Array("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n".utf8))
            let icsDone = try await finished(server, "u", try #require(try ics.json()["id"]?.string))
            #expect(icsDone["status"]?.string == "failed" && icsDone["error"]?.string?.contains("ics") == true, "\(icsDone)")
            #expect(try await call(server, "GET", "/v1/twins/u").json()["memories"]?.double == 0)
            #expect(try await server.metric("voxface_twin_ingestions_failed_total") == 2)
        }

        @Test func aUsersTwinIsTheirsAlone() async throws {
            let server = try await TestServer { $0.apiKeys = try? APIKeys.parse(keyFile) }
            defer { Task { await server.stop() } }
            // ana and ben each make their own twin; ana cannot make ben's.
            #expect(try await call(server, "POST", "/v1/twins", Array(#"{"user": "ben"}"#.utf8), key: anaKey).status == 403)
            #expect(try await call(server, "POST", "/v1/twins", Array(#"{"name": "Ana"}"#.utf8), key: anaKey).status == 201)
            #expect(try await call(server, "POST", "/v1/twins", Array("{}".utf8), key: benKey).status == 201)
            #expect(try await call(server, "POST", "/v1/twins", Array(#"{"user": "x"}"#.utf8), key: clientKey).status == 403)
            let secret = Array("I keep my savings in a shoebox under the bed.".utf8)
            let submitted = try await call(server, "POST", "/v1/twins/ben/ingest?kind=text", secret, key: benKey)
            let id = try #require(try submitted.json()["id"]?.string)
            _ = try await finished(server, "ben", id, key: benKey)
            let benEvents = EventsClient(port: server.http, subscribe: ["twins/*"], since: 0, until: "never", key: anaKey)
            for (method, path) in [
                ("GET", "/v1/twins/ben"), ("DELETE", "/v1/twins/ben"), ("GET", "/v1/twins/ben/memories?q=savings"),
                ("GET", "/v1/twins/ben/ingestions/\(id)"), ("GET", "/v1/twins/ben/ingestions"), ("GET", "/v1/twins/ben/graph"),
                ("POST", "/v1/twins/ben/chat"), ("POST", "/v1/twins/ben/ingest?kind=text"),
            ] {
                let reply = try await call(server, method, path, Array(#"{"message": "where are my savings?"}"#.utf8), key: anaKey)
                #expect(reply.status == 403, "\(method) \(path): \(reply.status) \(reply.text)")
                #expect(!reply.text.contains("shoebox"))
                #expect(try await call(server, method, path, key: clientKey).status == 403)
                #expect(try await call(server, method, path).status == 401)
            }
            let own = try await call(server, "GET", "/v1/twins/ben/memories?q=savings", key: benKey)
            #expect(own.text.contains("shoebox"))
            #expect(try await call(server, "GET", "/v1/twins/ben/memories?q=savings", key: adminKey).text.contains("shoebox"))
            // Projects: members only; a user sees only their own twin's recommendation.
            let project = try await call(server, "POST", "/v1/projects", Array(#"{"name": "Bens"}"#.utf8), key: benKey)
            let projectID = try #require(try project.json()["id"]?.string)
            #expect(try await call(server, "GET", "/v1/projects/\(projectID)", key: anaKey).status == 403)
            #expect(try await call(server, "GET", "/v1/projects", key: anaKey).json()["projects"]?.array?.isEmpty == true)
            #expect(try await call(server, "GET", "/v1/projects/\(projectID)", key: benKey).status == 200)
            // ana's events client (subscribed to every twin, replaying from the start) saw nothing of ben's.
            try await benEvents.wait(for: "\"type\":\"subscribed\"", timeout: 60)
            try await Task.sleep(for: .milliseconds(300))
            #expect(!benEvents.texts.contains { $0.contains("twins/ben") }, "\(benEvents.texts)")
        }
    }
}
