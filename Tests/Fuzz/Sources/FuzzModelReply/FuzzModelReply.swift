import FuzzSupport
import VoxTwins

@testable import VoxLLM

/// What a language-model server sends back, read as the twins read it: the streamed reply's
/// server-sent events (the type is internal: the fuzz build passes `-enable-testing`), the
/// relations asked of it (`ModelExtraction.parse`) and a recommendation's `## VOTE:` line.
/// The first byte picks where the stream is cut and how many facts were asked. Bytes arriving in
/// pieces give the same text and the same refusal as in one piece; every relation names a fact
/// that was asked about, with two different ends.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModelReply(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let body = UnsafeBufferPointer(start: data + 1, count: size - 1)
    let cut = Int(data[0] & 0x1F) + 1
    let whole = read(body, piece: max(1, body.count))
    let pieces = read(body, piece: cut)
    precondition(whole == pieces, "split at \(cut): \(pieces) against \(whole)")

    let text = String(decoding: body, as: UTF8.self)
    let asked = Int(data[0] >> 5)  // 0...7 facts
    for (fact, relation) in ModelExtraction.parse(text, factCount: asked, userName: "Maya Chen") {
        precondition((0..<asked).contains(fact), "fact \(fact) of \(asked)")
        precondition(relation.subject.lowercased() != relation.object.lowercased(), "a relation to itself")
    }
    _ = Recommender.parseVote(text)
    return 0
}

/// The text pieces a stream of `bytes` gives when it arrives `piece` bytes at a time, joined, or
/// the refusal.
private func read(_ bytes: UnsafeBufferPointer<UInt8>, piece: Int) -> String {
    var parser = ServerSentEvents()
    var text = ""
    do {
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + piece)
            try parser.feed(bytes[start..<end]) { text += $0 }
            start = end
        }
        try parser.finish { text += $0 }
    } catch {
        return "refused: \(error)"
    }
    return text
}
