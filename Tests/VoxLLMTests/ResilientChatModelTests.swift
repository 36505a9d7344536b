import Synchronization
import Testing

@testable import VoxLLM

/// The resilient model over the real client and the in-test server; the breaker's clock is
/// injected, so cooldowns pass instantly.
@Suite struct ResilientChatModelTests {
    static let request = ChatRequest(messages: [ChatMessage(role: .user, content: "hi")])

    /// `timeout` is both the total and the first-token deadline: these tests share the machine
    /// with CPU-heavy suites, and a deadline shorter than a stall would turn any outcome into a timeout.
    static func configuration(_ url: String, timeout: Double = 10) -> LLMConfiguration {
        LLMConfiguration(url: url, model: "tiny", timeout: timeout, firstTokenTimeout: timeout, failureThreshold: 3, cooldown: 30)
    }

    @Test(arguments: [
        (FakeLLMServer.Behaviour.slow(20), "timeout"),
        (.status(503), "http_503"),
        (.garbage, "bad_reply"),
        (.huge(1 << 20), "too_large"),
    ])
    func aFailureFallsBackWithItsReason(behaviour: FakeLLMServer.Behaviour, reason: String) async throws {
        let server = try await FakeLLMServer.scenario(behaviour)
        let client = OpenAIChatClient(configuration: Self.configuration(server.url))
        let model = ResilientChatModel(primary: client, fallback: { _ in "offline line" }, configuration: client.configuration)
        let started = ContinuousClock.now
        let reply = await model.complete(Self.request, onDelta: nil)
        #expect(ContinuousClock.now - started < .seconds(15), "well under the slow server's 20 s")
        #expect(reply == ChatReply(text: "offline line", generator: "offline", fallbackReason: reason))
        var expected = LLMStats()
        expected.requests = 1
        expected.fallbacks = 1
        if reason == "timeout" { expected.timeouts = 1 } else { expected.errors = 1 }
        #expect(model.stats == expected)
        try await client.shutdown()
    }

    @Test func anUnreachableOrMissingModelFallsBack() async throws {
        let client = OpenAIChatClient(configuration: Self.configuration("http://127.0.0.1:1/v1", timeout: 60))
        let unreachable = ResilientChatModel(primary: client, fallback: { _ in "offline" }, configuration: client.configuration)
        #expect(await unreachable.complete(Self.request, onDelta: nil).fallbackReason == "unreachable")
        try await client.shutdown()

        let disabled = ResilientChatModel(primary: nil, fallback: { _ in "offline" }, configuration: nil)
        let pieces = Mutex<[String]>([])
        let reply = await disabled.complete(Self.request) { piece in pieces.withLock { $0.append(piece) } }
        #expect(reply == ChatReply(text: "offline", generator: "offline", fallbackReason: "disabled"))
        #expect(pieces.withLock { $0 } == ["offline"], "a streaming caller gets the offline text too")
        #expect(await disabled.complete(Self.request, fallbackText: "given", onDelta: nil).text == "given")
        #expect(disabled.breaker == .closed && disabled.stats.fallbacks == 2)
    }

    @Test func theModelsPiecesStreamThrough() async throws {
        let server = try await FakeLLMServer.scenario()
        let client = OpenAIChatClient(configuration: Self.configuration(server.url))
        let model = ResilientChatModel(primary: client, fallback: { _ in "offline" }, configuration: client.configuration)
        let pieces = Mutex<[String]>([])
        let reply = await model.complete(Self.request) { piece in pieces.withLock { $0.append(piece) } }
        #expect(reply == ChatReply(text: "Hello there", generator: "llm", model: "tiny"))
        #expect(pieces.withLock { $0 } == ["Hel", "lo", " there"])
        #expect(model.stats.llmReplies == 1 && model.stats.fallbacks == 0)
        try await client.shutdown()
    }

