/// Why a language-model call failed. Every failure of ``OpenAIChatClient`` is one of these.
public enum LLMError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The reply did not start (first token) or did not end (whole request) in time.
    case timeout
    /// The service answered with this HTTP status outside 200–299.
    case http(Int)
    /// The reply was not a chat completion (malformed JSON or event stream, an error object, or no
    /// text at all); the associated string says what was wrong.
    case badReply(String)
    /// The service could not be reached (bad URL, refused or failed connection, connection lost);
    /// the associated string says how.
    case unreachable(String)
    /// Every concurrent slot was taken: the call was refused at once rather than queued.
    case busy
    /// The reply was bigger than ``LLMConfiguration/maxReplyBytes``.
    case tooLarge

    /// The ``ChatReply/fallbackReason`` this failure maps to (`timeout`, `http_503`, `bad_reply`,
    /// `unreachable`, `busy`, `too_large`).
    public var fallbackReason: String {
        switch self {
        case .timeout: "timeout"
        case .http(let status): "http_\(status)"
        case .badReply: "bad_reply"
        case .unreachable: "unreachable"
        case .busy: "busy"
        case .tooLarge: "too_large"
        }
    }

    /// One line for a log or a person.
    public var description: String {
        switch self {
        case .timeout: "the language model did not answer in time"
        case .http(let status): "the language model answered HTTP \(status)"
        case .badReply(let why): "the language model's reply was not understood: \(why)"
        case .unreachable(let why): "the language model is unreachable: \(why)"
        case .busy: "too many language-model calls are in flight"
        case .tooLarge: "the language model's reply was too large"
        }
    }
}
