import Synchronization
import Testing

@testable import VoxLLM

/// The real client against a real (small, in-test) OpenAI-compatible server over loopback.
@Suite(.serialized) struct ChatClientTests {
    static let request = ChatRequest(messages: [ChatMessage(role: .user, content: "hi")])

    func client(_ port: Int, timeout: Double = 0.5, maxConcurrent: Int = 4, maxReply: Int = 64 << 10) -> OpenAIChatClient {
        OpenAIChatClient(
            configuration: LLMConfiguration(
                url: "http://127.0.0.1:\(port)/v1/", model: "tiny", apiKey: "sekret", timeout: timeout, maxConcurrent: maxConcurrent,
                maxReplyBytes: maxReply))
    }

    @Test func streamsAndAssemblesTheReply() async throws {
        let server = try await FakeLLMServer()
        let llm = client(server.port)
        let pieces = Mutex<[String]>([])
        let reply = try await llm.complete(Self.request) { piece in pieces.withLock { $0.append(piece) } }
        #expect(reply == ChatReply(text: "Hello there", generator: "llm", model: "tiny"))
        #expect(pieces.withLock { $0 } == ["Hel", "lo", " there"])
        #expect(server.authorization.withLock { $0 } == "Bearer sekret")
        server.set(.json("Plain answer"))
        #expect(try await llm.complete(Self.request, onDelta: nil).text == "Plain answer")
        await server.stop()
    }

    @Test func everyFailureFallsBackWithItsReason() async throws {
        let server = try await FakeLLMServer()
        let llm = client(server.port, maxReply: 4096)
        let cases: [(FakeLLMServer.Behaviour, String)] = [
            (.slow(3), "timeout"), (.status(503), "http_503"), (.garbage, "bad_reply"), (.huge(10_000), "too_large"),
            (.json(""), "bad_reply"),
        ]
        for (behaviour, reason) in cases {
            server.set(behaviour)
            let model = ResilientChatModel(primary: llm, fallback: { _ in "offline line" }, failureThreshold: 10)
            let started = ContinuousClock.now
            let reply = await model.complete(Self.request, onDelta: nil)
            #expect(reply == ChatReply(text: "offline line", generator: "offline", fallbackReason: reason), "\(behaviour)")
            #expect(ContinuousClock.now - started < .seconds(2.5), "\(behaviour) took too long")
        }
        let unreachable = ResilientChatModel(primary: client(1), fallback: { _ in "offline" })
        let refused = await unreachable.complete(Self.request, onDelta: nil)
        #expect(refused.fallbackReason == "unreachable", "\(refused)")
        let disabled = ResilientChatModel(primary: nil, fallback: { _ in "offline" })
        #expect(await disabled.complete(Self.request, onDelta: nil).fallbackReason == "disabled")
        await server.stop()
    }

    @Test func theBreakerStopsCallingAFailingServiceThenTriesAgain() async throws {
        let server = try await FakeLLMServer()
        let llm = client(server.port)
        let now = Mutex(100.0)
        let model = ResilientChatModel(
            primary: llm, fallback: { _ in "offline" }, failureThreshold: 3, cooldown: 30, clock: { now.withLock { $0 } })
        server.set(.status(503))
        for _ in 0..<3 { #expect(await model.complete(Self.request, onDelta: nil).fallbackReason == "http_503") }
        #expect(server.requests.load(ordering: .relaxed) == 3)
        #expect(await model.complete(Self.request, onDelta: nil).fallbackReason == "circuit_open")
        #expect(server.requests.load(ordering: .relaxed) == 3, "an open breaker must not call the service")
        now.withLock { $0 += 31 }
        server.set(.stream(["back"]))
        let trial = await model.complete(Self.request, onDelta: nil)
        #expect(trial.generator == "llm" && trial.text == "back")
        #expect(server.requests.load(ordering: .relaxed) == 4)
        #expect(model.breaker == .closed)
        #expect(model.stats.breakerOpens == 1 && model.stats.fallbacks == 4 && model.stats.llmReplies == 1)
        await server.stop()
    }

    @Test func concurrencyIsBoundedWithoutAQueue() async throws {
        let server = try await FakeLLMServer()
        server.set(.slow(0.4))
        let llm = client(server.port, timeout: 2, maxConcurrent: 1)
        let first = Task { try await llm.complete(Self.request, onDelta: nil) }
        try await Task.sleep(for: .milliseconds(100))
        await #expect(throws: LLMError.busy) { _ = try await llm.complete(Self.request, onDelta: nil) }
        #expect(try await first.value.text == "late")
        await server.stop()
    }
}

@Suite struct CircuitBreakerTests {
    @Test func opensAfterTheThresholdAndHalfOpensAfterTheCooldown() {
        var breaker = CircuitBreaker(threshold: 2, cooldown: 10)
        let allowed0 = breaker.allow(now: 0)
        #expect(allowed0)
        breaker.record(success: false, now: 0)
        #expect(breaker.state == .closed)
        breaker.record(success: false, now: 1)
        #expect(breaker.state == .open(until: 11))
        let allowed5 = breaker.allow(now: 5)
        #expect(!allowed5)
        let allowed11 = breaker.allow(now: 11)
        #expect(allowed11)
        #expect(breaker.state == .halfOpen)
        let allowedHalfway = breaker.allow(now: 11.5)
        #expect(!allowedHalfway, "only one trial at a time")
        breaker.record(success: false, now: 12)
        #expect(breaker.state == .open(until: 22) && breaker.opened == 2)
        let allowed22 = breaker.allow(now: 22)
        #expect(allowed22)
        breaker.record(success: true, now: 22)
        #expect(breaker.state == .closed && breaker.failures == 0)
    }

    @Test func serverSentEventsParseAcrossChunks() throws {
        var parser = ServerSentEvents()
        let text =
            "data: {\"choices\":[{\"delta\":{\"content\":\"A\"}}]}\r\n\r\n: comment\ndata: {\"choices\":[{\"delta\":{}}]}\n"
            + "data: {\"choices\":[{\"delta\":{\"content\":\"B\"}}]}\ndata: [DONE]\n"
        var pieces: [String] = []
        for byte in Array(text.utf8) { pieces += try parser.feed([byte]) }
        #expect(pieces == ["A", "B"] && parser.done)
        var bad = ServerSentEvents()
        #expect(throws: LLMError.self) { _ = try bad.feed(Array("data: [1,2\n".utf8)) }
    }
}
