import Testing

@testable import VoxLLM

/// The event-stream parser, fed byte by byte and in odd splits.
@Suite struct ServerSentEventsTests {
    static func chunk(_ text: String) -> String { "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\(text)\"}}]}" }

    /// The pieces of `stream` fed in slices of `size` bytes, and whether [DONE] was seen.
    static func parse(_ stream: String, size: Int) throws(LLMError) -> ([String], Bool) {
        var parser = ServerSentEvents()
        var pieces: [String] = []
        let bytes = Array(stream.utf8)
        for start in stride(from: 0, to: bytes.count, by: size) {
            try parser.feed(bytes[start..<min(start + size, bytes.count)]) { pieces.append($0) }
        }
        try parser.finish { pieces.append($0) }
        return (pieces, parser.done)
    }

    @Test(arguments: [1, 2, 7, 1000])
    func readsPiecesAcrossAnySplit(size: Int) throws {
        let stream =
            ": keep-alive\r\n\r\n" + "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}\r\n\r\n" + Self.chunk("Hel") + "\r\n\r\n"
            + "event: message\nid: 7\n" + Self.chunk("lo") + "\n\n" + Self.chunk(" there") + "\r\rdata: [DONE]\n\n" + Self.chunk("after")
            + "\n\n"
        let (pieces, done) = try Self.parse(stream, size: size)
        #expect(pieces == ["Hel", "lo", " there"] && done)
    }

    @Test func joinsTheDataLinesOfOneEventAndReadsACutOffEnd() throws {
        let stream = "data: {\"choices\":\ndata: [{\"delta\":{\"content\":\"A\"}}]}\n\n" + Self.chunk("B")
        let (pieces, done) = try Self.parse(stream, size: 3)
        #expect(pieces == ["A", "B"] && !done)
    }

    @Test func rejectsGarbageAndErrors() {
        #expect(throws: LLMError.badReply("an event is not a chat completion")) { try Self.parse("data: {not json\n\n", size: 4) }
        #expect(throws: LLMError.badReply("an event is not a chat completion")) { try Self.parse("data: {not json", size: 4) }
        #expect(throws: LLMError.badReply("the service reported an error: busy")) {
            try Self.parse("data: {\"error\":\"busy\"}\n\n", size: 4)
        }
    }
}
