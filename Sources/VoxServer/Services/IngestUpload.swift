import Hummingbird
import NIOCore
import VoxTwins

/// `POST /v1/twins/{user}/ingest`: collects the body (the file limit plus room for its JSON or
/// multipart wrapping) and reads it with ``IngestRequest`` (VoxDocuments, where its forms are
/// documented), answering a refusal as its JSON error.
enum IngestUpload {
    static func read(_ request: Request, limit: Int) async throws -> IngestRequest {
        let body = try await RequestBody.collect(request, limit: limit + IngestRequest.wrappingAllowance)
        let query = request.uri.queryParameters
        do {
            return try IngestRequest.parse(
                Array(body.readableBytesView), contentType: request.headers[.contentType] ?? "",
                query: IngestRequest.Query(
                    kind: query.get("kind"), filename: query.get("filename"), from: query.get("from"), to: query.get("to")),
                limit: limit)
        } catch {
            throw APIError(error)
        }
    }
}
