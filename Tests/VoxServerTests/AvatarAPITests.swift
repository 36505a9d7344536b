import Hummingbird
import HummingbirdWSClient
import Logging
import NIOCore
import NIOPosix
import Synchronization
import Testing
import VoxLLM
import VoxMedia
import VoxTestSupport

@testable import VoxServer

/// A `/v1/events` client: sends its subscription, collects every text message, and hangs up after
/// the first event whose data contains `until`.
final class EventsClient: Sendable {
    struct Event: Equatable {
        var seq: Int64
        var topic: String
        var data: String
    }
    private final class State: Sendable {
        let messages = Mutex<[String]>([])
        let close = Mutex<Int?>(nil)
    }
    private let state = State()
    private let task: Task<Void, any Error>

    init(port: Int, subscribe: [String], since: Int64? = nil, until: String, key: String? = nil) {
        let state = self.state
        let patterns = subscribe.map { "\"\($0)\"" }.joined(separator: ",")
        let request = "{\"subscribe\":[\(patterns)]" + (since.map { ",\"since\":\($0)" } ?? "") + "}"
        task = Task {
            let result = try await WebSocketClient.connect(
                url: "ws://127.0.0.1:\(port)/v1/events" + (key.map { "?key=\($0)" } ?? ""), logger: Logger(label: "events")
            ) {
                inbound, outbound, _ in
                try await outbound.write(.text(request))
                for try await message in inbound.messages(maxSize: 1 << 20) {
                    guard case .text(let text) = message else { continue }
                    state.messages.withLock { $0.append(text) }
                    if text.hasPrefix("{\"topic\"") && text.contains(until) { return }
                }
            }
            state.close.withLock { $0 = result.map { Int(UInt16(webSocketErrorCode: $0.closeCode)) } }
        }
    }

    /// Waits until the client hung up (at most `timeout` seconds); returns its events.
    func finish(timeout: Double) async throws -> [Event] {
        let task = task
        do {
            try await withDeadline(timeout, "the events client") { _ = try? await task.value }
        } catch let error as DeadlineExceeded {
            throw TestError("\(error.description); got \(texts.count) messages")
        }
        return events
    }

