import NIOCore

/// How to reach an OpenAI-compatible chat-completions service, and how far to trust it.
public struct LLMConfiguration: Sendable {
    /// Base URL, such as `http://127.0.0.1:8000/v1`; requests go to `url + "/chat/completions"`.
    public var url: String
    /// Model name sent with each request.
    public var model: String
    /// Bearer key (`Authorization: Bearer …`), if the service needs one.
    public var apiKey: String?
    /// Seconds a whole request may take, the streamed reply included.
    public var timeout: Double
    /// Seconds until the first piece of text of a streamed reply (or the head of a plain JSON
    /// reply) arrives: a stalled model is given up on long before ``timeout``.
    public var firstTokenTimeout: Double
    /// Requests in flight at most; one more fails at once with ``LLMError/busy`` (no queue).
    public var maxConcurrent: Int
    /// Largest reply body accepted, bytes.
    public var maxReplyBytes: Int
    /// Consecutive failures that open the circuit breaker.
    public var failureThreshold: Int
    /// Seconds the open breaker waits before letting one trial request through.
    public var cooldown: Double

    /// A configuration; the defaults are 20 s per request, 8 s to the first token, 4 requests at
    /// once, 64 KiB per reply, and a breaker that opens after 3 failures for 30 s.
    public init(
        url: String, model: String, apiKey: String? = nil, timeout: Double = 20, firstTokenTimeout: Double = 8, maxConcurrent: Int = 4,
        maxReplyBytes: Int = 64 << 10, failureThreshold: Int = 3, cooldown: Double = 30
    ) {
        self.url = url
        self.model = model
        self.apiKey = apiKey
        self.timeout = timeout
        self.firstTokenTimeout = firstTokenTimeout
        self.maxConcurrent = maxConcurrent
        self.maxReplyBytes = maxReplyBytes
        self.failureThreshold = failureThreshold
        self.cooldown = cooldown
    }

    /// The chat-completions endpoint: ``url`` without trailing slashes, then `/chat/completions`.
    var completionsURL: String {
        var base = Substring(url)
        while base.hasSuffix("/") { base = base.dropLast() }
        return base + "/chat/completions"
    }

    /// `seconds` as a NIO time amount, capped at a day (so no setting can overflow it).
    static func timeAmount(_ seconds: Double) -> TimeAmount {
        .nanoseconds(Int64(min(max(seconds, 0), 86_400) * 1e9))
    }
}
