import Foundation
import VoxDocuments

/// The body of `POST /v1/twins/{user}/ingest` as the server reads it (`IngestRequest.parse`): the
/// first byte picks the form (JSON, `multipart/form-data` with boundary `XyZ`, or a raw file with
/// or without `?kind=`), the rest is the body, read against a 4 KiB file limit. A refusal is one
/// short line with a code; an accepted request keeps the limit and a valid window, and a JSON chat
/// re-encodes to the same payload when read again.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIngestRequest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let limit = 4096
    let body = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let form = data[0] % 4
    let type = ["application/json", "multipart/form-data; boundary=XyZ", "application/octet-stream", ""][Int(form)]
    let query = form == 3 ? IngestRequest.Query(kind: "calendar", filename: "a.ics", from: "2026-01-01", to: "2026-02-01") : .init()
    let request: IngestRequest
    do { request = try IngestRequest.parse(body, contentType: type, query: query, limit: limit) } catch {
        precondition(!error.code.isEmpty && !error.message.isEmpty, "empty refusal")
        precondition(!error.message.contains("\n") && error.message.utf8.count <= 200, "refusal '\(error.message)'")
        return 0
    }
    precondition(request.payload.count <= limit, "payload of \(request.payload.count) bytes over the limit")
    if let w = request.window {
        precondition(w.lowerBound.isFinite && w.upperBound - w.lowerBound <= IngestRequest.maxWindowSeconds, "window \(w)")
    }
    if form == 1 {
        precondition(request.payload.count < body.count, "a part is not smaller than its body")
    }
    if form == 0 && request.kind == .chat {
        // Reading the accepted chat again as `messages` gives the same bytes (the hash is stable).
        let again = Array(#"{"kind":"chat","messages":"#.utf8) + request.payload + Array("}".utf8)
        if let second = try? IngestRequest.parse(again, contentType: type, limit: limit * 2) {
            precondition(second.payload == request.payload, "a chat's payload changes when read again")
        }
    }
    return 0
}
