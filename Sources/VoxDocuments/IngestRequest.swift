import Foundation

/// What `POST /v1/twins/{user}/ingest` submits, read from one of three forms (plain logic over
/// the body's bytes; the server only collects the body and maps ``IngestRequestError`` to HTTP):
/// - JSON (`Content-Type: application/json`): `{"kind": "chat", "messages": [...]}` (the generic
///   chat log), `{"kind": "chat", "export": {...}}` (a Telegram or Discord export),
///   `{"kind": "text"|"markdown"|"html", "text": "..."}`, `{"kind": "calendar", "ics": "...",
///   "from": T, "to": T}`, each with an optional `filename`;
/// - `multipart/form-data` with a `file` part (and optional `kind`, `from`, `to` parts);
/// - any other body as the file itself, its kind from `?kind=`, else `?filename=`, the
///   Content-Type and its first bytes.
public struct IngestRequest: Equatable, Sendable {
    /// What the payload is.
    public var kind: IngestKind
    /// The file's bytes (for a JSON chat, the messages or export re-encoded with sorted keys, so
    /// that the same log always hashes the same).
    public var payload: [UInt8]
    /// The name it was sent under, if any.
    public var filename: String?
    /// For a calendar: the window to expand recurring events in (Unix seconds).
    public var window: ClosedRange<Double>?

    /// The request's query parameters that matter here.
    public struct Query: Equatable, Sendable {
        /// `?kind=`.
        public var kind: String?
        /// `?filename=`.
        public var filename: String?
        /// `?from=`.
        public var from: String?
        /// `?to=`.
        public var to: String?

        /// The parameters, each optional.
        public init(kind: String? = nil, filename: String? = nil, from: String? = nil, to: String? = nil) {
            self.kind = kind
            self.filename = filename
            self.from = from
            self.to = to
        }
    }

    /// The widest calendar window: 20 years.
    public static let maxWindowSeconds = 20.0 * 365 * 86_400
    /// Room for the JSON or multipart wrapping of a file at the limit: the body may exceed the
    /// file limit by this much.
    public static let wrappingAllowance = 64 << 10

    /// Reads a body of `contentType` with `query`; a payload above `limit` bytes is refused.
    public static func parse(_ bytes: [UInt8], contentType: String, query: Query = Query(), limit: Int) throws(IngestRequestError)
        -> IngestRequest
    {
        guard !bytes.isEmpty else { throw .badRequest("empty_body", "the request body must be a file or a JSON ingestion") }
        if contentType.lowercased().hasPrefix("application/json") { return try json(bytes, limit: limit) }
        if let boundary = Multipart.boundary(contentType) { return try multipart(bytes, boundary: boundary, limit: limit) }
        guard bytes.count <= limit else { throw .tooLarge(limit) }
        let kind = try kind(query.kind, filename: query.filename, contentType: contentType, bytes: bytes)
        return IngestRequest(kind: kind, payload: bytes, filename: query.filename, window: try window(query.from, query.to))
    }

