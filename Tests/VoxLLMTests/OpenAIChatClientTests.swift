import Synchronization
import Testing

@testable import VoxLLM

/// The real client over loopback against the in-test server (no mock of the client).
@Suite struct OpenAIChatClientTests {
    static let request = ChatRequest(messages: [ChatMessage(role: .system, content: "Be brief."), ChatMessage(role: .user, content: "hi")])

    /// Runs `body` with a client of `url`, shut down afterwards.
    static func withClient<T>(
        _ url: String, apiKey: String? = "sekret", timeout: Double = 10, firstTokenTimeout: Double = 10, maxConcurrent: Int = 4,
        _ body: (OpenAIChatClient) async throws -> T
    ) async throws -> T {
        let client = OpenAIChatClient(
            configuration: LLMConfiguration(
                url: url, model: "tiny", apiKey: apiKey, timeout: timeout, firstTokenTimeout: firstTokenTimeout,
                maxConcurrent: maxConcurrent))
        do {
            let result = try await body(client)
            try await client.shutdown()
            return result
        } catch {
            try await client.shutdown()
            throw error
        }
    }

    @Test func streamsPiecesAndAssemblesTheReply() async throws {
        let server = try await FakeLLMServer.scenario()
        try await Self.withClient(server.url + "/") { client in
            let pieces = Mutex<[String]>([])
            let reply = try await client.complete(Self.request) { piece in pieces.withLock { $0.append(piece) } }
            #expect(reply == ChatReply(text: "Hello there", generator: "llm", model: "tiny"))
            #expect(pieces.withLock { $0 } == ["Hel", "lo", " there"])
            #expect(server.authorization == "Bearer sekret")
            let body = server.body
            for field in ["\"model\":\"tiny\"", "\"max_tokens\":120", "\"temperature\":0.8", "\"stream\":true", "\"role\":\"system\""] {
                #expect(body.contains(field), "\(field) in \(body)")
            }
        }
    }

    @Test func acceptsAPlainJSONReply() async throws {
        let server = try await FakeLLMServer.scenario(.json("Plain answer"))
        try await Self.withClient(server.url, apiKey: nil) { client in
            let pieces = Mutex<[String]>([])
            let reply = try await client.complete(Self.request) { piece in pieces.withLock { $0.append(piece) } }
            #expect(reply.text == "Plain answer" && reply.generator == "llm")
            #expect(pieces.withLock { $0 } == ["Plain answer"])
            #expect(server.authorization == nil, "no key, no Authorization header")
        }
    }

    @Test(arguments: [
        (FakeLLMServer.Behaviour.status(503), LLMError.http(503)),
        (.garbage, .badReply("an event is not a chat completion")),
        (.errorEvent, .badReply("the service reported an error: model overloaded")),
        (.json(""), .badReply("the reply had no text")),
        (.stream([]), .badReply("the stream had no text")),
        (.huge(1 << 20), .tooLarge),
        (.slow(20), .timeout),
    ])
    func everyFailureIsTyped(behaviour: FakeLLMServer.Behaviour, expected: LLMError) async throws {
        let server = try await FakeLLMServer.scenario(behaviour)
        try await Self.withClient(server.url) { client in
            let started = ContinuousClock.now
            let error = await #expect(throws: LLMError.self) { try await client.complete(Self.request, onDelta: nil) }
            #expect(error == expected)
            // The slow server answers after 20 s; the 10 s timeout (or an error) reports well before.
            #expect(ContinuousClock.now - started < .seconds(15), "a failure is reported within the timeout")
        }
    }

    @Test func aStalledStreamTimesOutAtTheFirstTokenTimeout() async throws {
        let server = try await FakeLLMServer.scenario(.stall(40))
        try await Self.withClient(server.url, timeout: 60, firstTokenTimeout: 1) { client in
            let started = ContinuousClock.now
            let error = await #expect(throws: LLMError.self) { try await client.complete(Self.request, onDelta: nil) }
            #expect(error == .timeout)
            #expect(ContinuousClock.now - started < .seconds(20), "the first-token timeout, not the stall or the total")
        }
    }

    @Test func aClosedPortIsUnreachableAtOnce() async throws {
        // Port 1 (tcpmux) has no listener: the connection is refused. A client that retried the
        // connection would fail only at its timeout (600 s), as `timeout`; this one reports the
        // refusal itself, long before (a bound a tenth of the timeout, which a loaded machine's
        // scheduling delays cannot reach).
        try await Self.withClient("http://127.0.0.1:1/v1", timeout: 600, firstTokenTimeout: 600) { client in
            let started = ContinuousClock.now
            let error = await #expect(throws: LLMError.self) { try await client.complete(Self.request, onDelta: nil) }
            guard case .unreachable(let why) = error else {
                Issue.record("expected unreachable, got \(String(describing: error))")
                return
            }
            #expect(why.lowercased().contains("refused"), "\(why)")
            #expect(ContinuousClock.now - started < .seconds(60), "no retrying until the 600 s timeout")
        }
    }

    @Test func aCallBeyondTheBoundIsBusyAtOnce() async throws {
        let server = try await FakeLLMServer.scenario(.slow(4))
        try await Self.withClient(server.url, timeout: 30, maxConcurrent: 1) { client in
            let first = Task { try await client.complete(Self.request, onDelta: nil) }
            try await server.waitForRequests(1)
            let started = ContinuousClock.now
            await #expect(throws: LLMError.busy) { try await client.complete(Self.request, onDelta: nil) }
            #expect(ContinuousClock.now - started < .seconds(3), "no queue: the first call takes 4 s")
            #expect(try await first.value.text == "late")
            server.set(.stream(["again"]))
            #expect(try await client.complete(Self.request, onDelta: nil).text == "again", "the slot is free again")
            #expect(server.requests == 2, "the busy call never reached the server")
        }
    }

    @Test func aShutDownClientIsUnreachable() async throws {
        let client = OpenAIChatClient(configuration: LLMConfiguration(url: "http://127.0.0.1:1/v1", model: "tiny"))
        try await client.shutdown()
        try await client.shutdown()
        await #expect(throws: LLMError.unreachable("the client was shut down")) { try await client.complete(Self.request, onDelta: nil) }
    }

    @Test func aClientReleasedWithoutShutdownClosesItsPool() async throws {
        let server = try await FakeLLMServer.scenario()
        var client: OpenAIChatClient? = OpenAIChatClient(configuration: LLMConfiguration(url: server.url, model: "tiny"))
        #expect(try await client?.complete(Self.request, onDelta: nil).text == "Hello there")
        // AsyncHTTPClient traps in debug builds when a live client is released; this one is not.
        client = nil
        try await Task.sleep(for: .milliseconds(50))
    }

    @Test func theEndpointIsTheBaseURLPlusChatCompletions() {
        #expect(LLMConfiguration(url: "http://h:8000/v1", model: "m").completionsURL == "http://h:8000/v1/chat/completions")
        #expect(LLMConfiguration(url: "http://h:8000/v1//", model: "m").completionsURL == "http://h:8000/v1/chat/completions")
    }
}
