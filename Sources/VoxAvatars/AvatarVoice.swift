/// A reply of the language model, honest about where it came from.
public struct VoiceReply: Sendable, Equatable {
    /// The text.
    public var text: String
    /// `llm` or `offline`.
    public var generator: String
    /// The LLM's model name, when it answered.
    public var model: String?
    /// Why the offline generator answered instead of a configured LLM (`timeout`, `circuit_open`, ...).
    public var fallbackReason: String?

    /// A reply from its parts.
    public init(text: String, generator: String, model: String? = nil, fallbackReason: String? = nil) {
        self.text = text
        self.generator = generator
        self.model = model
        self.fallbackReason = fallbackReason
    }
}

/// Where avatars' words come from: a language model with the offline composer as fallback.
/// The server plugs in its OpenAI-compatible client; without one, ``OfflineOnlyVoice`` answers.
public protocol AvatarVoice: Sendable {
    /// A reply to `user` given the persona in `system`; `fallback` is the offline line, used
    /// when no model is configured or it fails.
    func reply(system: String, user: String, fallback: String) async -> VoiceReply
    /// Whether a language model is configured (avatars' conversations then go to it, a few at a time).
    var usesLanguageModel: Bool { get }
}

extension AvatarVoice {
    /// No language model unless the voice says so.
    public var usesLanguageModel: Bool { false }
}

/// No language model: every reply is the offline line.
public struct OfflineOnlyVoice: AvatarVoice {
    /// The offline voice.
    public init() {}
    /// The fallback, as is.
    public func reply(system: String, user: String, fallback: String) async -> VoiceReply {
        VoiceReply(text: fallback, generator: "offline")
    }
}
