import Synchronization

/// Counters of a ``ResilientChatModel``.
public struct LLMStats: Sendable, Equatable {
    /// Calls made.
    public var requests = 0
    /// Calls the language model answered.
    public var llmReplies = 0
    /// Calls answered by the fallback.
    public var fallbacks = 0
    /// Language-model calls that timed out.
    public var timeouts = 0
    /// Language-model calls that failed otherwise.
    public var errors = 0
    /// Times the circuit breaker opened.
    public var breakerOpens = 0
}

/// A chat model that always answers: the language model when it is configured, reachable and
/// healthy, else the caller's offline fallback (with the reason). A circuit breaker stops
/// calling a failing service for a cooldown.
public final class ResilientChatModel: ChatModel {
    private let primary: (any ChatModel)?
    private let fallback: @Sendable (ChatRequest) -> String
    private let clock: @Sendable () -> Double
    private let state: Mutex<(breaker: CircuitBreaker, stats: LLMStats)>

    /// `primary` nil: every reply is the fallback's (`disabled`).
    public init(
        primary: (any ChatModel)?, fallback: @escaping @Sendable (ChatRequest) -> String, failureThreshold: Int = 3,
        cooldown: Double = 30, clock: @escaping @Sendable () -> Double = ResilientChatModel.monotonicSeconds
    ) {
        self.primary = primary
        self.fallback = fallback
        self.clock = clock
        state = Mutex((CircuitBreaker(threshold: failureThreshold, cooldown: cooldown), LLMStats()))
    }

    /// The counters now.
    public var stats: LLMStats { state.withLock { $0.stats } }
    /// The breaker's state now.
    public var breaker: CircuitBreaker.State { state.withLock { $0.breaker.state } }

    /// Answers `request`; never throws.
    public func complete(_ request: ChatRequest, onDelta: (@Sendable (String) -> Void)?) async -> ChatReply {
        await complete(request, fallbackText: nil, onDelta: onDelta)
    }

    /// Answers `request`, with `fallbackText` (when given) as the offline answer; never throws.
    public func complete(_ request: ChatRequest, fallbackText: String?, onDelta: (@Sendable (String) -> Void)?) async -> ChatReply {
        let now = clock()
        let allowed = state.withLock { s -> Bool in
            s.stats.requests += 1
            return s.breaker.allow(now: now)
        }
        guard let primary else { return offline(request, fallbackText, reason: "disabled", onDelta: onDelta) }
        guard allowed else { return offline(request, fallbackText, reason: "circuit_open", onDelta: onDelta) }
        do {
            let reply = try await primary.complete(request, onDelta: onDelta)
            state.withLock { s in
                s.breaker.record(success: true, now: clock())
                s.stats.llmReplies += 1
            }
            return reply
        } catch {
            let failure = error as? LLMError ?? .unreachable("\(error)")
            state.withLock { s in
                // Busy is our own bound, not the service failing: it does not trip the breaker.
                if failure != .busy {
                    let before = s.breaker.opened
                    s.breaker.record(success: false, now: clock())
                    s.stats.breakerOpens += s.breaker.opened - before
                }
                if failure == .timeout { s.stats.timeouts += 1 } else { s.stats.errors += 1 }
            }
            return offline(request, fallbackText, reason: failure.reason, onDelta: onDelta)
        }
    }

    private func offline(_ request: ChatRequest, _ text: String?, reason: String, onDelta: (@Sendable (String) -> Void)?) -> ChatReply {
        state.withLock { $0.stats.fallbacks += 1 }
        let text = text ?? fallback(request)
        onDelta?(text)
        return ChatReply(text: text, generator: "offline", fallbackReason: reason)
    }

    /// Seconds on a monotonic clock (since the first call in the process).
    public static func monotonicSeconds() -> Double {
        let (seconds, attoseconds) = (ContinuousClock.now - origin).components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    private static let origin = ContinuousClock.now
}
