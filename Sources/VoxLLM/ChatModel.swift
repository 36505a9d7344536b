/// Something that completes chats: the OpenAI-compatible client, the resilient wrapper around it,
/// or a test double.
///
/// Implementations are shared across tasks, so they are `Sendable`; each call owns its own state.
public protocol ChatModel: Sendable {
    /// Completes `request`.
    ///
    /// - Parameter onDelta: called with each piece of the reply's text as it arrives, in order,
    ///   from the task that streams the reply (so it must be quick).
    /// - Returns: the whole reply; its `text` is authoritative.
    func complete(_ request: ChatRequest, onDelta: (@Sendable (String) -> Void)?) async throws -> ChatReply
}

/// One message of a chat.
public struct ChatMessage: Sendable, Codable, Equatable {
    /// Who speaks.
    public enum Role: String, Sendable, Codable {
        /// Instructions to the model.
        case system
        /// The person talking to the model.
        case user
        /// The model.
        case assistant
    }

    /// Who speaks.
    public var role: Role
    /// What is said.
    public var content: String

    /// A message from its parts.
    public init(role: Role, content: String) {
        self.role = role
        self.content = content
    }
}

/// A chat-completion request.
public struct ChatRequest: Sendable {
    /// The conversation so far, oldest first.
    public var messages: [ChatMessage]
    /// Most tokens the reply may have.
    public var maxTokens: Int
    /// Sampling temperature: 0 is deterministic, higher is more varied.
    public var temperature: Double

    /// A request from its parts; the defaults suit a short spoken line.
    public init(messages: [ChatMessage], maxTokens: Int = 120, temperature: Double = 0.8) {
        self.messages = messages
        self.maxTokens = maxTokens
        self.temperature = temperature
    }
}

/// A reply, honest about where it came from.
public struct ChatReply: Sendable, Equatable {
    /// The reply's text.
    public var text: String
    /// `llm` when the language model answered, `offline` when the fallback did.
    public var generator: String
    /// The language model's name when it answered; nil for an offline reply.
    public var model: String?
    /// Why the fallback answered, nil when the language model did: `disabled`, `circuit_open`,
    /// `busy`, `timeout`, `http_NNN` (the status), `bad_reply`, `too_large` or `unreachable`.
    public var fallbackReason: String?

    /// A reply from its parts.
    public init(text: String, generator: String, model: String? = nil, fallbackReason: String? = nil) {
        self.text = text
        self.generator = generator
        self.model = model
        self.fallbackReason = fallbackReason
    }
}
