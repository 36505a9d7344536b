/// A twin as stored: its names and the style accumulated so far.
public struct TwinRecord: Sendable, Equatable {
    /// The user.
    public var user: String
    /// Display name.
    public var name: String
    /// Created (Unix seconds).
    public var createdAt: Double
    /// The style counts.
    public var style: StyleAccumulator
}

/// What committing an ingestion changed.
public struct CommitResult: Sendable, Equatable {
    /// Ids of the memories written or merged, in the order of the pending memories.
    public var memoryIDs: [Int64]
    /// Ids of the memories newly written (a merged duplicate keeps its vectors).
    public var inserted: Set<Int64> = []
    /// Memories a newer one superseded (out of search now, kept as history).
    public var superseded: [Int64]
    /// Relations written (new edges).
    public var relations: Int
    /// Edges a new fact invalidated.
    public var invalidated: Int
}

/// One relation of the temporal graph, with both timelines.
public struct GraphFact: Sendable, Equatable, Codable {
    /// Edge id.
    public var id: Int64
    /// Subject entity.
    public var subject: GraphEntity
    /// `WORKS_AT`, `LIVES_IN`, ...
    public var predicate: String
    /// Object entity.
    public var object: GraphEntity
    /// The sentence or record it came from.
    public var fact: String
    /// When it started holding in the world (nil: unknown).
    public var validAt: Double?
    /// When it stopped holding (nil: still holds, as far as we know).
    public var invalidAt: Double?
    /// When we learned it.
    public var createdAt: Double
    /// When we retired it (a newer fact contradicted it); nil while believed.
    public var expiredAt: Double?
    /// The memory it came from.
    public var memory: Int64?
    /// Where it came from.
    public var sources: [MemorySource]

    enum CodingKeys: String, CodingKey {
        case id, subject, predicate, object, fact, memory, sources
        case validAt = "valid_at"
        case invalidAt = "invalid_at"
        case createdAt = "created_at"
        case expiredAt = "expired_at"
    }
}

/// An entity of the graph.
public struct GraphEntity: Sendable, Equatable, Codable, Hashable {
    /// Id.
    public var id: Int64
    /// Type.
    public var type: EntityType
    /// Name as first seen.
    public var name: String
}

/// One turn of a chat with a twin, as stored.
public struct ChatTurn: Sendable, Equatable, Codable {
    /// Position in the session.
    public var turn: Int
    /// `user` or `twin`.
    public var role: String
    /// What was said.
    public var text: String
    /// When.
    public var createdAt: Double

    enum CodingKeys: String, CodingKey {
        case turn, role, text
        case createdAt = "created_at"
    }
}

/// Where the twin service keeps its data. Every method takes the twin's user and reads or
/// writes only that user's rows.
public protocol TwinRepository: Sendable {
    /// Creates a twin; false when the user has one.
    func createTwin(user: String, name: String, at: Double) async throws -> Bool
    /// The twin's record.
    func twin(_ user: String) async throws -> TwinRecord?
    /// The twin's counts.
    func view(_ user: String) async throws -> TwinView?
    /// Deletes the twin and all its data (memories, graph, chats, ingestions, votes); false when
    /// there was none.
    func deleteTwin(_ user: String) async throws -> Bool
    /// Records a submitted ingestion with its payload, or returns the user's earlier ingestion
    /// of the same content (`duplicate` true).
    func submit(_ ingestion: Ingestion, payload: [UInt8], options: String) async throws -> (Ingestion, duplicate: Bool)
    /// One of the user's ingestions.
    func ingestion(user: String, id: String) async throws -> Ingestion?
    /// The user's ingestions, newest first.
    func ingestions(user: String, limit: Int) async throws -> [Ingestion]
    /// Ingestions not finished (queued or running), oldest first: the worker's queue after a restart.
    func unfinished() async throws -> [Ingestion]
    /// An unfinished ingestion's owner, payload and options (nil once it is finished: its
    /// payload is dropped then).
    func payload(_ id: String) async throws -> (user: String, payload: [UInt8], options: String)?
    /// Updates an ingestion's status (and emits its progress event); a finished one drops its payload.
    func update(_ ingestion: Ingestion) async throws
    /// Commits an ingestion's memories (with their vectors: per memory, the whole's then its
    /// parts'), graph relations and style, and marks it done, all in one transaction.
    func commit(_ ingestion: Ingestion, _ distilled: Distilled, vectors: [[[Float]]], at: Double) async throws -> CommitResult
    /// BM25 (FTS5) ranking of the user's current memories for `query`, best first.
    func bm25(user: String, query: String, limit: Int) async throws -> [Int64]
    /// The user's memories with these ids (others' ids are ignored), in the given order.
    func memories(user: String, ids: [Int64]) async throws -> [Memory]
    /// The user's current memories' ids and vectors (for the dense index; a memory with parts
    /// has several rows).
    func vectors(user: String, dimension: Int) async throws -> (ids: [Int64], vectors: [Float])
    /// Memories of the same slot as `id`, newest first (the history of a contradicted fact).
    func history(user: String, of id: Int64) async throws -> [Memory]
    /// The graph as we knew it at `knownAt` (edges created by then and not yet retired), or all
    /// edges with `includeRetired`; at most `limit`, newest first.
    func graph(user: String, knownAt: Double, includeRetired: Bool, limit: Int) async throws -> [GraphFact]
    /// Believed edges touching entities whose names occur in `text` (as a run of its words; the
    /// user's own entity left out, as every fact is about the user), newest first.
    func facts(user: String, mentionedIn text: String, limit: Int) async throws -> [GraphFact]
    /// Believed edges drawn from any of `memories` (memory ids, best first), at most `limit`: the
    /// first memory's edges first, newest first within one memory.
    func facts(user: String, fromMemories memories: [Int64], limit: Int) async throws -> [GraphFact]
    /// The last `count` turns of a chat session, oldest first.
    func chat(user: String, session: String, last count: Int) async throws -> [ChatTurn]
    /// Appends turns to a chat session and their memories, in one transaction.
    func appendChat(user: String, session: String, turns: [ChatTurn], distilled: Distilled, vectors: [[[Float]]], at: Double)
        async throws -> CommitResult
}
