import FuzzSupport
import VoxDocuments
import VoxTwins

/// The twins' text pipeline after a reader has done its work: a document's text (chunking to 2k
/// tokens with byte ranges, date and heading marks, first-person facts, the offline extractor's
/// entities and relations) and a chat log made of the same bytes (windows, the user's style
/// profile, senders as people). Hostile text never traps. Chunks and sentences keep the
/// chunker's promises: byte ranges increasing and disjoint, on character boundaries (each holds
/// exactly its text's bytes), and no chunk over the 2,000-token limit.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTwinText(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
    let distiller = Distiller(userNames: ["Maya Chen", "maya"])
    _ = distiller.document(text, ingestion: "ing_fuzz", time: 1_700_000_000)
    let bytes = Array(text.utf8)
    for (name, pieces) in [("chunk", Chunker.chunks(text, target: 120, limit: 2000)), ("sentence", Chunker.sentences(text))] {
        var end = 0
        for piece in pieces {
            let range = piece.bytes
            precondition(
                range.lowerBound >= end && range.upperBound <= bytes.count, "\(name) range \(range) after \(end) of \(bytes.count)")
            precondition(Array(piece.text.utf8) == Array(bytes[range]), "\(name) \(range) is not its own text")
            precondition(piece.tokens <= 2000 || name == "sentence", "\(name) of \(piece.tokens) tokens")
            end = range.upperBound
        }
    }
    // Lines as messages: "sender: text", alternating with the user.
    var messages: [ChatLogMessage] = []
    for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).prefix(64).enumerated() {
        let parts = line.split(separator: ":", maxSplits: 1)
        let sender = i % 2 == 0 ? "maya" : String(parts.first ?? "")
        messages.append(ChatLogMessage(index: i, sender: sender, time: Double(i) * 60, text: String(parts.last ?? line)))
    }
    _ = distiller.chat(ChatLog(format: "generic", title: nil, messages: messages), ingestion: "ing_fuzz")
    return 0
}
