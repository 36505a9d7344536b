import VoxAvatars
import VoxLLM

/// The avatars' voice in `voxface serve`: the configured OpenAI-compatible model behind a circuit
/// breaker, the offline composer when none is configured or it fails.
struct LLMVoice: AvatarVoice {
    let model: ResilientChatModel
    let configuration: LLMConfiguration?

    init(configuration: LLMConfiguration?) {
        self.configuration = configuration
        model = ResilientChatModel(
            primary: configuration.map { OpenAIChatClient(configuration: $0) }, fallback: { _ in "" },
            failureThreshold: configuration?.failureThreshold ?? 3, cooldown: configuration?.cooldown ?? 30)
    }

    var usesLanguageModel: Bool { configuration != nil }

    func reply(system: String, user: String, fallback: String) async -> VoiceReply {
        let request = ChatRequest(messages: [ChatMessage(role: .system, content: system), ChatMessage(role: .user, content: user)])
        let reply = await model.complete(request, fallbackText: fallback, onDelta: nil)
        return VoiceReply(text: reply.text, generator: reply.generator, model: reply.model, fallbackReason: reply.fallbackReason)
    }
}
