import FuzzSupport
import VoxDocuments

/// The HTML reader the twins ingest web pages with (`HTMLText.extract`: title and visible text,
/// scripts and styles dropped, entities decoded) on hostile markup. It never traps, and its text
/// is never longer than a bounded multiple of the input (entities expand by at most a few bytes).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTMLText(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let html = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
    let page = HTMLText.extract(html)
    let bound = 4 * html.utf8.count + 16
    precondition(page.text.utf8.count <= bound, "text \(page.text.utf8.count) bytes from \(html.utf8.count)")
    precondition((page.title?.utf8.count ?? 0) <= bound)
    return 0
}
