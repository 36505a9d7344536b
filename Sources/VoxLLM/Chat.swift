/// One message of a chat completion.
public struct ChatMessage: Sendable, Codable, Equatable {
    /// Who speaks.
    public enum Role: String, Sendable, Codable {
        /// Instructions.
        case system
        /// The person.
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
    /// The conversation so far.
    public var messages: [ChatMessage]
    /// Most tokens in the reply.
    public var maxTokens: Int
    /// Sampling temperature.
    public var temperature: Double

    /// A request from its parts.
    public init(messages: [ChatMessage], maxTokens: Int = 120, temperature: Double = 0.8) {
        self.messages = messages
        self.maxTokens = maxTokens
        self.temperature = temperature
    }
}

/// A reply, honest about where it came from.
public struct ChatReply: Sendable, Equatable {
    /// The text.
    public var text: String
    /// `llm` when the language model answered, `offline` when the fallback did.
    public var generator: String
    /// The model's name, when it answered.
    public var model: String?
    /// Why the fallback answered: `disabled`, `circuit_open`, `busy`, `timeout`, `http_NNN`,
    /// `bad_reply`, `too_large`, `unreachable`; nil when the model answered.
    public var fallbackReason: String?

    /// A reply from its parts.
    public init(text: String, generator: String, model: String? = nil, fallbackReason: String? = nil) {
        self.text = text
        self.generator = generator
        self.model = model
        self.fallbackReason = fallbackReason
    }
}

/// Why a language-model call failed.
public enum LLMError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No complete reply within the timeout.
    case timeout
    /// The service answered with an HTTP error status.
    case http(Int)
    /// The reply was not a chat completion (malformed JSON or SSE, no content).
    case badReply(String)
    /// The service could not be reached.
    case unreachable(String)
    /// Every concurrent slot was taken (no queue: the caller falls back at once).
    case busy
    /// The reply was over the size bound.
    case tooLarge

    /// The fallback reason this error maps to.
    public var reason: String {
        switch self {
        case .timeout: "timeout"
        case .http(let status): "http_\(status)"
        case .badReply: "bad_reply"
        case .unreachable: "unreachable"
        case .busy: "busy"
        case .tooLarge: "too_large"
        }
    }

    /// One line.
    public var description: String {
        switch self {
        case .timeout: "the language model did not answer in time"
        case .http(let status): "the language model answered HTTP \(status)"
        case .badReply(let why): "the language model's reply was not understood: \(why)"
        case .unreachable(let why): "the language model is unreachable: \(why)"
        case .busy: "too many language-model calls are running"
        case .tooLarge: "the language model's reply was too large"
        }
    }
}

/// Something that completes chats.
public protocol ChatModel: Sendable {
    /// Completes `request`; `onDelta` gets each piece of text as it streams in.
    func complete(_ request: ChatRequest, onDelta: (@Sendable (String) -> Void)?) async throws -> ChatReply
}
