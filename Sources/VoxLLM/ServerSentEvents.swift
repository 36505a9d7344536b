import FoundationEssentials

/// An incremental parser of an OpenAI-style streamed chat completion (server-sent events): lines
/// `data: {json}` with `choices[0].delta.content`, ended by `data: [DONE]`. Feed it bytes as they
/// arrive; it returns the text pieces found. A plain value: no I/O.
struct ServerSentEvents {
    /// Longest line accepted, bytes.
    static let maxLine = 256 << 10
    private var line: [UInt8] = []
    /// `data: [DONE]` was seen.
    private(set) var done = false

    private struct Chunk: Decodable {
        struct Choice: Decodable {
            struct Delta: Decodable { var content: String? }
            var delta: Delta?
        }
        var choices: [Choice]
    }

    /// The text pieces in `bytes`.
    mutating func feed(_ bytes: some Sequence<UInt8>) throws(LLMError) -> [String] {
        var pieces: [String] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                if let piece = try take() { pieces.append(piece) }
            } else if byte != UInt8(ascii: "\r") {
                guard line.count < Self.maxLine else { throw .badReply("an event line over \(Self.maxLine) bytes") }
                line.append(byte)
            }
        }
        return pieces
    }

    /// Ends the stream: a last line without a newline is parsed.
    mutating func finish() throws(LLMError) -> String? { try take() }

    private mutating func take() throws(LLMError) -> String? {
        defer { line.removeAll(keepingCapacity: true) }
        guard !done, line.starts(with: Array("data:".utf8)) else { return nil }
        var payload = line.dropFirst(5)
        while payload.first == UInt8(ascii: " ") { payload = payload.dropFirst() }
        if payload.elementsEqual("[DONE]".utf8) {
            done = true
            return nil
        }
        guard let chunk = try? JSONDecoder().decode(Chunk.self, from: Data(payload)) else {
            throw .badReply("an event is not a chat-completion chunk")
        }
        return chunk.choices.first?.delta?.content
    }
}
