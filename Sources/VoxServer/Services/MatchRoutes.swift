import Hummingbird
import NIOCore
import NIOPosix
import VoxAvatars
import VoxDSP
import VoxMatch
import VoxStore

/// The matchmaking API (Protocols/matchmaking.md, Protocols/openapi.yaml): profiles, voice,
/// neighbours, matches, the space and its rooms. JSON in and out, 4xx with `{"error": {...}}`.
struct MatchRoutes: Sendable {
    let services: SecondaryServices
    let pool: NIOThreadPool
    /// Largest profile body: a 20,000-character CV and a 50,000-character transcript in UTF-8.
    static let maxBody = 512 << 10
    /// Largest voice upload.
    let maxUpload: Int

    private var match: MatchService { services.match }

    func register(on router: Router<VoxRequestContext>) {
        router.post("/v1/profiles") { request, context in
            try await guarded {
                let input = try await RequestBody.json(ProfileInput.self, request, limit: Self.maxBody, fieldError: "bad_profile")
                let view = try await match.create(try owned(input, context, create: true))
                try? await match.announceMatches(view.id)
                return try json(view, status: .created)
            }
        }
        router.get("/v1/profiles") { request, context in
            try await guarded {
                let query = request.uri.queryParameters
                let limit = try ServiceRoutes.number(query.get("limit"), "limit", default: 100, max: 1000)
                let page = match.list(owner: try Self.listOwner(query.get("owner"), context), limit: limit, after: query.get("after"))
                return try json(ProfilePage(profiles: page, next: page.count == limit ? page.last?.id : nil))
            }
        }
        router.get("/v1/profiles/:id") { _, context in try await guarded { try json(try await match.get(try own(context))) } }
        router.patch("/v1/profiles/:id") { request, context in
            try await guarded {
                let id = try own(context)
                let input = try await RequestBody.json(ProfileInput.self, request, limit: Self.maxBody, fieldError: "bad_profile")
                return try json(try await match.patch(id, try owned(input, context, create: false)))
            }
        }
        router.delete("/v1/profiles/:id") { _, context in
            try await guarded {
                try await match.delete(try own(context))
                return Response(status: .noContent)
            }
        }
        router.post("/v1/profiles/:id/voice") { request, context in
            try await guarded {
                let id = try own(context)
                guard match.exists(id) else { throw MatchError.notFound(id) }
                let body = try await RequestBody.collect(request, limit: maxUpload)
                guard body.readableBytes > 0 else { throw APIError(.badRequest, "empty_body", "the request body must be an audio file") }
                let result: Result<VoiceTraitsAccumulator, APIError> = try await pool.runIfActive {
                    UploadedAudio.read(body).map { audio in VoiceTraitsAnalyzer.analyse(audio.samples, sampleRate: audio.sampleRate) }
                }
                let voice = try result.get()
                guard voice.traits() != nil else {
                    throw APIError(
                        .unprocessableContent, "no_speech", "the recording has less than a second of voiced speech; nothing was changed")
                }
                return try json(try await match.addVoice(id, voice))
            }
        }
        router.get("/v1/profiles/:id/neighbors") { request, context in
            try await guarded {
                let k = try ServiceRoutes.number(request.uri.queryParameters.get("k"), "k", default: 10, max: match.configuration.maxK)
                return try json(NeighborList(neighbors: try match.neighbors(try own(context), k: k)))
            }
        }
        router.get("/v1/profiles/:id/matches") { request, context in
            try await guarded {
                let k = try ServiceRoutes.number(request.uri.queryParameters.get("k"), "k", default: 10, max: match.configuration.maxK)
                return try json(MatchList(matches: try await match.matches(try own(context), k: k)))
            }
        }
        router.get("/v1/space") { request, _ in
            try await guarded {
                let query = request.uri.queryParameters
                let limit = try ServiceRoutes.number(query.get("limit"), "limit", default: 1000, max: 10_000)
                let page = match.spacePage(limit: limit, after: query.get("after"))
                return try json(
                    SpacePage(
                        profiles: page, next: page.count == limit ? page.last?.id : nil, count: match.count, rooms: match.roomCount,
                        encoder: match.embedder.name))
            }
        }
        router.post("/v1/space/layout") { request, _ in
            try await guarded {
                let body = try await RequestBody.json(LayoutRequest.self, request, limit: 4096, fieldError: "bad_layout")
                let n = try await match.relayout(seed: body.seed)
                return try json(LayoutDone(profiles: n, trustworthiness: match.trustworthiness(k: 10, sample: 2000)))
            }
        }
        router.get("/v1/rooms") { _, _ in try await guarded { try json(RoomList(rooms: match.rooms())) } }
        router.get("/v1/rooms/:id") { _, context in try await guarded { try json(try match.room(Self.id(context))) } }
    }