    /// A lazy fallback is made only when the offline reply is needed.
    @Test func aLazyFallbackIsMadeOnlyWhenNeeded() async throws {
        let made = Mutex(0)
        let fallback: @Sendable () async -> String = {
            made.withLock { $0 += 1 }
            return "made offline"
        }
        let server = try await FakeLLMServer.scenario()
        let client = OpenAIChatClient(configuration: Self.configuration(server.url))
        let model = ResilientChatModel(primary: client, fallback: { _ in "offline" }, configuration: client.configuration)
        #expect(await model.complete(Self.request, fallback: fallback, onDelta: nil).generator == "llm")
        #expect(made.withLock { $0 } == 0, "the model answered: no fallback made")
        try await client.shutdown()

        let failing = try await FakeLLMServer.scenario(.status(503))
        let failingClient = OpenAIChatClient(configuration: Self.configuration(failing.url))
        let broken = ResilientChatModel(primary: failingClient, fallback: { _ in "offline" }, configuration: failingClient.configuration)
        let pieces = Mutex<[String]>([])
        let reply = await broken.complete(Self.request, fallback: fallback) { piece in pieces.withLock { $0.append(piece) } }
        #expect(reply == ChatReply(text: "made offline", generator: "offline", fallbackReason: "http_503"))
        #expect(pieces.withLock { $0 } == ["made offline"])
        #expect(made.withLock { $0 } == 1)
        try await failingClient.shutdown()

        let disabled = ResilientChatModel(primary: nil, fallback: { _ in "offline" }, configuration: nil)
        #expect(await disabled.complete(Self.request, fallback: fallback, onDelta: nil).fallbackReason == "disabled")
        #expect(made.withLock { $0 } == 2)
    }

    @Test func anOpenBreakerSparesTheServiceUntilTheCooldownIsOver() async throws {
        let server = try await FakeLLMServer.scenario(.status(503))
        let client = OpenAIChatClient(configuration: Self.configuration(server.url))
        let now = Mutex(1000.0)
        let model = ResilientChatModel(
            primary: client, fallback: { _ in "offline" }, configuration: client.configuration, clock: { now.withLock { $0 } })
        for _ in 0..<3 { #expect(await model.complete(Self.request, onDelta: nil).fallbackReason == "http_503") }
        #expect(server.requests == 3 && model.breaker == .open)
        #expect(await model.complete(Self.request, onDelta: nil).fallbackReason == "circuit_open")
        #expect(server.requests == 3, "an open breaker does not call the service")

        // The cooldown passes; the one trial fails: open again, for another cooldown.
        now.withLock { $0 += 30 }
        #expect(await model.complete(Self.request, onDelta: nil).fallbackReason == "http_503")
        #expect(server.requests == 4 && model.breaker == .open)
        #expect(await model.complete(Self.request, onDelta: nil).fallbackReason == "circuit_open")
        #expect(server.requests == 4)

        // The next trial succeeds: closed.
        now.withLock { $0 += 30 }
        server.set(.stream(["back"]))
        let trial = await model.complete(Self.request, onDelta: nil)
        #expect(trial.generator == "llm" && trial.text == "back")
        #expect(server.requests == 5 && model.breaker == .closed)
        var expected = LLMStats()
        (expected.requests, expected.llmReplies, expected.fallbacks, expected.errors, expected.breakerOpens) = (7, 1, 6, 4, 2)
        #expect(model.stats == expected)
        try await client.shutdown()
    }

    @Test func busyDoesNotTripTheBreakerAndGivesBackTheTrial() async {
        let now = Mutex(0.0)
        let primary = ScriptedModel([.busy, .busy, .busy, .http(500), .http(500), .http(500), .busy])
        let model = ResilientChatModel(primary: primary, fallback: { _ in "offline" }, configuration: nil, clock: { now.withLock { $0 } })
        for _ in 0..<3 { #expect(await model.complete(Self.request, onDelta: nil).fallbackReason == "busy") }
        #expect(model.breaker == .closed && model.stats.busy == 3)
        for _ in 0..<3 { _ = await model.complete(Self.request, onDelta: nil) }
        #expect(model.breaker == .open)
        now.withLock { $0 += 30 }
        #expect(await model.complete(Self.request, onDelta: nil).fallbackReason == "busy")
        #expect(model.breaker == .open && model.stats.breakerOpens == 1, "a busy trial is given back, not counted")
        let reply = await model.complete(Self.request, onDelta: nil)
        #expect(reply.generator == "llm", "the next call is the trial")
        #expect(model.breaker == .closed)
    }
}

/// A primary that fails with the given errors in turn, then answers "ok". Not a stand-in for
/// the HTTP client: it drives the resilient model through sequences a real service cannot
/// produce on cue (the client's own busy bound during a trial).
private final class ScriptedModel: ChatModel {
    private let script: Mutex<[LLMError]>

    init(_ script: [LLMError]) { self.script = Mutex(script) }

    func complete(_ request: ChatRequest, onDelta: (@Sendable (String) -> Void)?) async throws -> ChatReply {
        if let error = script.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) { throw error }
        return ChatReply(text: "ok", generator: "llm", model: "scripted")
    }
}