    /// Waits until a message containing `text` arrived.
    func wait(for text: String, timeout: Double) async throws {
        let deadline = ContinuousClock.now + .seconds(timeout)
        while ContinuousClock.now < deadline {
            if texts.contains(where: { $0.contains(text) }) { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestError("no message with \(text) within \(timeout) s")
    }

    var texts: [String] { state.messages.withLock { $0 } }
    var closeCode: Int? { state.close.withLock { $0 } }

    /// The events received (control messages left out).
    var events: [Event] {
        texts.compactMap { text in
            guard case .object(let o)? = try? JSON.parse(Array(text.utf8)), let seq = o["seq"]?.int, let topic = o["topic"]?.string
            else { return nil }
            return Event(seq: Int64(seq), topic: topic, data: text)
        }
    }
}

let cheerfulAvatar = """
    {"name": "Sunny", "personality": {"openness": 0.8, "conscientiousness": 0.6, "extraversion": 0.95, "agreeableness": 0.9,
     "neuroticism": 0.05}, "interests": ["music", "film"], "owner": "ana"}
    """
/// An introvert who does not seek company on its own within minutes (only speech moves its social need).
let quietAvatar = """
    {"name": "Quiet", "personality": {"openness": 0, "conscientiousness": 0.5, "extraversion": 0, "agreeableness": 0.5,
     "neuroticism": 0.5}}
    """

extension ServerTests {
    @Suite struct AvatarAPITests {
        /// A subscriber sees each change; after a disconnect it resumes with `since` and gets
        /// exactly what it missed: the two sessions together equal a full replay, no gap, no repeat.
        @Test func eventsResumeWithoutGapsOrRepeats() async throws {
            let server = try await TestServer()
            defer { Task { await server.stop() } }
            let patterns = ["avatars/*/state", "avatars/*/relationships", "avatars", "world"]
            let first = EventsClient(port: server.http, subscribe: patterns, until: "\"speed\":61")
            try await first.wait(for: "\"type\":\"subscribed\"", timeout: 60)
            for body in [cheerfulAvatar, cheerfulAvatar.replacingOccurrences(of: "Sunny", with: "River")] {
                #expect(try await server.request("POST", "/v1/avatars", body: Array(body.utf8)).status == 201)
            }
            #expect(try await server.request("POST", "/v1/world/advance", body: Array("{\"minutes\": 600}".utf8)).status == 200)
            #expect(try await server.request("PATCH", "/v1/world", body: Array("{\"speed\": 61}".utf8)).status == 200)
            let seen = try await first.finish(timeout: 60)
            #expect(seen.contains { $0.data.contains("\"created\"") })
            #expect(seen.contains { $0.topic.hasSuffix("/state") && $0.data.contains("\"previous\"") })
            let last = try #require(seen.last?.seq)

            // Missed while away.
            #expect(try await server.request("POST", "/v1/world/advance", body: Array("{\"minutes\": 300}".utf8)).status == 200)
            let resumed = EventsClient(port: server.http, subscribe: patterns, since: last, until: "\"speed\":62")
            try await resumed.wait(for: "\"type\":\"live\"", timeout: 60)
            #expect(try await server.request("POST", "/v1/world/advance", body: Array("{\"minutes\": 60}".utf8)).status == 200)
            #expect(try await server.request("PATCH", "/v1/world", body: Array("{\"speed\": 62}".utf8)).status == 200)
            let missed = try await resumed.finish(timeout: 60)
            #expect(!missed.isEmpty)

            let full = EventsClient(port: server.http, subscribe: patterns, since: 0, until: "\"speed\":62")
            let everything = try await full.finish(timeout: 60)
            let both = (seen + missed).map(\.seq)
            #expect(Set(both).count == both.count, "an event was repeated")
            #expect(both == everything.map(\.seq), "resumed \(both.count) events, the log has \(everything.count)")
            #expect(zip(everything, everything.dropFirst()).allSatisfy { $0.seq < $1.seq })
        }

        /// A stream bound to a cheerful avatar carries its mood: Happy dominates the emotion
        /// channels; an unbound stream's frames keep the model's own; the avatar's social need
        /// rises with speech on the stream.
        @Test func aBoundStreamCarriesTheAvatarsMood() async throws {
            let server = try await TestServer()
            defer { Task { await server.stop() } }
            let sunny = try await server.request("POST", "/v1/avatars", body: Array(cheerfulAvatar.utf8))
            guard case .object(let avatar) = try sunny.json(), let id = avatar["id"]?.string else { throw TestError(sunny.text) }
            let quiet = try await server.request("POST", "/v1/avatars", body: Array(quietAvatar.utf8))
            let twin = try await server.request("POST", "/v1/avatars", body: Array(quietAvatar.utf8))
            guard case .object(let q) = try quiet.json(), let quietID = q["id"]?.string, case .object(let t) = try twin.json(),
                let twinID = t["id"]?.string
            else { throw TestError(quiet.text) }

            let missing = try await server.request("POST", "/v1/streams", body: Array("{\"avatar\": \"av_nobody\"}".utf8))
            #expect(missing.status == 404 && missing.text.contains("avatar_not_found"))

            // The world is paused while the mood is compared, so speech and world time do not move it.
            let pause = try await server.request("PATCH", "/v1/world", body: Array("{\"paused\": true}".utf8))
            #expect(pause.status == 200, "\(pause.text.prefix(300))")
            // One fixed window phase for both, so the model runs the same windows on both streams
            // (by default the pool would give streams started together different phases), and a
            // 3 s playout delay, so that on a loaded machine neither stream's model is late: a late
            // window holds a frame, and a stream late for 10% of a second widens its hop.
            let same = "\"window_phase\": 1, \"playout_delay_ms\": 3000"
            let bound = try await server.createStream("{\"avatar\": \"\(id)\", \(same)}")
            #expect(bound["settings"]?.object?["avatar"]?.string == id)
            let plain = try await server.createStream("{\(same)}")
            let subscribers = [bound, plain].map { FrameSubscriber(url: $0["frames_url"]!.string!) }
            let pcm = try speech48k()
            let sender = try UDPSocket()
            let port = server.rtp
            // Both streams get the same packets, 400 ms ahead of real time: a loaded machine
            // delays them alike.
            let ssrcs = [bound, plain].map { UInt32($0["ssrc"]!.int!) }
            Task { try await sendRTP(pcm[0..<144_000], ssrcs: ssrcs, to: port, from: sender, leadPackets: 20) }
            for s in subscribers { try await s.waitForFrames(150, timeout: 30) }
            let happy = MoodOverlay.first + 3
            let boundFrames = subscribers[0].snapshot.frames.suffix(60)
            let plainFrames = subscribers[1].snapshot.frames.suffix(60)
            let boundHappy = boundFrames.map { $0.values[happy] }.reduce(0, +) / Float(boundFrames.count)
            let plainHappy = plainFrames.map { $0.values[happy] }.reduce(0, +) / Float(plainFrames.count)
            #expect(boundHappy > 0.5, "bound Happy \(boundHappy) (plain \(plainHappy))")
            // Same audio, same model: the emotion channels are the model's at 30% plus the avatar's
            // mood at 70%. Compared on the frames that neither stream held (a late window on a
            // loaded machine repeats and eases the last frame) and whose 61 shapes are equal: the
            // same window of the same audio on both streams (one may conceal a late packet the
            // other decoded; shapes that only agree within 1e-4 let a CI run through with emotions
            // 0.004 apart). There the carried mood matches the avatar's to the 4 decimals the API
            // gives: 120-121 frames compared, alone and beside three busy loops. A wrong share
            // (60/40) or no overlay is off by 0.1 or more.
            let reply = try await server.request("GET", "/v1/avatars/\(id)")
            let emotions = try reply.json().object?["state"]?.object?["emotions"]?.object ?? [:]
            let mood = ["Angry", "Disgusted", "Fearful", "Happy", "Neutral", "Sad", "Surprised"].map { Float(emotions[$0]?.double ?? -1) }
            let plainByIndex = Dictionary(
                subscribers[1].snapshot.frames.filter { $0.flags & 1 == 0 }.map { ($0.index, $0.values) }, uniquingKeysWith: { a, _ in a })
            var compared = 0
            var worst: Float = 0
            // How far each stream's emotions are from the avatar's mood, summed over the channels.
            var boundDistance: Float = 0
            var plainDistance: Float = 0
            for frame in subscribers[0].snapshot.frames.dropFirst(30) where frame.flags & 1 == 0 {
                guard let other = plainByIndex[frame.index],
                    zip(frame.values[..<MoodOverlay.first], other[..<MoodOverlay.first]).allSatisfy({ $0 == $1 })
                else { continue }
                compared += 1
                for k in 0..<7 {
                    let carried = (frame.values[MoodOverlay.first + k] - 0.3 * other[MoodOverlay.first + k]) / 0.7
                    worst = max(worst, abs(carried - mood[k]))
                    boundDistance += abs(frame.values[MoodOverlay.first + k] - mood[k])
                    plainDistance += abs(other[MoodOverlay.first + k] - mood[k])
                }
            }
            #expect(compared > 45, "frames compared: \(compared)")
            #expect(worst < 1e-3, "mood carried within \(worst) of the avatar's \(mood)")
            // The unbound stream keeps the model's own emotions: the bound one's sit 0.3 times as far
            // from the mood (the same frames compared; how far depends on what the model hears, so a
            // fixed gap between the two would flake: 0.06 was seen on Happy, where the model itself
            // said 0.89 and the mood 0.8).
            #expect(boundDistance < 0.5 * plainDistance, "distance from the mood: bound \(boundDistance), plain \(plainDistance)")

            // A running stream can be bound, rebound and unbound.
            let plainID = plain["id"]!.string!
            let rebind = try await server.request("PATCH", "/v1/streams/\(plainID)", body: Array("{\"avatar\": \"\(id)\"}".utf8))
            #expect(rebind.status == 200 && rebind.text.contains("\"avatar\":\"\(id)\""), "\(rebind.text.prefix(300))")
            let unknown = try await server.request("PATCH", "/v1/streams/\(plainID)", body: Array("{\"avatar\": \"av_nobody\"}".utf8))
            #expect(unknown.status == 404 && unknown.text.contains("avatar_not_found"))
            let other = try await server.request("PATCH", "/v1/streams/\(plainID)", body: Array("{\"hop\": 2}".utf8))
            #expect(other.status == 400 && other.text.contains("bad_settings"))
            let unbind = try await server.request("PATCH", "/v1/streams/\(plainID)", body: Array("{\"avatar\": null}".utf8))
            #expect(unbind.status == 200 && unbind.text.contains("\"avatar\":null"), "\(unbind.text.prefix(300))")

            // Speech counts as social activity: the speaking introvert's social need beats its twin's.
            #expect(try await server.request("PATCH", "/v1/world", body: Array("{\"paused\": false}".utf8)).status == 200)
            let speaking = try await server.createStream("{\"avatar\": \"\(quietID)\"}")
            try await sendRTP(pcm[0..<144_000], ssrcs: [UInt32(speaking["ssrc"]!.int!)], to: port, from: sender, leadPackets: 1)
            try await Task.sleep(for: .seconds(1.5))
            func social(_ id: String) async throws -> Double {
                let reply = try await server.request("GET", "/v1/avatars/\(id)")
                return try reply.json().object?["state"]?.object?["needs"]?.object?["social"]?.double ?? -1
            }
            let spoke = try await social(quietID)
            let silent = try await social(twinID)
            #expect(spoke > silent + 0.01, "social after speech \(spoke), twin \(silent)")
        }

        /// The owner's message goes to the configured language model (a small OpenAI-compatible
        /// server in the test); when it fails, the offline generator answers and says why.
        @Test func messagesUseTheLanguageModelAndFallBack() async throws {
            let failing = Atomic<Bool>(false)
            let router = Router()
            router.post("/v1/chat/completions") { request, _ -> Response in
                var request = request
                let body = String(buffer: try await request.collectBody(upTo: 1 << 20))
                guard !failing.load(ordering: .relaxed) else { return Response(status: .internalServerError) }
                let said = body.contains("You are Sunny") ? "I am Sunny and I love music" : "who am I?"
                let reply = "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"\(said)\"}}]}"
                return Response(
                    status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: reply)))
            }
            let (ports, continuation) = AsyncStream<Int>.makeStream()
            let fake = Application(
                router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) })
            let fakeTask = Task { try await fake.runService() }
            defer { fakeTask.cancel() }
            var iterator = ports.makeAsyncIterator()
            let llmPort = await iterator.next() ?? 0
            let server = try await TestServer {
                $0.llm = LLMConfiguration(url: "http://127.0.0.1:\(llmPort)/v1", model: "fake", timeout: 30)
            }
            defer { Task { await server.stop() } }
            let created = try await server.request("POST", "/v1/avatars", body: Array(cheerfulAvatar.utf8))
            let id = try #require(try created.json().object?["id"]?.string)
            let reply = try await server.request("POST", "/v1/avatars/\(id)/messages", body: Array("{\"text\": \"Who are you?\"}".utf8))
            let answer = try #require(try reply.json().object)
            #expect(answer["generator"]?.string == "llm" && answer["reply"]?.string == "I am Sunny and I love music", "\(reply.text)")
            #expect(answer["memory"]?.object?["text"]?.string?.contains("I love music") == true)
            let health = try await server.request("GET", "/health").json().object?["llm"]?.object
            #expect(health?["generator"]?.string == "llm" && health?["breaker"]?.string == "closed")

