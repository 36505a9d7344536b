import Hummingbird
import VoxAvatars
import VoxStore

/// The avatar and world API (Protocols/openapi.yaml): JSON in and out, 4xx with
/// `{"error": {...}}` for bad input, 503 when the store is unavailable.
struct AvatarRoutes: Sendable {
    let services: SecondaryServices
    /// Largest request body of these routes.
    static let maxBody = 64 << 10

    private var avatars: AvatarService { services.avatars }

    func register(on router: Router<VoxRequestContext>) {
        router.post("/v1/avatars") { request, context in
            try await guarded {
                let input = try await RequestBody.json(AvatarInput.self, request, limit: Self.maxBody, fieldError: "bad_avatar")
                return try json(try await avatars.create(try Self.owned(input, context, create: true)), status: .created)
            }
        }
        router.get("/v1/avatars") { request, context in
            try await guarded {
                let query = request.uri.queryParameters
                let limit = try ServiceRoutes.number(query.get("limit"), "limit", default: 100, max: 1000)
                let owner = try Self.listOwner(query.get("owner"), context)
                return try json(AvatarList(avatars: avatars.list(owner: owner, limit: limit, after: query.get("after"))))
            }
        }
        router.get("/v1/avatars/:id") { _, context in
            try await guarded { try json(try avatars.get(try own(context))) }
        }
        router.patch("/v1/avatars/:id") { request, context in
            try await guarded {
                let id = try own(context)
                let input = try await RequestBody.json(AvatarInput.self, request, limit: Self.maxBody, fieldError: "bad_avatar")
                let view = try await avatars.patch(id, try Self.owned(input, context, create: false))
                // A linked matchmaking profile is embedded again with the avatar's new traits.
                try? await services.match.avatarChanged(view.id)
                return try json(view)
            }
        }
        router.delete("/v1/avatars/:id") { _, context in
            try await guarded {
                let id = try own(context)
                try await avatars.delete(id)
                try? await services.match.avatarChanged(id)
                return Response(status: .noContent)
            }
        }
        router.get("/v1/avatars/:id/memories") { request, context in
            try await guarded {
                let query = request.uri.queryParameters
                let limit = try ServiceRoutes.number(query.get("limit"), "limit", default: 50, max: AvatarService.maxMemoryPage)
                let q = query.get("q")
                if let q, q.count > 500 { throw APIError(.badRequest, "bad_query", "q must be at most 500 characters") }
                return try json(MemoryList(memories: try await avatars.memories(try own(context), query: q, limit: limit)))
            }
        }
        router.post("/v1/avatars/:id/memories") { request, context in
            try await guarded {
                let body = try await RequestBody.json(NewMemory.self, request, limit: Self.maxBody, fieldError: "bad_memory")
                return try json(
                    try await avatars.addMemory(try own(context), text: body.text, importance: body.importance ?? 5), status: .created)
            }
        }
        router.get("/v1/avatars/:id/relationships") { _, context in
            try await guarded { try json(RelationshipList(relationships: try await avatars.relationships(try own(context)))) }
        }
        router.post("/v1/avatars/:id/messages") { request, context in
            try await guarded {
                let body = try await RequestBody.json(NewMessage.self, request, limit: Self.maxBody, fieldError: "bad_message")
                let id = try own(context)
                // An avatar draws on its owner's twin, when the owner has one (and only its owner's).
                var ownerKnows: [String] = []
                if let owner = avatars.profile(id)?.owner, !owner.isEmpty,
                    let found = try? await services.twins.search(user: owner, query: body.text, k: 3)
                {
                    ownerKnows = found.map(\.memory.text)
                }
                return try json(try await avatars.message(id, text: body.text, ownerKnows: ownerKnows))
            }
        }
        router.get("/v1/world") { _, _ in try await guarded { try json(avatars.worldView()) } }
        router.patch("/v1/world") { request, _ in
            try await guarded {
                let patch = try await RequestBody.json(WorldPatch.self, request, limit: Self.maxBody, fieldError: "bad_world")
                return try json(try await avatars.patchWorld(patch))
            }
        }
        router.post("/v1/world/advance") { request, _ in
            try await guarded {
                let body = try await RequestBody.json(Advance.self, request, limit: Self.maxBody, fieldError: "bad_advance")
                return try json(try await avatars.advance(minutes: body.minutes))
            }
        }
    }

    private func guarded(_ body: () async throws -> Response) async throws -> Response {
        try await ServiceRoutes.guarded(services, map: Self.apiError, body)
    }

    static func apiError(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError: error
        case AvatarError.invalid(let field, let rule): APIError(.badRequest, "bad_avatar", "'\(field)' \(rule)")
        case AvatarError.notFound(let id): APIError.notFound("avatar", id)
        case AvatarError.tooMany(let cap):
            APIError(.conflict, "too_many_avatars", "the server holds its maximum of \(cap) avatars (--max-avatars)")
        case StoreError.unavailable(let reason):
            APIError(.serviceUnavailable, "store_unavailable", "the data store is unavailable: \(reason)")
        case let error as StoreError: APIError(.internalServerError, "store_failed", error.description)
        default: APIError(.internalServerError, "internal", "\(error)")
        }
    }

    private static func id(_ context: VoxRequestContext) -> String { context.parameters.get("id") ?? "" }

    /// The avatar id of the path, once the caller may use it (403); an unknown id goes on to its 404.
    private func own(_ context: VoxRequestContext) throws(APIError) -> String {
        let id = Self.id(context)
        if let owner = avatars.profile(id)?.owner { try context.requireOwner(owner, what: "avatar") }
        return id
    }

    /// A create or patch as the caller may make it: a user's own name as owner (another: 403).
    private static func owned(_ input: AvatarInput, _ context: VoxRequestContext, create: Bool) throws(APIError) -> AvatarInput {
        guard let name = context.userName else { return input }
        if let asked = input.requestedOwner, asked != name {
            throw APIError(.forbidden, "forbidden", "a user key creates and changes only its own avatars (owner '\(name)')")
        }
        var input = input
        if create { input.setOwner(name) }
        return input
    }

    /// The owner filter of a list: a user sees only its own.
    private static func listOwner(_ asked: String?, _ context: VoxRequestContext) throws(APIError) -> String? {
        guard let name = context.userName else { return asked }
        if let asked, asked != name { throw APIError(.forbidden, "forbidden", "a user key lists only its own avatars") }
        return name
    }
}

struct AvatarList: Encodable { var avatars: [AvatarView] }
struct MemoryList: Encodable { var memories: [MemoryView] }
struct RelationshipList: Encodable { var relationships: [RelationshipView] }
struct NewMemory: Decodable {
    var text: String
    var importance: Int?
}
struct NewMessage: Decodable { var text: String }
struct Advance: Decodable { var minutes: Int }