    /// The kind asked for, else the one detected from the name, type and first bytes.
    static func kind(_ asked: String?, filename: String?, contentType: String?, bytes: [UInt8]) throws(IngestRequestError) -> IngestKind {
        if let asked {
            guard let k = IngestKind(rawValue: asked) else {
                throw .badRequest("bad_kind", "kind must be one of \(IngestKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return k
        }
        guard let k = IngestKind.detect(filename: filename, contentType: contentType, bytes: bytes) else {
            throw IngestRequestError(
                status: .unsupportedMediaType, code: "unsupported",
                message:
                    "cannot tell what the file is: give ?kind= (text, markdown, pdf, html, chat, calendar) or a file name with its extension"
            )
        }
        return k
    }

    /// The calendar window from `from` and `to` (both or neither).
    static func window(_ from: String?, _ to: String?) throws(IngestRequestError) -> ClosedRange<Double>? {
        guard from != nil || to != nil else { return nil }
        guard let f = from.flatMap(TimeValue.parse), let t = to.flatMap(TimeValue.parse), f <= t, t - f <= maxWindowSeconds else {
            throw .badRequest("bad_window", "from and to must both be times (ISO 8601 or Unix seconds), from <= to, at most 20 years apart")
        }
        return f...t
    }

    static func multipart(_ bytes: [UInt8], boundary: String, limit: Int) throws(IngestRequestError) -> IngestRequest {
        let parts: [Multipart.Part]
        do { parts = try Multipart.parts(bytes, boundary: boundary) } catch { throw .badRequest("bad_multipart", error.reason) }
        guard let file = parts.first(where: { $0.name == "file" }) else {
            throw .badRequest("bad_multipart", "the form has no 'file' part")
        }
        guard file.body.count <= limit else { throw .tooLarge(limit) }
        func field(_ name: String) -> String? { parts.first { $0.name == name }.map { String(decoding: $0.body, as: UTF8.self) } }
        let kind = try kind(field("kind"), filename: file.filename, contentType: file.contentType, bytes: file.body)
        return IngestRequest(kind: kind, payload: file.body, filename: file.filename, window: try window(field("from"), field("to")))
    }

    static func json(_ bytes: [UInt8], limit: Int) throws(IngestRequestError) -> IngestRequest {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw .badRequest("bad_json", "the body is not a JSON object")
        }
        guard let kindText = object["kind"] as? String else { throw .badRequest("bad_ingest", "missing field 'kind'") }
        let kind = try kind(kindText, filename: nil, contentType: nil, bytes: [])
        func text(_ key: String) throws(IngestRequestError) -> [UInt8] {
            guard let t = object[key] as? String else {
                throw .badRequest("bad_ingest", "'\(key)' (a string) is required for kind \(kind.rawValue)")
            }
            return Array(t.utf8)
        }
        let payload: [UInt8]
        switch kind {
        case .chat:
            guard let content = object["messages"] ?? object["export"], JSONSerialization.isValidJSONObject(content),
                let data = try? JSONSerialization.data(withJSONObject: content, options: [.sortedKeys])
            else {
                throw .badRequest("bad_ingest", "a chat needs 'messages' (the generic log) or 'export' (a Telegram or Discord export)")
            }
            payload = Array(data)
        case .calendar: payload = try text("ics")
        case .pdf: throw .badRequest("bad_ingest", "send a PDF as a file (multipart or the raw body), not in JSON")
        case .text, .markdown, .html: payload = try text("text")
        }
        guard payload.count <= limit else { throw .tooLarge(limit) }
        let window = try window(timeText(object["from"]), timeText(object["to"]))
        return IngestRequest(kind: kind, payload: payload, filename: object["filename"] as? String, window: window)
    }

    static func timeText(_ value: Any?) -> String? {
        if let s = value as? String { return s }
        if let n = value as? Double { return String(n) }
        if let n = value as? Int { return String(n) }
        return nil
    }
}

/// Why an ingestion request was refused: the HTTP status class, a stable code and a one-line
/// message (the server answers it as its JSON error).
public struct IngestRequestError: Error, Equatable, Sendable {
    /// Which refusal.
    public enum Status: Sendable {
        /// 400.
        case badRequest
        /// 413.
        case contentTooLarge
        /// 415.
        case unsupportedMediaType
    }
    /// The status.
    public var status: Status
    /// The error code (`bad_json`, `bad_multipart`, `too_large`, ...).
    public var code: String
    /// What is wrong.
    public var message: String

    /// A refusal.
    public init(status: Status, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    static func badRequest(_ code: String, _ message: String) -> IngestRequestError {
        IngestRequestError(status: .badRequest, code: code, message: message)
    }

    static func tooLarge(_ limit: Int) -> IngestRequestError {
        IngestRequestError(status: .contentTooLarge, code: "too_large", message: "more than \(limit) bytes")
    }
}

/// A time in a request: ISO 8601 (`2026-03-01`, `2026-03-01T10:00:00Z`) or Unix seconds.
public enum TimeValue {
    /// The time in Unix seconds, nil when `text` is neither form.
    public static func parse(_ text: String) -> Double? {
        guard text.utf8.count <= 64 else { return nil }
        if let t = Double(text), t.isFinite { return t }
        if let d = try? Date(text, strategy: .iso8601) { return d.timeIntervalSince1970 }
        if let d = try? Date(text + "T00:00:00Z", strategy: .iso8601) { return d.timeIntervalSince1970 }
        return nil
    }
}
