/// How to reach an OpenAI-compatible chat-completions service and how far to trust it.
public struct LLMConfiguration: Sendable {
    /// Base URL (`http://127.0.0.1:8000/v1`); requests go to `url + "/chat/completions"`.
    public var url: String
    /// Model name sent with each request.
    public var model: String
    /// Bearer key (from `VOXFACE_LLM_API_KEY`), if the service needs one.
    public var apiKey: String?
    /// Seconds a whole request may take, streamed body included.
    public var timeout: Double
    /// Requests in flight at most; more fail at once as `busy` (and fall back).
    public var maxConcurrent: Int
    /// Largest reply accepted, bytes.
    public var maxReplyBytes: Int
    /// Consecutive failures that open the circuit breaker.
    public var failureThreshold: Int
    /// Seconds the breaker stays open before a trial request.
    public var cooldown: Double

    /// A configuration with the defaults: 20 s, 4 at once, 64 KiB, 3 failures, 30 s cooldown.
    public init(
        url: String, model: String, apiKey: String? = nil, timeout: Double = 20, maxConcurrent: Int = 4,
        maxReplyBytes: Int = 64 << 10, failureThreshold: Int = 3, cooldown: Double = 30
    ) {
        self.url = url
        self.model = model
        self.apiKey = apiKey
        self.timeout = timeout
        self.maxConcurrent = maxConcurrent
        self.maxReplyBytes = maxReplyBytes
        self.failureThreshold = failureThreshold
        self.cooldown = cooldown
    }
}
