/// Counters of a ``ResilientChatModel`` since it was made.
public struct LLMStats: Sendable, Equatable {
    /// Calls made.
    public var requests = 0
    /// Calls the language model answered.
    public var llmReplies = 0
    /// Calls the offline fallback answered, for any reason.
    public var fallbacks = 0
    /// Language-model calls that timed out.
    public var timeouts = 0
    /// Language-model calls that failed otherwise (HTTP status, bad or too large reply,
    /// unreachable), not counting ``busy``.
    public var errors = 0
    /// Calls refused because every concurrent slot was taken.
    public var busy = 0
    /// Times the circuit breaker opened.
    public var breakerOpens = 0

    /// All zero.
    public init() {}
}
