import Testing
import VoxMedia

/// The audio WebSocket's message rules (Protocols/websocket.md) without a socket: every kind of
/// message in every state.
@Suite struct WebSocketIngestMessagesTests {
    typealias Step = WebSocketIngestMessages.Step

    static func declared(_ text: String) -> WebSocketIngestMessages {
        var messages = WebSocketIngestMessages()
        _ = messages.text(text)
        return messages
    }

    @Test(arguments: [
        (#"{"format": "opus"}"#, Step.declared(.opus)),
        (#"{"format": "opus", "sample_rate": 16000}"#, .declared(.opus)),
        (#"{"format": "pcm16", "sample_rate": 16000}"#, .declared(.pcm16(rate: 16000))),
        (#"{"format": "pcm16", "sample_rate": 8000}"#, .declared(.pcm16(rate: 8000))),
        (#"{"format": "pcm16", "sample_rate": 192000}"#, .declared(.pcm16(rate: 192_000))),
    ])
    func goodDeclarations(text: String, step: Step) {
        var messages = WebSocketIngestMessages()
        #expect(messages.text(text) == step)
        #expect(messages.format != nil && !messages.closed)
    }

    @Test(arguments: [
        "{format: opus", #"{"format": "mp3"}"#, #"{"format": "pcm16"}"#, #"{"format": "pcm16", "sample_rate": 7999}"#,
        #"{"format": "pcm16", "sample_rate": 192001}"#, #"{"format": "pcm16", "sample_rate": "16000"}"#, "", "[]", "null",
        #"{"type": "end"}"#,
    ])
    func badDeclarationsClose1003(text: String) {
        var messages = WebSocketIngestMessages()
        guard case .refuse(let code, _, let metric) = messages.text(text) else {
            Issue.record("accepted \(text)")
            return
        }
        #expect(code == 1003 && metric == "bad_format")
        #expect(messages.closed && messages.format == nil)
    }

    @Test func binaryBeforeTheDeclarationCloses1003() {
        var messages = WebSocketIngestMessages()
        #expect(messages.binary(count: 3) == .refuse(code: 1003, reason: "the first message must declare the format", metric: "bad_format"))
    }

    @Test func opusMessagesUpTo4000Bytes() {
        var messages = Self.declared(#"{"format": "opus"}"#)
        #expect(messages.binary(count: 1) == .audio)
        #expect(messages.binary(count: 3) == .audio)  // Opus packets may be odd
        #expect(messages.binary(count: 4000) == .audio)
        guard case .refuse(1009, _, "too_big") = messages.binary(count: 4001) else {
            Issue.record("4001 bytes accepted")
            return
        }
    }

    @Test func pcmMessagesArePositiveEvenAndUpTo65536Bytes() {
        var messages = Self.declared(#"{"format": "pcm16", "sample_rate": 16000}"#)
        #expect(messages.binary(count: 2) == .audio)
        #expect(messages.binary(count: 65536) == .audio)
        for (count, code) in [(3, 1007), (0, 1007), (65538, 1009)] {
            var fresh = Self.declared(#"{"format": "pcm16", "sample_rate": 16000}"#)
            guard case .refuse(let got, _, _) = fresh.binary(count: count) else {
                Issue.record("\(count) bytes accepted")
                continue
            }
            #expect(got == code, "\(count) bytes")
        }
    }

    @Test func endThenAudioIsRefused1008() {
        var messages = Self.declared(#"{"format": "opus"}"#)
        #expect(messages.binary(count: 10) == .audio)
        #expect(messages.text(#"{"type": "end"}"#) == .end)
        #expect(messages.text(#"{"type":"end"}"#) == .end)  // a second end changes nothing
        #expect(messages.binary(count: 10) == .refuse(code: 1008, reason: "audio after end", metric: "after_end"))
    }

    @Test(arguments: [#"{"type": "stop"}"#, "end", #"{"format": "opus"}"#, "{"])
    func otherTextAfterTheDeclarationCloses1003(text: String) {
        var messages = Self.declared(#"{"format": "opus"}"#)
        guard case .refuse(1003, _, "bad_format") = messages.text(text) else {
            Issue.record("accepted \(text)")
            return
        }
    }

    @Test func afterARefusalEverythingIsRefused() {
        var messages = Self.declared(#"{"format": "opus"}"#)
        _ = messages.binary(count: 5000)
        #expect(messages.closed)
        for step in [messages.binary(count: 10), messages.text(#"{"type": "end"}"#)] {
            guard case .refuse = step else {
                Issue.record("\(step) after a refusal")
                return
            }
        }
    }

    @Test func pcm16ConvertsLittleEndianSignedSamples() {
        let bytes: [UInt8] = [0x00, 0x00, 0xFF, 0x7F, 0x00, 0x80, 0xFF, 0xFF, 0x00, 0x40]
        var out = [Float](repeating: 9, count: 4)
        bytes.withUnsafeBytes { raw in out.withUnsafeMutableBufferPointer { PCM16.convert(raw, first: 1, count: 4, into: $0) } }
        #expect(out == [32767 / 32768, -1, -1 / 32768, 0.5])
    }
}
