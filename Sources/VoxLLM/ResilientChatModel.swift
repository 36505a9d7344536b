import Synchronization

/// A chat model that always answers: the language model when one is configured and healthy,
/// else the caller's offline fallback, with the reason (``ChatReply/fallbackReason``).
///
/// A ``CircuitBreaker`` stops calling a failing service for a cooldown. The primary model bounds
/// its own time (``OpenAIChatClient`` does). Thread-safe: the breaker and the counters are behind
/// one lock, never held across a call.
public final class ResilientChatModel: ChatModel {
    private let primary: (any ChatModel)?
    private let fallback: @Sendable (ChatRequest) -> String
    private let clock: @Sendable () -> Double
    private let state: Mutex<(breaker: CircuitBreaker, stats: LLMStats)>

    /// A model over `primary` (nil: every reply is offline, reason `disabled`), with the breaker
    /// settings of `configuration` (nil: 3 failures, 30 s cooldown).
    /// - Parameters:
    ///   - fallback: composes the offline reply.
    ///   - clock: seconds on a monotonic clock; tests inject their own.
    public convenience init(
        primary: (any ChatModel)?, fallback: @escaping @Sendable (ChatRequest) -> String, configuration: LLMConfiguration?,
        clock: @escaping @Sendable () -> Double = ResilientChatModel.monotonicSeconds
    ) {
        self.init(
            primary: primary, fallback: fallback, failureThreshold: configuration?.failureThreshold ?? 3,
            cooldown: configuration?.cooldown ?? 30, clock: clock)
    }

    /// A model over `primary` (nil: every reply is offline, reason `disabled`) whose breaker opens
    /// after `failureThreshold` consecutive failures for `cooldown` seconds.
    /// - Parameters:
    ///   - fallback: composes the offline reply.
    ///   - clock: seconds on a monotonic clock; tests inject their own.
    public init(
        primary: (any ChatModel)?, fallback: @escaping @Sendable (ChatRequest) -> String, failureThreshold: Int = 3, cooldown: Double = 30,
        clock: @escaping @Sendable () -> Double = ResilientChatModel.monotonicSeconds
    ) {
        self.primary = primary
        self.fallback = fallback
        self.clock = clock
        state = Mutex((CircuitBreaker(failureThreshold: failureThreshold, cooldown: cooldown), LLMStats()))
    }

    /// The counters now.
    public var stats: LLMStats { state.withLock { $0.stats } }

    /// The breaker's state now.
    public var breaker: CircuitBreaker.State { state.withLock { $0.breaker.state } }

    /// Answers `request`; never throws.
    /// - Parameter onDelta: gets the language model's pieces as they stream; for an offline
    ///   reply, the whole offline text as one piece, unless the language model had already sent
    ///   pieces before failing (the returned reply's text is authoritative either way).
    public func complete(_ request: ChatRequest, onDelta: (@Sendable (String) -> Void)?) async -> ChatReply {
        await complete(request, fallbackText: nil, onDelta: onDelta)
    }

    /// Answers `request` like ``complete(_:onDelta:)``, with `fallbackText` (when not nil) as the
    /// offline reply instead of the fallback closure's.
    public func complete(_ request: ChatRequest, fallbackText: String?, onDelta: (@Sendable (String) -> Void)?) async -> ChatReply {
        switch await attempt(request, onDelta: onDelta) {
        case .answered(let reply): return reply
        case .failed(let reason, let streamed): return offline(request, fallbackText, reason: reason, onDelta: streamed ? nil : onDelta)
        }
    }

    /// Answers `request` like ``complete(_:fallbackText:onDelta:)``, with the offline reply made
    /// by `fallback` only when it is needed (the language model is off, failed or refused).
    public func complete(
        _ request: ChatRequest, fallback: @Sendable () async -> String, onDelta: (@Sendable (String) -> Void)?
    ) async -> ChatReply {
        switch await attempt(request, onDelta: onDelta) {
        case .answered(let reply): return reply
        case .failed(let reason, let streamed):
            return offline(request, await fallback(), reason: reason, onDelta: streamed ? nil : onDelta)
        }
    }

    private enum Attempt {
        case answered(ChatReply)
        /// Why (the reply's `fallbackReason`), and whether the primary had streamed pieces.
        case failed(String, streamed: Bool)
    }

    /// One try of the primary through the breaker.
    private func attempt(_ request: ChatRequest, onDelta: (@Sendable (String) -> Void)?) async -> Attempt {
        let now = clock()
        let (allowed, trial) = state.withLock { state -> (Bool, Bool) in
            state.stats.requests += 1
            // No primary: the breaker is never asked, so it never holds a trial slot.
            guard primary != nil else { return (false, false) }
            return (state.breaker.allow(now: now), state.breaker.state == .halfOpen)
        }
        guard let primary else { return .failed("disabled", streamed: false) }
        guard allowed else { return .failed("circuit_open", streamed: false) }

        let streamed = Streamed()
        var forward: (@Sendable (String) -> Void)?
        if let onDelta {
            forward = { piece in
                streamed.mark()
                onDelta(piece)
            }
        }
        let failure: LLMError
        do {
            let reply = try await primary.complete(request, onDelta: forward)
            let now = clock()
            state.withLock { state in
                state.breaker.record(success: true, now: now)
                state.stats.llmReplies += 1
            }
            return .answered(reply)
        } catch let error as LLMError {
            failure = error
        } catch {
            failure = .unreachable(String(String(describing: error).prefix(200)))
        }
        let then = clock()
        state.withLock { state in
            switch failure {
            case .busy:
                // Our own bound, not the service failing: the breaker does not count it. A
                // half-open trial that found no slot never reached the service: it is given back.
                state.stats.busy += 1
                if trial { state.breaker.cancelTrial() }
            default:
                if failure == .timeout { state.stats.timeouts += 1 } else { state.stats.errors += 1 }
                let opens = state.breaker.opens
                state.breaker.record(success: false, now: then)
                state.stats.breakerOpens += state.breaker.opens - opens
            }
        }
        return .failed(failure.fallbackReason, streamed: streamed.any)
    }

    private func offline(_ request: ChatRequest, _ text: String?, reason: String, onDelta: (@Sendable (String) -> Void)?) -> ChatReply {
        state.withLock { $0.stats.fallbacks += 1 }
        let text = text ?? fallback(request)
        onDelta?(text)
        return ChatReply(text: text, generator: "offline", fallbackReason: reason)
    }

    /// Whether the primary streamed any piece.
    private final class Streamed: Sendable {
        private let flag = Atomic(false)
        func mark() { flag.store(true, ordering: .relaxed) }
        var any: Bool { flag.load(ordering: .relaxed) }
    }

    /// Seconds on the continuous (monotonic) clock since the first call in this process.
    public static func monotonicSeconds() -> Double {
        let (seconds, attoseconds) = (ContinuousClock.now - origin).components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }

    private static let origin = ContinuousClock.now
}
