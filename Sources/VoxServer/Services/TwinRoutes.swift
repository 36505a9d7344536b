import FoundationEssentials
import Hummingbird
import NIOCore
import VoxTwins

/// The twins API (Protocols/twins.md, Protocols/openapi.yaml): twins, ingestion, memories, the
/// graph, twin chat (JSON or Server-Sent Events), projects, proposals, recommendations and votes.
struct TwinRoutes: Sendable {
    let services: SecondaryServices
    private var twins: TwinService { services.twins }
    /// Largest JSON body other than an ingestion.
    static let maxBody = 256 << 10

    func register(on router: Router<VoxRequestContext>) {
        router.post("/v1/twins") { request, context in
            try await guarded {
                let body = try await RequestBody.json(TwinCreate.self, request, limit: Self.maxBody, fieldError: "bad_twin")
                let user = try Self.creator(body.user, context)
                return try json(try await twins.create(user: user, name: body.name), status: .created)
            }
        }
        router.get("/v1/twins/:user") { _, context in
            try await guarded {
                let user = try own(context)
                return try json(TwinDetail(twin: try await twins.get(user), alignment: try await twins.alignment(user: user)))
            }
        }
        router.delete("/v1/twins/:user") { _, context in
            try await guarded {
                try await twins.delete(try own(context))
                return Response(status: .noContent)
            }
        }
        router.post("/v1/twins/:user/ingest") { request, context in
            try await guarded {
                let user = try own(context)
                let upload = try await IngestUpload.read(request, limit: twins.configuration.maxBytes)
                let (ingestion, duplicate) = try await twins.ingest(
                    user: user, kind: upload.kind, payload: upload.payload, filename: upload.filename, window: upload.window)
                return try json(IngestReply(ingestion: ingestion, duplicate: duplicate), status: duplicate ? .ok : .accepted)
            }
        }
        router.get("/v1/twins/:user/ingestions") { request, context in
            try await guarded {
                let limit = try ServiceRoutes.number(request.uri.queryParameters.get("limit"), "limit", default: 100, max: 1000)
                return try json(IngestionList(ingestions: try await twins.ingestions(user: try own(context), limit: limit)))
            }
        }
        router.get("/v1/twins/:user/ingestions/:id") { _, context in
            try await guarded {
                let user = try own(context)
                return try json(try await twins.ingestion(user: user, id: context.parameters.get("id") ?? ""))
            }
        }
        router.get("/v1/twins/:user/memories") { request, context in
            try await guarded {
                let user = try own(context)
                let query = request.uri.queryParameters
                let k = try ServiceRoutes.number(query.get("k"), "k", default: 10, max: 100)
                guard let q = query.get("q"), !q.trimmingCharacters(in: .whitespaces).isEmpty, q.count <= 2000 else {
                    throw APIError(.badRequest, "bad_query", "q (1-2000 characters) is required")
                }
                return try json(TwinMemoryList(memories: try await twins.search(user: user, query: q, k: k).map(MemoryHit.init)))
            }
        }
        router.get("/v1/twins/:user/memories/:id/history") { _, context in
            try await guarded {
                let user = try own(context)
                guard let id = Int64(context.parameters.get("id") ?? "") else {
                    throw APIError.notFound("memory", context.parameters.get("id") ?? "")
                }
                let list = try await twins.history(user: user, of: id)
                guard !list.isEmpty else { throw APIError.notFound("memory", String(id)) }
                return try json(MemoryHistory(memories: list))
            }
        }
        router.get("/v1/twins/:user/graph") { request, context in
            try await guarded {
                let user = try own(context)
                let query = request.uri.queryParameters
                let limit = try ServiceRoutes.number(query.get("limit"), "limit", default: 500, max: 10_000)
                let at = try query.get("at").map { text throws(APIError) in
                    guard let t = TimeValue.parse(text) else {
                        throw APIError(.badRequest, "bad_query", "at must be an ISO 8601 time or Unix seconds")
                    }
                    return t
                }
                let history = query.get("history") == "1" || query.get("history") == "true"
                let facts = try await twins.graph(user: user, knownAt: at, includeRetired: history, limit: limit)
                return try json(GraphReply(at: at, facts: facts))
            }
        }
        router.post("/v1/twins/:user/chat") { request, context in
            try await guarded {
                let user = try own(context)
                let body = try await RequestBody.json(TwinChatRequest.self, request, limit: Self.maxBody, fieldError: "bad_chat")
                let wantsStream = body.stream == true || (request.headers[.accept] ?? "").contains("text/event-stream")
                guard wantsStream else {
                    return try json(try await twins.chat(user: user, session: body.session, message: body.message))
                }
                // Checked before streaming, so a missing twin is a 404, not an event.
                _ = try await twins.get(user)
                return Self.sse { send in
                    do {
                        let answer = try await twins.chat(
                            user: user, session: body.session, message: body.message,
                            onContext: { send("context", ContextEvent(context: $0)) },
                            onDelta: { send("delta", DeltaEvent(text: $0)) })
                        send("done", answer)
                    } catch {
                        let api = Self.apiError(error)
                        send("error", ErrorEvent(code: api.code, message: api.message))
                    }
                }
            }
        }
        router.post("/v1/projects") { request, context in
            try await guarded {
                let body = try await RequestBody.json(ProjectCreate.self, request, limit: Self.maxBody, fieldError: "bad_project")
                let project = try await twins.createProject(
                    name: body.name, description: body.description ?? "", owner: context.userName, members: body.members ?? [])
                return try json(project, status: .created)
            }
        }
        router.get("/v1/projects") { request, context in
            try await guarded {
                let limit = try ServiceRoutes.number(request.uri.queryParameters.get("limit"), "limit", default: 100, max: 1000)
                return try json(ProjectList(projects: try await twins.projectList(member: context.userName, limit: limit)))
            }
        }
        router.get("/v1/projects/:id") { _, context in
            try await guarded { try json(try await member(context.parameters.get("id") ?? "", context)) }
        }
        router.post("/v1/projects/:id/members") { request, context in
            try await guarded {
                let project = try await member(context.parameters.get("id") ?? "", context)
                let body = try await RequestBody.json(MemberAdd.self, request, limit: 4096, fieldError: "bad_member")
                return try json(try await twins.addMember(project: project.id, user: body.user))
            }
        }
        router.post("/v1/projects/:id/proposals") { request, context in
            try await guarded {
                let project = try await member(context.parameters.get("id") ?? "", context)
                let body = try await RequestBody.json(ProposalCreate.self, request, limit: Self.maxBody, fieldError: "bad_proposal")
                let proposal = try await twins.propose(
                    project: project.id, title: body.title, text: body.text ?? "", startsAt: body.startsAt, endsAt: body.endsAt,
                    by: context.userName)
                return try json(proposal, status: .created)
            }
        }
        router.get("/v1/proposals/:id") { _, context in
            try await guarded {
                let proposal = try await twins.proposal(context.parameters.get("id") ?? "")
                _ = try await member(proposal.project, context)
                return try json(proposal)
            }
        }
        router.get("/v1/proposals/:id/recommendations") { _, context in
            try await guarded {
                let proposal = try await twins.proposal(context.parameters.get("id") ?? "")
                _ = try await member(proposal.project, context)
                // A user sees only their own twin's recommendation (its reasons quote their data).
                let list = try await twins.recommendations(proposal: proposal.id, user: context.userName)
                return try json(RecommendationList(recommendations: list))
            }
        }
        router.post("/v1/proposals/:id/votes") { request, context in
            try await guarded {
                let proposal = try await twins.proposal(context.parameters.get("id") ?? "")
                _ = try await member(proposal.project, context)
                let body = try await RequestBody.json(VoteCast.self, request, limit: 4096, fieldError: "bad_vote")
                guard let voter = context.userName ?? body.user else {
                    throw APIError(.badRequest, "bad_vote", "'user' is required with an admin key or without keys")
                }
                if let asked = body.user, let name = context.userName, asked != name {
                    throw APIError(.forbidden, "forbidden", "a user key votes only as its own user")
                }
                return try json(try await twins.castVote(proposal: proposal.id, user: voter, choice: body.choice), status: .created)
            }
        }
    }