            failing.store(true, ordering: .relaxed)
            let fallback = try await server.request("POST", "/v1/avatars/\(id)/messages", body: Array("{\"text\": \"Still there?\"}".utf8))
            let offline = try #require(try fallback.json().object)
            #expect(offline["generator"]?.string == "offline" && offline["fallback_reason"]?.string == "http_500", "\(fallback.text)")
            #expect(try await server.metric("voxface_llm_fallbacks_total") == 1)

            // Avatars' conversations with each other go to the language model too (a few at a time).
            failing.store(false, ordering: .relaxed)
            let river = try await server.request(
                "POST", "/v1/avatars", body: Array(cheerfulAvatar.replacingOccurrences(of: "Sunny", with: "River").utf8))
            let riverID = try #require(try river.json().object?["id"]?.string)
            #expect(try await server.request("POST", "/v1/world/advance", body: Array("{\"minutes\": 1440}".utf8)).status == 200)
            var heard = false
            for _ in 0..<600 where !heard {
                let memories = try await server.request("GET", "/v1/avatars/\(riverID)/memories?q=love%20music").text
                heard = memories.contains("They said: \\\"I am Sunny and I love music\\\"")
                if !heard { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(heard, "River remembers what the language model had Sunny say")
            #expect(try await server.metric("voxface_avatar_llm_conversations_total") >= 1)
        }

        /// Bad input on every avatar route: a JSON error with a code, counted; nothing created.
        @Test func badInputIsAJSONError() async throws {
            let server = try await TestServer { $0.avatars.maxAvatars = 1 }
            defer { Task { await server.stop() } }
            let cases: [(String, String, String, Int, String)] = [
                ("POST", "/v1/avatars", "{not json", 400, "bad_json"),
                ("POST", "/v1/avatars", "{\"name\": 5}", 400, "bad_avatar"),
                ("POST", "/v1/avatars", "{\"name\": \"A\", \"personality\": {\"neuroticism\": -0.1}}", 400, "bad_avatar"),
                ("POST", "/v1/avatars", "{\"name\": \"A\", \"attachment_style\": \"clingy\"}", 400, "bad_avatar"),
                ("POST", "/v1/avatars", "{\"name\": \"A\", \"bio\": \"\(String(repeating: "b", count: 70_000))\"}", 413, "body_too_large"),
                ("GET", "/v1/avatars/av_none", "", 404, "avatar_not_found"),
                ("GET", "/v1/avatars?limit=0", "", 400, "bad_query"),
                ("POST", "/v1/world/advance", "{\"minutes\": 0}", 400, "bad_avatar"),
                ("POST", "/v1/world/advance", "{\"minutes\": 99999999}", 400, "bad_avatar"),
                ("PATCH", "/v1/world", "{\"speed\": -1}", 400, "bad_avatar"),
            ]
            for (method, path, body, status, code) in cases {
                let reply = try await server.request(method, path, body: Array(body.utf8))
                #expect(
                    reply.status == status, "\(method) \(path.prefix(40)) \(body.prefix(40)): \(reply.status) \(reply.text.prefix(200))")
                #expect(reply.text.contains("\"code\":\"\(code)\""), "\(reply.text.prefix(200))")
            }
            #expect(try await server.request("POST", "/v1/avatars", body: Array(cheerfulAvatar.utf8)).status == 201)
            let full = try await server.request("POST", "/v1/avatars", body: Array(cheerfulAvatar.utf8))
            #expect(full.status == 409 && full.text.contains("too_many_avatars"))
            let list = try await server.request("GET", "/v1/avatars")
            #expect(try list.json().object?["avatars"]?.array?.count == 1)
            #expect(try await server.metric("voxface_api_errors_total{code=\"bad_avatar\"}") >= 4)

            let port = server.http
            let badPattern = try await NIOThreadPool.singleton.runIfActive {
                try webSocketCloseCode(port: port, "/v1/events", messages: [(1, Array(#"{"subscribe":["avatars//state"]}"#.utf8))])
            }
            #expect(badPattern == 1008)
        }
    }
}
