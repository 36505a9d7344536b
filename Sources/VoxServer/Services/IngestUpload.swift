import Foundation
import Hummingbird
import NIOCore
import VoxTwins

/// What `POST /v1/twins/{user}/ingest` submits, read from one of three forms:
/// - JSON: `{"kind": "chat", "messages": [...]}` (the generic chat log), `{"kind": "chat",
///   "export": {...}}` (a Telegram or Discord export), `{"kind": "text"|"markdown"|"html",
///   "text": "..."}`, `{"kind": "calendar", "ics": "...", "from": T, "to": T}`, each with an
///   optional `filename`;
/// - `multipart/form-data` with a `file` part (and optional `kind`, `from`, `to` parts);
/// - any other body as the file itself, its kind from `?kind=`, else `?filename=`, the
///   Content-Type and its first bytes.
struct IngestUpload {
    var kind: IngestKind
    var payload: [UInt8]
    var filename: String?
    var window: ClosedRange<Double>?

    static func read(_ request: Request, limit: Int) async throws -> IngestUpload {
        // Room for the JSON or multipart wrapping of a file at the limit.
        let body = try await RequestBody.collect(request, limit: limit + (64 << 10))
        let bytes = Array(body.readableBytesView)
        guard !bytes.isEmpty else { throw APIError(.badRequest, "empty_body", "the request body must be a file or a JSON ingestion") }
        let type = request.headers[.contentType] ?? ""
        let query = request.uri.queryParameters
        if type.lowercased().hasPrefix("application/json") { return try json(bytes, limit: limit) }
        if let boundary = Multipart.boundary(type) { return try multipart(bytes, boundary: boundary, limit: limit) }
        guard bytes.count <= limit else { throw TwinInputError.tooLarge(what: "bytes", limit: limit) }
        let filename = query.get("filename")
        let kind = try kind(query.get("kind"), filename: filename, contentType: type, bytes: bytes)
        return IngestUpload(kind: kind, payload: bytes, filename: filename, window: try window(query.get("from"), query.get("to")))
    }

    static func kind(_ asked: String?, filename: String?, contentType: String?, bytes: [UInt8]) throws(APIError) -> IngestKind {
        if let asked {
            guard let k = IngestKind(rawValue: asked) else {
                throw APIError(
                    .badRequest, "bad_kind", "kind must be one of \(IngestKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return k
        }
        guard let k = IngestKind.detect(filename: filename, contentType: contentType, bytes: bytes) else {
            throw APIError(
                .unsupportedMediaType, "unsupported",
                "cannot tell what the file is: give ?kind= (text, markdown, pdf, html, chat, calendar) or a file name with its extension")
        }
        return k
    }

    static func window(_ from: String?, _ to: String?) throws(APIError) -> ClosedRange<Double>? {
        guard from != nil || to != nil else { return nil }
        guard let f = from.flatMap(TimeValue.parse), let t = to.flatMap(TimeValue.parse), f <= t, t - f <= 20 * 365 * 86_400 else {
            throw APIError(
                .badRequest, "bad_window", "from and to must both be times (ISO 8601 or Unix seconds), from <= to, at most 20 years apart")
        }
        return f...t
    }

    static func multipart(_ bytes: [UInt8], boundary: String, limit: Int) throws -> IngestUpload {
        let parts: [Multipart.Part]
        do { parts = try Multipart.parts(bytes, boundary: boundary) } catch {
            throw APIError(.badRequest, "bad_multipart", error.reason)
        }
        guard let file = parts.first(where: { $0.name == "file" }) else {
            throw APIError(.badRequest, "bad_multipart", "the form has no 'file' part")
        }
        guard file.body.count <= limit else { throw TwinInputError.tooLarge(what: "bytes", limit: limit) }
        func field(_ name: String) -> String? { parts.first { $0.name == name }.map { String(decoding: $0.body, as: UTF8.self) } }
        let kind = try kind(field("kind"), filename: file.filename, contentType: file.contentType, bytes: file.body)
        return IngestUpload(kind: kind, payload: file.body, filename: file.filename, window: try window(field("from"), field("to")))
    }

    static func json(_ bytes: [UInt8], limit: Int) throws -> IngestUpload {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw APIError(.badRequest, "bad_json", "the body is not a JSON object")
        }
        guard let kindText = object["kind"] as? String else { throw APIError(.badRequest, "bad_ingest", "missing field 'kind'") }
        let kind = try kind(kindText, filename: nil, contentType: nil, bytes: [])
        let filename = object["filename"] as? String
        func text(_ key: String) throws(APIError) -> [UInt8] {
            guard let t = object[key] as? String else {
                throw APIError(.badRequest, "bad_ingest", "'\(key)' (a string) is required for kind \(kindText)")
            }
            return Array(t.utf8)
        }
        let payload: [UInt8]
        switch kind {
        case .chat:
            // Re-encoded with sorted keys, so the same log always hashes the same.
            guard let content = object["messages"] ?? object["export"], JSONSerialization.isValidJSONObject(content) else {
                throw APIError(
                    .badRequest, "bad_ingest", "a chat needs 'messages' (the generic log) or 'export' (a Telegram or Discord export)")
            }
            payload = Array(try JSONSerialization.data(withJSONObject: content, options: [.sortedKeys]))
        case .calendar: payload = try text("ics")
        case .pdf: throw APIError(.badRequest, "bad_ingest", "send a PDF as a file (multipart or the raw body), not in JSON")
        case .text, .markdown, .html: payload = try text("text")
        }
        guard payload.count <= limit else { throw TwinInputError.tooLarge(what: "bytes", limit: limit) }
        let window = try window(Self.timeText(object["from"]), Self.timeText(object["to"]))
        return IngestUpload(kind: kind, payload: payload, filename: filename, window: window)
    }

    static func timeText(_ value: Any?) -> String? {
        if let s = value as? String { return s }
        if let n = value as? Double { return String(n) }
        if let n = value as? Int { return String(n) }
        return nil
    }
}
