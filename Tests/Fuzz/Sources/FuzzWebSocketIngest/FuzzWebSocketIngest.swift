import FuzzSupport
import VoxMedia

/// The audio WebSocket as a client drives it: the input is a sequence of messages, each
/// `[kind][length hi][length lo][payload]` (kind bit 0: text, else binary), checked by
/// `WebSocketIngestMessages` (the server's own rules) and, when accepted as audio, decoded the
/// way the stream decodes it: Opus packets through `OpusDecoder`, PCM16 through `PCM16.convert`.
/// Checks the rules' invariants: a declaration only first, audio only within the declared
/// format's limits and before `end`, nothing accepted after a refusal.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWebSocketIngest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    var rules = WebSocketIngestMessages()
    var decoder: OpusDecoder?
    let pcm = UnsafeMutableBufferPointer<Float>.allocate(capacity: 5760)
    defer { pcm.deallocate() }
    var refused = false
    var messages = 0
    while messages < 64, let kind = input.byte(), let high = input.byte(), let low = input.byte() {
        messages += 1
        let payload = input.slice(Int(high) << 8 | Int(low))
        let wasDeclared = rules.format != nil
        let wasEnded = rules.ended
        let step: WebSocketIngestMessages.Step
        if kind & 1 == 1 {
            step = rules.text(String(decoding: payload, as: UTF8.self))
        } else {
            step = rules.binary(count: payload.count)
        }
        switch step {
        case .refuse(let code, _, _):
            precondition([1003, 1007, 1008, 1009].contains(code), "close code \(code)")
            precondition(rules.closed)
            refused = true
        case .declared(let format):
            precondition(!refused && !wasDeclared && kind & 1 == 1, "a second or binary declaration")
            if format == .opus { decoder = try? OpusDecoder() }
        case .end:
            precondition(!refused && wasDeclared && kind & 1 == 1)
        case .audio:
            precondition(!refused && wasDeclared && !wasEnded && kind & 1 == 0, "audio out of order")
            switch rules.format {
            case .opus?:
                precondition(payload.count <= WebSocketIngestMessages.maxOpusMessage)
                guard let decoder else { preconditionFailure("opus_decoder_create failed") }
                if let written = try? decoder.decode(payload, into: pcm) { precondition(written >= 0 && written <= pcm.count) }
            case .pcm16?:
                precondition(payload.count % 2 == 0 && payload.count > 0 && payload.count <= WebSocketIngestMessages.maxPCMMessage)
                var done = 0
                while done < payload.count / 2 {
                    let n = min(pcm.count, payload.count / 2 - done)
                    PCM16.convert(payload, first: done, count: n, into: pcm)
                    for i in 0..<n { precondition(pcm[i] >= -1 && pcm[i] < 1) }
                    done += n
                }
            case nil:
                preconditionFailure("audio without a format")
            }
        }
    }
    return 0
}
