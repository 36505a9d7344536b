import FuzzSupport
import VoxDocuments

/// The Markdown reader the twins ingest notes with (`MarkdownText.plain`: markup stripped, text
/// kept) on hostile input. It never traps and never makes the text longer (but for a few bytes).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMarkdown(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let markdown = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
    let plain = MarkdownText.plain(markdown)
    precondition(plain.utf8.count <= markdown.utf8.count + 16, "plain text \(plain.utf8.count) bytes from \(markdown.utf8.count)")
    return 0
}