    // MARK: - Access

    /// The path's user, once the caller may use their twin: the user's own key or an admin.
    private func own(_ context: VoxRequestContext) throws(APIError) -> String {
        let user = context.parameters.get("user") ?? ""
        try context.requireOwner(user, what: "twin")
        return user
    }

    /// The user a `POST /v1/twins` creates: a user key creates only its own.
    private static func creator(_ asked: String?, _ context: VoxRequestContext) throws(APIError) -> String {
        if let name = context.userName {
            if let asked, asked != name { throw APIError(.forbidden, "forbidden", "a user key creates only its own twin ('\(name)')") }
            return name
        }
        guard let asked else { throw APIError(.badRequest, "bad_twin", "missing field 'user'") }
        return asked
    }

    /// The project, once the caller may see it: an admin, or a user who owns or belongs to it.
    private func member(_ id: String, _ context: VoxRequestContext) async throws -> Project {
        let project = try await twins.project(id)
        if let name = context.userName, project.owner != name, !project.members.contains(name) {
            throw APIError(.forbidden, "forbidden", "this project's members only")
        }
        if case .client = context.principal { throw APIError(.forbidden, "forbidden", "a client key may not use projects") }
        return project
    }

    private func guarded(_ body: () async throws -> Response) async throws -> Response {
        try await ServiceRoutes.guarded(services, map: Self.apiError, body)
    }

