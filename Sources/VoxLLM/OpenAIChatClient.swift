import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Synchronization

/// A client of an OpenAI-compatible chat-completions service (`POST {url}/chat/completions`),
/// streamed as server-sent events or answered as one JSON completion, over AsyncHTTPClient.
///
/// Every call is bounded: a first-token timeout, a total timeout, a reply size, and at most
/// ``LLMConfiguration/maxConcurrent`` calls in flight (one more fails at once with
/// ``LLMError/busy``, so callers fall back instead of queueing). Every failure is an ``LLMError``.
///
/// Thread-safe: one client serves any number of tasks. It owns a connection pool; call
/// ``shutdown()`` when done with it (a client released without it shuts its pool down in the
/// background).
public final class OpenAIChatClient: ChatModel {
    /// Where and how it calls.
    public let configuration: LLMConfiguration
    /// The connection pool (AsyncHTTPClient stays out of the public API).
    let http: HTTPClient
    /// Calls in flight.
    private let inFlight = Mutex(0)
    private let isShutDown = Atomic(false)

    /// A client with its own connection pool on the process-wide event loops.
    public init(configuration: LLMConfiguration) {
        precondition(configuration.maxConcurrent >= 1, "maxConcurrent must be at least 1")
        precondition(configuration.timeout > 0 && configuration.firstTokenTimeout > 0, "timeouts must be positive")
        precondition(configuration.maxReplyBytes > 0, "maxReplyBytes must be positive")
        self.configuration = configuration
        var settings = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: LLMConfiguration.timeAmount(min(configuration.firstTokenTimeout, configuration.timeout)), read: nil),
            connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: configuration.maxConcurrent),
            decompression: .disabled)
        // The default retries a failed connection until the connect timeout. Here a refused
        // connection fails the call at once: the caller has a fallback, and the circuit breaker
        // (not a retry loop) decides when to try the service again.
        settings.connectionPool.retryConnectionEstablishment = false
        http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: settings)
    }

    deinit {
        // AsyncHTTPClient traps (in debug builds) when a client is released before it is shut
        // down; the task keeps the pool alive until it is.
        guard !isShutDown.load(ordering: .acquiring) else { return }
        let http = self.http
        Task { try? await http.shutdown() }
    }

    /// Closes the connection pool; calls in flight fail, later ones fail as unreachable.
    public func shutdown() async throws {
        guard !isShutDown.exchange(true, ordering: .acquiringAndReleasing) else { return }
        try await http.shutdown()
    }

    /// Sends `request` and returns the language model's reply (generator `llm`).
    /// - Parameter onDelta: called with each streamed piece of text (once with the whole text for
    ///   a plain JSON reply).
    /// - Throws: ``LLMError``, always.
    public func complete(_ request: ChatRequest, onDelta: (@Sendable (String) -> Void)?) async throws -> ChatReply {
        guard !isShutDown.load(ordering: .acquiring) else { throw LLMError.unreachable("the client was shut down") }
        let maxConcurrent = configuration.maxConcurrent
        let acquired = inFlight.withLock { count in
            guard count < maxConcurrent else { return false }
            count += 1
            return true
        }
        guard acquired else { throw LLMError.busy }
        defer { inFlight.withLock { $0 -= 1 } }

        let started = ContinuousClock.now
        let progress = Progress()
        let outcome: Outcome
        do {
            outcome = try await withThrowingTaskGroup(of: Outcome.self) { group in
                group.addTask { try await self.exchange(request, progress: progress, onDelta: onDelta) }
                group.addTask {
                    try await self.watch(progress, since: started)
                    return .timedOut
                }
                // Whichever finishes first decides; the other is cancelled (AsyncHTTPClient then
                // cancels the request and closes its connection).
                defer { group.cancelAll() }
                guard let first = try await group.next() else { throw LLMError.timeout }
                return first
            }
        } catch let error as LLMError {
            throw error
        } catch is CancellationError {
            throw LLMError.unreachable("the call was cancelled")
        } catch {
            throw Self.transportError(error)
        }
        switch outcome {
        case .timedOut: throw LLMError.timeout
        case .text(let text): return ChatReply(text: text, generator: "llm", model: configuration.model)
        }
    }

    /// How a call ended, when it did not throw.
    enum Outcome: Sendable {
        case text(String)
        case timedOut
    }

    /// Whether the first piece of text (or a plain reply's head) has arrived; set by the
    /// exchange, read by the watchdog.
    final class Progress: Sendable {
        private let flag = Atomic(false)
        func markStarted() { flag.store(true, ordering: .releasing) }
        var started: Bool { flag.load(ordering: .acquiring) }
    }

    /// Returns when the call has run out of time: no first token by the first-token timeout, or
    /// the total timeout reached.
    private func watch(_ progress: Progress, since started: ContinuousClock.Instant) async throws {
        let total = Duration.seconds(configuration.timeout)
        let firstToken = min(Duration.seconds(configuration.firstTokenTimeout), total)
        try await Task.sleep(until: started + firstToken, clock: .continuous)
        guard progress.started else { return }
        try await Task.sleep(until: started + total, clock: .continuous)
    }
}
