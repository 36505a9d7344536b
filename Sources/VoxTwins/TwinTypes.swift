/// A user's twin as the API shows it.
public struct TwinView: Sendable, Equatable, Codable {
    /// The user the twin belongs to (the key's user name).
    public var user: String
    /// Display name (also how the user appears as a sender in chat logs).
    public var name: String
    /// When the twin was created (Unix seconds).
    public var createdAt: Double
    /// Memories held (history included).
    public var memories: Int
    /// Ingestions received.
    public var ingestions: Int
    /// Entities and relations in the graph.
    public var entities: Int
    /// Relations in the graph (history included).
    public var relations: Int
    /// The user's writing style, from their own messages (nil until some are ingested).
    public var style: StyleProfile?

    enum CodingKeys: String, CodingKey {
        case user, name, memories, ingestions, entities, relations, style
        case createdAt = "created_at"
    }
}

/// What a memory is.
public enum MemoryKind: String, Sendable, Codable, CaseIterable {
    /// One statement about the user or their world (a sentence they wrote, a line of their CV).
    case fact
    /// A passage of a document, a stretch of a conversation or a calendar event.
    case episode
}

/// Where a memory came from, down to the item: the messages of a chat log (`turns`, their index
/// in the submitted array), the bytes of a document, the events of a calendar (their index among
/// the file's events), or the turns of a chat with the twin.
public struct MemorySource: Sendable, Equatable, Codable, Hashable {
    /// The ingestion (nil for a chat with the twin).
    public var ingestion: String?
    /// A chat with the twin: its session.
    public var chat: String?
    /// Message indexes.
    public var turns: [Int]?
    /// UTF-8 byte range `[start, end)` in the document's text (its extracted text for PDF and HTML).
    public var bytes: [Int]?
    /// Calendar event indexes.
    public var events: [Int]?

    /// A source from its parts.
    public init(ingestion: String? = nil, chat: String? = nil, turns: [Int]? = nil, bytes: [Int]? = nil, events: [Int]? = nil) {
        self.ingestion = ingestion
        self.chat = chat
        self.turns = turns
        self.bytes = bytes
        self.events = events
    }
}

/// One memory of a twin (the Mem0 role): a fact or an episode with its metadata.
public struct Memory: Sendable, Equatable, Codable {
    /// Store id.
    public var id: Int64
    /// The memory's kind.
    public var kind: MemoryKind
    /// What it is about: `work`, `preferences`, `people`, `places`, `calendar`, `opinions`,
    /// `skills`, `chat` or `general`.
    public var domain: String
    /// The memory's text (quoted from its source).
    public var text: String
    /// 0...1: how much it says about the user.
    public var importance: Double
    /// The conversation or document it belongs to (an ingestion id or a chat session).
    public var session: String?
    /// Position in its session (the first message or chunk).
    public var turn: Int?
    /// When we learned it (Unix seconds).
    public var createdAt: Double
    /// When it happened or was said, when the source says (Unix seconds).
    public var validAt: Double?
    /// When it stops mattering (calendar events: their last occurrence), nil for never.
    public var expiresAt: Double?
    /// A newer memory that contradicts this one (kept as history); nil while current.
    public var supersededBy: Int64?
    /// Where it came from.
    public var sources: [MemorySource]

    enum CodingKeys: String, CodingKey {
        case id, kind, domain, text, importance, session, turn, sources
        case createdAt = "created_at"
        case validAt = "valid_at"
        case expiresAt = "expires_at"
        case supersededBy = "superseded_by"
    }

    /// A memory from its parts.
    public init(
        id: Int64 = 0, kind: MemoryKind, domain: String, text: String, importance: Double, session: String? = nil, turn: Int? = nil,
        createdAt: Double = 0, validAt: Double? = nil, expiresAt: Double? = nil, supersededBy: Int64? = nil, sources: [MemorySource]
    ) {
        self.id = id
        self.kind = kind
        self.domain = domain
        self.text = text
        self.importance = importance
        self.session = session
        self.turn = turn
        self.createdAt = createdAt
        self.validAt = validAt
        self.expiresAt = expiresAt
        self.supersededBy = supersededBy
        self.sources = sources
    }
}

/// The state of an ingestion job.
public enum IngestionStatus: String, Sendable, Codable {
    /// Waiting for the worker.
    case queued
    /// Being read.
    case running
    /// Read: its memories and graph facts are in the store.
    case done
    /// Dead-lettered: `error` says why; nothing of it was kept.
    case failed
}

/// One ingestion: a file, chat log, calendar or page submitted to a twin.
public struct Ingestion: Sendable, Equatable, Codable {
    /// Id.
    public var id: String
    /// The twin's user.
    public var user: String
    /// `text`, `markdown`, `pdf`, `html`, `chat` or `calendar`.
    public var kind: String
    /// The file's name as submitted.
    public var filename: String?
    /// SHA-256 of the content (a second submission of the same content returns this ingestion).
    public var contentHash: String
    /// Where it stands.
    public var status: IngestionStatus
    /// 0...1.
    public var progress: Double
    /// Tries made (a failure of the store is retried; a bad file is not).
    public var attempts: Int
    /// Items read (messages, chunks, events).
    public var items: Int
    /// Memories written.
    public var memories: Int
    /// Graph relations written.
    public var relations: Int
    /// Why it failed (`failed` only).
    public var error: String?
    /// When it was submitted (Unix seconds).
    public var createdAt: Double
    /// Last change.
    public var updatedAt: Double

    enum CodingKeys: String, CodingKey {
        case id, user, kind, filename, status, progress, attempts, items, memories, relations, error
        case contentHash = "content_hash"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

extension Ingestion {
    /// A new ingestion, queued.
    public init(id: String, user: String, kind: String, filename: String?, contentHash: String, at: Double) {
        self.id = id
        self.user = user
        self.kind = kind
        self.filename = filename
        self.contentHash = contentHash
        status = .queued
        progress = 0
        attempts = 0
        items = 0
        memories = 0
        relations = 0
        createdAt = at
        updatedAt = at
    }
}

/// Errors of the twin service (each becomes a 4xx JSON error).
public enum TwinError: Error, Equatable, Sendable {
    /// No twin for this user.
    case notFound(String)
    /// The user already has a twin.
    case exists(String)
    /// A field breaks a rule.
    case invalid(field: String, rule: String)
    /// No such ingestion of this twin.
    case ingestionNotFound(String)
    /// The ingestion queue is full.
    case busy
    /// No such project or proposal.
    case projectNotFound(String)
    /// No such proposal.
    case proposalNotFound(String)
    /// The caller is not a member of the project.
    case notMember(String)
}