    static func apiError(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError: error
        case TwinError.notFound(let user): APIError.notFound("twin", user)
        case TwinError.exists(let user): APIError(.conflict, "twin_exists", "'\(user.prefix(128))' already has a twin")
        case TwinError.invalid(let field, let rule): APIError(.badRequest, "bad_request", "'\(field)' \(rule)")
        case TwinError.ingestionNotFound(let id): APIError.notFound("ingestion", id)
        case TwinError.busy: APIError(.serviceUnavailable, "busy", "the ingestion queue is full; retry shortly")
        case TwinError.projectNotFound(let id): APIError.notFound("project", id)
        case TwinError.proposalNotFound(let id): APIError.notFound("proposal", id)
        case TwinError.notMember(let user): APIError(.forbidden, "not_member", "'\(user.prefix(128))' is not a member of the project")
        case TwinInputError.tooLarge(let what, let limit): APIError(.contentTooLarge, "too_large", "more than \(limit) \(what)")
        case TwinInputError.malformed(let format, let reason): APIError(.unprocessableContent, "bad_\(format)", reason)
        case TwinInputError.unsupported(let what): APIError(.unsupportedMediaType, "unsupported", what)
        default: AvatarRoutes.apiError(error)
        }
    }

    // MARK: - Server-Sent Events

    /// A `text/event-stream` response whose events `body` sends; the stream ends when it returns.
    static func sse(_ body: @escaping @Sendable (_ send: @escaping @Sendable (String, any Encodable & Sendable) -> Void) async -> Void)
        -> Response
    {
        let (stream, continuation) = AsyncStream<ByteBuffer>.makeStream(bufferingPolicy: .bufferingNewest(4096))
        let task = Task {
            await body { event, value in
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                let data = (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
                continuation.yield(ByteBuffer(string: "event: \(event)\ndata: \(data)\n\n"))
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return Response(
            status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"], body: ResponseBody(asyncSequence: stream))
    }
}

struct TwinCreate: Decodable {
    var user: String?
    var name: String?
}
struct TwinDetail: Encodable {
    var twin: TwinView
    var alignment: VoteAlignment

    func encode(to encoder: any Encoder) throws {
        try twin.encode(to: encoder)
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(alignment, forKey: .voteAlignment)
    }
    enum Key: String, CodingKey { case voteAlignment = "vote_alignment" }
}
struct IngestReply: Encodable {
    var ingestion: Ingestion
    var duplicate: Bool

    func encode(to encoder: any Encoder) throws {
        try ingestion.encode(to: encoder)
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(duplicate, forKey: .duplicate)
    }
    enum Key: String, CodingKey { case duplicate }
}
struct IngestionList: Encodable { var ingestions: [Ingestion] }
struct MemoryHit: Encodable {
    var memory: Memory
    var score: Double
    var covers: [Int64]
    init(_ found: FoundMemory) {
        memory = found.memory
        score = found.score
        covers = found.covers
    }
    func encode(to encoder: any Encoder) throws {
        try memory.encode(to: encoder)
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(score, forKey: .score)
        try c.encode(covers, forKey: .covers)
    }
    enum Key: String, CodingKey { case score, covers }
}
struct TwinMemoryList: Encodable { var memories: [MemoryHit] }
struct MemoryHistory: Encodable { var memories: [Memory] }
struct GraphReply: Encodable {
    var at: Double?
    var facts: [GraphFact]
}
struct TwinChatRequest: Decodable {
    var message: String
    var session: String?
    var stream: Bool?
}
struct ContextEvent: Encodable, Sendable { var context: [Citation] }
struct DeltaEvent: Encodable, Sendable { var text: String }
struct ErrorEvent: Encodable, Sendable {
    var code: String
    var message: String
}
struct ProjectCreate: Decodable {
    var name: String
    var description: String?
    var members: [String]?
}
struct ProjectList: Encodable { var projects: [Project] }
struct MemberAdd: Decodable { var user: String }
struct ProposalCreate: Decodable {
    var title: String
    var text: String?
    var startsAt: Double?
    var endsAt: Double?
    enum CodingKeys: String, CodingKey {
        case title, text
        case startsAt = "starts_at"
        case endsAt = "ends_at"
    }
}
struct RecommendationList: Encodable { var recommendations: [Recommendation] }
struct VoteCast: Decodable {
    var choice: Stance
    var user: String?
}
