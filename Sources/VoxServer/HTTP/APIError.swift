public import HTTPTypes
public import Hummingbird
import NIOCore
public import VoxDocuments
public import VoxSettings
import VoxStore

/// A client error of the control API: an HTTP status and a JSON body
/// `{"error": {"code": "...", "message": "..."}}`.
public struct APIError: Error, Sendable, Equatable, HTTPResponseError {
    /// The HTTP status.
    public var status: HTTPResponse.Status
    /// A stable snake_case code for programs.
    public var code: String
    /// One line for people.
    public var message: String

    /// An error from its parts.
    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    /// The JSON error response.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = "{\"error\":{\"code\":\(JSONText.quote(code)),\"message\":\(JSONText.quote(message))}}"
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// A refused stream setting: 400 `bad_settings`.
    public init(_ error: SettingsError) { self.init(.badRequest, "bad_settings", error.message) }

    /// A refused twin ingestion: 400, 413 or 415 with the reader's code.
    public init(_ error: IngestRequestError) {
        let status: HTTPResponse.Status =
            switch error.status {
            case .badRequest: .badRequest
            case .contentTooLarge: .contentTooLarge
            case .unsupportedMediaType: .unsupportedMediaType
            }
        self.init(status, error.code, error.message)
    }

    static func notFound(_ what: String, _ id: String) -> APIError {
        APIError(.notFound, "\(what)_not_found", "no \(what) '\(id.prefix(64))'")
    }
}

/// Small JSON text helpers for hand-written replies.
enum JSONText {
    /// `text` as a JSON string literal.
    static func quote(_ text: String) -> String { JSONString.quote(text) }
}
