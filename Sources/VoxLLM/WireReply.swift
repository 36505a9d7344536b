import FoundationEssentials

/// The body of a chat-completion request, as OpenAI's API spells it.
struct WireRequest: Encodable {
    var model: String
    var messages: [ChatMessage]
    var maxTokens: Int
    var temperature: Double
    var stream: Bool

    enum CodingKeys: String, CodingKey {
        case model, messages, temperature, stream
        case maxTokens = "max_tokens"
    }
}

/// A chat completion (`choices[0].message.content`) or one streamed chunk of it
/// (`choices[0].delta.content`), or the service's error (`{"error": {"message": …}}`). Only the
/// fields read are declared; the rest are ignored.
struct WireReply: Decodable {
    struct Choice: Decodable {
        struct Text: Decodable { var content: String? }
        var delta: Text?
        var message: Text?
    }

    /// The service's error: an object with a message, or (some servers) a bare string.
    struct Failure: Decodable {
        var message: String

        private enum CodingKeys: String, CodingKey { case message }

        init(from decoder: any Decoder) throws {
            if let text = try? decoder.singleValueContainer().decode(String.self) {
                message = text
            } else {
                message = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(String.self, forKey: .message) ?? "no message"
            }
        }
    }

    var choices: [Choice]?
    var error: Failure?

    /// Decodes `bytes` (JSON), which `what` names in errors.
    /// - Throws: ``LLMError/badReply(_:)`` when `bytes` are not a reply or carry an error.
    static func decode(_ bytes: some Sequence<UInt8>, what: String) throws(LLMError) -> WireReply {
        let reply: WireReply
        do { reply = try JSONDecoder().decode(WireReply.self, from: Data(bytes)) } catch {
            throw .badReply("\(what) is not a chat completion")
        }
        if let failure = reply.error { throw .badReply("the service reported an error: \(failure.message.prefix(200))") }
        return reply
    }
}
