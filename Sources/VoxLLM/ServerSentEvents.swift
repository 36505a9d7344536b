/// An incremental parser of a streamed OpenAI chat completion: server-sent events whose `data`
/// is a chunk (`{"choices":[{"delta":{"content":"Hel"}}]}`), ended by `data: [DONE]`.
///
/// Feed it bytes as they arrive, split anywhere; it hands over each piece of text found. Lines
/// end in LF, CRLF or CR; an event ends at a blank line; `data` lines of one event are joined with
/// LF; comments (`: keep-alive`) and other fields (`event`, `id`, `retry`) are skipped.
/// ref: https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
///
/// A plain value with no I/O; one per reply.
struct ServerSentEvents {
    /// `data: [DONE]` was seen: the reply is complete and later bytes are ignored.
    private(set) var done = false
    /// The line being read (without its end).
    private var line: [UInt8] = []
    /// The current event's data so far.
    private var data: [UInt8] = []
    /// The current event has a `data` field (possibly empty).
    private var hasData = false
    /// The last byte was CR, so an LF right after it ends nothing more.
    private var afterCR = false

    /// Parses `bytes`, calling `emit` with each non-empty piece of text, in order.
    /// - Throws: ``LLMError/badReply(_:)`` for an event that is not a chat-completion chunk, or
    ///   one that carries the service's error.
    mutating func feed(_ bytes: some Sequence<UInt8>, emit: (String) -> Void) throws(LLMError) {
        for byte in bytes where !done {
            switch byte {
            case UInt8(ascii: "\n") where afterCR:
                afterCR = false
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                afterCR = byte == UInt8(ascii: "\r")
                try endLine(emit: emit)
            default:
                afterCR = false
                line.append(byte)
            }
        }
    }

    /// Ends the stream: a last line or event cut off without its blank line is still read (the
    /// spec drops it; a lenient reader loses no text).
    mutating func finish(emit: (String) -> Void) throws(LLMError) {
        guard !done else { return }
        if !line.isEmpty { try endLine(emit: emit) }
        try dispatch(emit: emit)
    }

    private mutating func endLine(emit: (String) -> Void) throws(LLMError) {
        defer { line.removeAll(keepingCapacity: true) }
        guard let first = line.first else { return try dispatch(emit: emit) }
        guard first != UInt8(ascii: ":") else { return }
        let colon = line.firstIndex(of: UInt8(ascii: ":")) ?? line.endIndex
        guard line[..<colon].elementsEqual("data".utf8) else { return }
        var value = line[colon...].dropFirst()
        if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        if hasData { data.append(UInt8(ascii: "\n")) }
        data.append(contentsOf: value)
        hasData = true
    }

    private mutating func dispatch(emit: (String) -> Void) throws(LLMError) {
        guard hasData else { return }
        defer {
            data.removeAll(keepingCapacity: true)
            hasData = false
        }
        if data.elementsEqual("[DONE]".utf8) {
            done = true
            return
        }
        let chunk = try WireReply.decode(data, what: "an event")
        if let piece = chunk.choices?.first?.delta?.content, !piece.isEmpty { emit(piece) }
    }
}
