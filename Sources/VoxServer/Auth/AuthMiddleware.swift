import HTTPTypes
import Hummingbird

/// Checks every request's key against `--api-key-file` and puts the principal in the request
/// context: 401 without a valid key where one is needed, 403 for a role that may not (JSON, both
/// counted in /metrics). Keys come as `Authorization: Bearer KEY` or, for WebSocket URLs that
/// browsers cannot add headers to, `?key=KEY`. Without a key file every request is the admin
/// (the server then listens on loopback only).
struct AuthMiddleware: RouterMiddleware {
    typealias Context = VoxRequestContext
    let keys: APIKeys?
    let streamToken: @Sendable (String) -> String?
    let refused: @Sendable (String) -> Void

    func handle(_ request: Request, context: VoxRequestContext, next: (Request, VoxRequestContext) async throws -> Response)
        async throws -> Response
    {
        var context = context
        guard let keys else {
            context.principal = .admin
            return try await next(request, context)
        }
        let need = AccessPolicy.need(request.method, request.uri.path)
        let key = Self.key(request)
        let principal = key.flatMap { keys.principal(for: $0) }
        context.principal = principal
        context.apiKey = principal == nil ? nil : key
        switch need {
        case .open:
            return try await next(request, context)
        case .keyOrStreamToken(let stream):
            if principal == nil, let token = request.uri.queryParameters.get("token"), let expected = streamToken(stream),
                Self.equal(token, expected)
            {
                return try await next(request, context)
            }
            return try await check(principal, AccessPolicy.streams, key != nil, request, context, next)
        case .key(let roles):
            return try await check(principal, roles, key != nil, request, context, next)
        }
    }

    private func check(
        _ principal: Principal?, _ roles: Set<AccessPolicy.Role>, _ sentKey: Bool, _ request: Request, _ context: VoxRequestContext,
        _ next: (Request, VoxRequestContext) async throws -> Response
    ) async throws -> Response {
        guard let principal else {
            refused("unauthorized")
            throw APIError(
                .unauthorized, "unauthorized",
                sentKey ? "the API key is not valid" : "an API key is needed: Authorization: Bearer KEY (or ?key= on WebSocket URLs)")
        }
        guard roles.contains(AccessPolicy.role(principal)) else {
            refused("forbidden")
            throw APIError(.forbidden, "forbidden", "a \(AccessPolicy.role(principal)) key may not do this")
        }
        return try await next(request, context)
    }

    /// The key of a request: the bearer token, else `?key=`.
    static func key(_ request: Request) -> String? {
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" { return parts[1].split(separator: " ").first.map(String.init) }
            return nil
        }
        return request.uri.queryParameters.get("key")
    }

    /// Constant-time equality of two tokens.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in x.indices { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}

extension VoxRequestContext {
    /// Throws 403 unless the caller may touch something owned by `owner` (admins may touch
    /// everything; users only what they own; no key file: everything).
    func requireOwner(_ owner: String?, what: String) throws(APIError) {
        switch principal {
        case .admin, nil: return
        case .client: throw APIError(.forbidden, "forbidden", "a client key may not use \(what)s")
        case .user(let name):
            guard owner == name else { throw APIError(.forbidden, "forbidden", "this \(what) belongs to another user") }
        }
    }

    /// The owner a user's request acts as (nil for admins: any owner).
    var userName: String? {
        if case .user(let name) = principal { return name }
        return nil
    }
}