    private func guarded(_ body: () async throws -> Response) async throws -> Response {
        try await ServiceRoutes.guarded(services, map: Self.apiError, body)
    }

    static func apiError(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError: error
        case MatchError.invalid(let field, let rule): APIError(.badRequest, "bad_profile", "'\(field)' \(rule)")
        case MatchError.notFound(let id): APIError.notFound("profile", id)
        case MatchError.roomNotFound(let id): APIError.notFound("room", id)
        case MatchError.unknownAvatar(let id): APIError(.badRequest, "bad_profile", "'avatar' names no avatar ('\(id.prefix(64))')")
        case MatchError.tooMany(let cap):
            APIError(.conflict, "too_many_profiles", "the server holds its maximum of \(cap) profiles (--max-profiles)")
        case MatchError.busy: APIError(.serviceUnavailable, "busy", "the text encoder is busy; retry shortly")
        default: AvatarRoutes.apiError(error)
        }
    }

    private static func id(_ context: VoxRequestContext) -> String { context.parameters.get("id") ?? "" }

    /// The profile id of the path, once the caller may use it (403); an unknown id goes on to its 404.
    private func own(_ context: VoxRequestContext) throws(APIError) -> String {
        let id = Self.id(context)
        if let owner = match.owner(of: id) { try context.requireOwner(owner, what: "profile") }
        return id
    }

    /// A create or patch as the caller may make it: a user's own name as owner (another: 403).
    private func owned(_ input: ProfileInput, _ context: VoxRequestContext, create: Bool) throws(APIError) -> ProfileInput {
        guard let name = context.userName else { return input }
        if let asked = input.requestedOwner, asked != name {
            throw APIError(.forbidden, "forbidden", "a user key creates and changes only its own profiles (owner '\(name)')")
        }
        if let avatar = input.requestedAvatar, !avatar.isEmpty, let owner = avatarOwner(avatar), owner != name {
            throw APIError(.forbidden, "forbidden", "the avatar belongs to another user")
        }
        var input = input
        if create { input.setOwner(name) }
        return input
    }

    private func avatarOwner(_ id: String) -> String? { services.avatars.profile(id)?.owner }

    /// The owner filter of a list: a user sees only its own.
    private static func listOwner(_ asked: String?, _ context: VoxRequestContext) throws(APIError) -> String? {
        guard let name = context.userName else { return asked }
        if let asked, asked != name { throw APIError(.forbidden, "forbidden", "a user key lists only its own profiles") }
        return name
    }
}

/// The avatar service as the matchmaking service sees it.
struct AvatarLookup: AvatarDirectory {
    let avatars: AvatarService

    func avatarProfile(_ id: String) -> AvatarProfile? { avatars.profile(id) }

    func history(_ a: String, _ b: String) -> CompatibilityScore.History? {
        avatars.relationship(a, b).map {
            CompatibilityScore.History(affinity: $0.affinity, trust: $0.trust, stage: $0.stage.rawValue, interactions: $0.interactions)
        }
    }
}

struct ProfilePage: Encodable {
    var profiles: [ProfileListItem]
    var next: String?
}
struct NeighborList: Encodable { var neighbors: [Neighbor] }
struct MatchList: Encodable { var matches: [MatchView] }
struct RoomList: Encodable { var rooms: [RoomView] }
struct SpacePage: Encodable {
    var profiles: [ProfileListItem]
    var next: String?
    var count: Int
    var rooms: Int
    var encoder: String
}
struct LayoutRequest: Decodable { var seed: UInt64? }
struct LayoutDone: Encodable {
    var profiles: Int
    var trustworthiness: Double
}
