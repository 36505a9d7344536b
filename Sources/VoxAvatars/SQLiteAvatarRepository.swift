import Foundation
import GRDB
public import VoxStore

/// The avatar service's tables in the shared store (`avatars_*`), with full-text search of
/// memories through FTS5.
public struct SQLiteAvatarRepository: AvatarRepository {
    /// Interactions kept per pair (older ones are dropped).
    public static let historyPerPair = 20

    private let store: Store

    /// The repository on `store` (which must have been opened with ``migrations``).
    public init(store: Store) { self.store = store }

    /// The service's schema steps.
    public static let migrations: [StoreMigration] = [
        StoreMigration("avatars.v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE avatars_world (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        minute REAL NOT NULL, seed INTEGER NOT NULL, random INTEGER NOT NULL,
                        speed REAL NOT NULL, paused INTEGER NOT NULL
                    );
                    CREATE TABLE avatars (
                        key INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE,
                        owner TEXT NOT NULL,
                        profile TEXT NOT NULL,
                        created_at REAL NOT NULL,
                        life TEXT NOT NULL, minutes_in_state REAL NOT NULL,
                        energy REAL NOT NULL, social REAL NOT NULL, curiosity REAL NOT NULL, rest REAL NOT NULL,
                        creativity REAL NOT NULL,
                        pleasure REAL NOT NULL, arousal REAL NOT NULL, dominance REAL NOT NULL,
                        partner INTEGER, conversation_left REAL NOT NULL, matched INTEGER NOT NULL,
                        circle TEXT NOT NULL
                    );
                    CREATE INDEX avatars_owner ON avatars (owner);
                    CREATE TABLE avatars_memories (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        avatar INTEGER NOT NULL REFERENCES avatars (key) ON DELETE CASCADE,
                        text TEXT NOT NULL, importance INTEGER NOT NULL, kind TEXT NOT NULL,
                        created_at REAL NOT NULL, reinforced_at REAL NOT NULL, recalls INTEGER NOT NULL,
                        forget_at REAL NOT NULL
                    );
                    CREATE INDEX avatars_memories_avatar ON avatars_memories (avatar, reinforced_at);
                    CREATE INDEX avatars_memories_forget ON avatars_memories (forget_at);
                    CREATE VIRTUAL TABLE avatars_memories_fts USING fts5 (
                        text, content = 'avatars_memories', content_rowid = 'id', tokenize = 'porter unicode61'
                    );
                    CREATE TRIGGER avatars_memories_ai AFTER INSERT ON avatars_memories BEGIN
                        INSERT INTO avatars_memories_fts (rowid, text) VALUES (new.id, new.text);
                    END;
                    CREATE TRIGGER avatars_memories_ad AFTER DELETE ON avatars_memories BEGIN
                        INSERT INTO avatars_memories_fts (avatars_memories_fts, rowid, text) VALUES ('delete', old.id, old.text);
                    END;
                    CREATE TABLE avatars_relationships (
                        a INTEGER NOT NULL REFERENCES avatars (key) ON DELETE CASCADE,
                        b INTEGER NOT NULL REFERENCES avatars (key) ON DELETE CASCADE,
                        stage TEXT NOT NULL, affinity REAL NOT NULL, trust REAL NOT NULL,
                        attraction_ab REAL NOT NULL, attraction_ba REAL NOT NULL,
                        interactions INTEGER NOT NULL, last_interaction REAL NOT NULL,
                        PRIMARY KEY (a, b)
                    ) WITHOUT ROWID;
                    CREATE INDEX avatars_relationships_b ON avatars_relationships (b);
                    CREATE TABLE avatars_interactions (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        a INTEGER NOT NULL REFERENCES avatars (key) ON DELETE CASCADE,
                        b INTEGER NOT NULL REFERENCES avatars (key) ON DELETE CASCADE,
                        minute REAL NOT NULL, quality REAL NOT NULL, summary TEXT NOT NULL
                    );
                    CREATE INDEX avatars_interactions_pair ON avatars_interactions (a, b, id);
                    """)
        }
    ]

    // MARK: - Loading

    /// See ``AvatarRepository``.
    public func loadWorld() async throws -> WorldRecord? {
        try await store.read { db in
            try Row.fetchOne(db, sql: "SELECT minute, seed, random, speed, paused FROM avatars_world WHERE id = 1").map { row in
                WorldRecord(
                    minute: row[0], seed: UInt64(bitPattern: row[1]), random: SeededRandom(seed: UInt64(bitPattern: row[2])),
                    speed: row[3], paused: row[4])
            }
        }
    }

    /// See ``AvatarRepository``.
    public func loadAvatars() async throws -> [AvatarRecord] {
        try await store.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM avatars ORDER BY key").map { row in try Self.record(row) }
        }
    }

    /// See ``AvatarRepository``.
    public func loadRelationships() async throws -> [Relationship] {
        try await store.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM avatars_relationships ORDER BY last_interaction").map { row in
                var r = Relationship(a: row["a"], b: row["b"])
                r.stage = RelationshipStage(rawValue: row["stage"]) ?? .acquaintances
                r.affinity = row["affinity"]
                r.trust = row["trust"]
                r.attractionAB = row["attraction_ab"]
                r.attractionBA = row["attraction_ba"]
                r.interactions = row["interactions"]
                r.lastInteraction = row["last_interaction"]
                return r
            }
        }
    }

    // MARK: - Avatars

    /// See ``AvatarRepository``.
    public func create(
        id: String, createdAt: Double, make: @escaping @Sendable (Int64) -> SimAvatar,
        events: @escaping @Sendable (SimAvatar) -> [PendingEvent]
    ) async throws -> SimAvatar {
        try await store.write { db, sink in
            let next = (try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'avatars'") ?? 0) + 1
            let avatar = make(next)
            try db.execute(
                sql: """
                    INSERT INTO avatars (key, id, owner, profile, created_at, life, minutes_in_state, energy, social, curiosity,
                        rest, creativity, pleasure, arousal, dominance, partner, conversation_left, matched, circle)
                    VALUES (?, ?, ?, ?, ?, '', 0, 0, 0, 0, 0, 0, 0, 0, 0, NULL, 0, 0, '')
                    """,
                arguments: [avatar.key, avatar.id, avatar.profile.owner, try Self.encode(avatar.profile), createdAt])
            try Self.saveState(db, avatar)
            for event in events(avatar) { sink.emit(event.topic, event.data) }
            return avatar
        }
    }

    /// See ``AvatarRepository``.
    public func update(_ avatar: SimAvatar, events: [PendingEvent]) async throws {
        let profile = try Self.encode(avatar.profile)
        try await store.write { db, sink in
            try db.execute(
                sql: "UPDATE avatars SET profile = ?, owner = ? WHERE key = ?", arguments: [profile, avatar.profile.owner, avatar.key])
            try Self.saveState(db, avatar)
            for event in events { sink.emit(event.topic, event.data) }
        }
    }

    /// See ``AvatarRepository``.
    public func delete(key: Int64, events: [PendingEvent]) async throws {
        try await store.write { db, sink in
            try db.execute(sql: "DELETE FROM avatars_memories WHERE avatar = ?", arguments: [key])
            try db.execute(sql: "DELETE FROM avatars_interactions WHERE a = ? OR b = ?", arguments: [key, key])
            try db.execute(sql: "DELETE FROM avatars_relationships WHERE a = ? OR b = ?", arguments: [key, key])
            try db.execute(sql: "DELETE FROM avatars WHERE key = ?", arguments: [key])
            for event in events { sink.emit(event.topic, event.data) }
        }
    }

    // MARK: - Ticks

    /// See ``AvatarRepository``.
    public func commit(_ changes: WorldChanges) async throws {
        try await store.write { db, sink in try Self.apply(changes, db, sink) }
    }

    /// See ``AvatarRepository``.
    public func commitBlocking(_ changes: WorldChanges) throws {
        try store.writeSync { db, sink in try Self.apply(changes, db, sink) }
    }

    private static func apply(_ changes: WorldChanges, _ db: Database, _ sink: EventSink) throws {
        if let w = changes.world {
            try db.execute(
                sql: "INSERT OR REPLACE INTO avatars_world (id, minute, seed, random, speed, paused) VALUES (1, ?, ?, ?, ?, ?)",
                arguments: [w.minute, Int64(bitPattern: w.seed), Int64(bitPattern: w.random.state), w.speed, w.paused])
        }
        for avatar in changes.avatars { try Self.saveState(db, avatar) }
        for r in changes.relationships {
            try db.executeCached(
                sql: """
                    INSERT OR REPLACE INTO avatars_relationships
                        (a, b, stage, affinity, trust, attraction_ab, attraction_ba, interactions, last_interaction)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    r.a, r.b, r.stage.rawValue, r.affinity, r.trust, r.attractionAB, r.attractionBA, r.interactions,
                    r.lastInteraction,
                ])
        }
        for (a, b, interaction) in changes.interactions {
            try db.executeCached(
                sql: "INSERT INTO avatars_interactions (a, b, minute, quality, summary) VALUES (?, ?, ?, ?, ?)",
                arguments: [a, b, interaction.minute, interaction.quality, interaction.summary])
            try db.executeCached(
                sql: """
                    DELETE FROM avatars_interactions WHERE a = ? AND b = ? AND id <= (
                        SELECT id FROM avatars_interactions WHERE a = ? AND b = ? ORDER BY id DESC LIMIT 1 OFFSET ?)
                    """,
                arguments: [a, b, a, b, Self.historyPerPair])
        }
        for (key, memory) in changes.memories { _ = try Self.insert(db, memory, key) }
        if let now = changes.forgetAt {
            try db.executeCached(sql: "DELETE FROM avatars_memories WHERE forget_at < ?", arguments: [now])
        }
        for event in changes.events { sink.emit(event.topic, event.data) }
    }

    // MARK: - Memories

    /// See ``AvatarRepository``.
    public func addMemory(_ memory: Memory, to key: Int64, events: @escaping @Sendable (Memory) -> [PendingEvent]) async throws -> Memory {
        try await store.write { db, sink in
            let saved = try Self.insert(db, memory, key)
            for event in events(saved) { sink.emit(event.topic, event.data) }
            return saved
        }
    }

    /// See ``AvatarRepository``.
    public func memories(of key: Int64, query: String?, limit: Int, now: Double) async throws -> [Memory] {
        guard let query, let match = Self.ftsQuery(query) else {
            return try await store.read { db in
                // Strongest first: strength falls with (now - reinforced_at) / stability.
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT * FROM avatars_memories WHERE avatar = ? AND forget_at >= ?
                        ORDER BY (? - reinforced_at) / (importance * (1 + recalls)) LIMIT ?
                        """,
                    arguments: [key, now, now, limit]
                ).map(Self.memory)
            }
        }
        return try await store.write { db, _ in
            let found = try Row.fetchAll(
                db,
                sql: """
                    SELECT m.* FROM avatars_memories_fts f JOIN avatars_memories m ON m.id = f.rowid
                    WHERE avatars_memories_fts MATCH ? AND m.avatar = ? AND m.forget_at >= ?
                    ORDER BY bm25(avatars_memories_fts) LIMIT ?
                    """,
                arguments: [match, key, now, limit]
            ).map(Self.memory)
            // Recalling a memory reinforces it.
            var recalled: [Memory] = []
            for var memory in found {
                memory.recalls += 1
                memory.reinforcedAt = now
                try db.execute(
                    sql: "UPDATE avatars_memories SET recalls = ?, reinforced_at = ?, forget_at = ? WHERE id = ?",
                    arguments: [memory.recalls, now, Self.forgetAt(memory), memory.id])
                recalled.append(memory)
            }
            return recalled
        }
    }

    /// See ``AvatarRepository``.
    public func interactions(_ a: Int64, _ b: Int64, limit: Int) async throws -> [Interaction] {
        try await store.read { db in
            try Row.fetchAll(
                db, sql: "SELECT minute, quality, summary FROM avatars_interactions WHERE a = ? AND b = ? ORDER BY id DESC LIMIT ?",
                arguments: [min(a, b), max(a, b), limit]
            ).map { Interaction(minute: $0[0], quality: $0[1], summary: $0[2]) }
        }
    }

    // MARK: - Rows

    /// An FTS5 query matching any of the words of `text` (each quoted, so no query syntax leaks
    /// through); nil when `text` has no words.
    static func ftsQuery(_ text: String) -> String? {
        let words = text.lowercased().split { !$0.isLetter && !$0.isNumber }.prefix(32)
        guard !words.isEmpty else { return nil }
        return words.map { "\"\($0)\"" }.joined(separator: " OR ")
    }

    /// World minute under which the memory's strength is below the floor.
    static func forgetAt(_ m: Memory) -> Double {
        m.reinforcedAt + Memory.stability(importance: m.importance, recalls: m.recalls) * -log(Memory.forgetFloor)
    }

    private static func insert(_ db: Database, _ memory: Memory, _ key: Int64) throws -> Memory {
        try db.executeCached(
            sql: """
                INSERT INTO avatars_memories (avatar, text, importance, kind, created_at, reinforced_at, recalls, forget_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                key, memory.text, memory.importance, memory.kind, memory.createdAt, memory.reinforcedAt, memory.recalls,
                forgetAt(memory),
            ])
        var saved = memory
        saved.id = db.lastInsertedRowID
        return saved
    }

    private static func memory(_ row: Row) -> Memory {
        Memory(
            id: row["id"], text: row["text"], importance: row["importance"], kind: row["kind"], createdAt: row["created_at"],
            reinforcedAt: row["reinforced_at"], recalls: row["recalls"])
    }

    private static func saveState(_ db: Database, _ a: SimAvatar) throws {
        try db.executeCached(
            sql: """
                UPDATE avatars SET life = ?, minutes_in_state = ?, energy = ?, social = ?, curiosity = ?, rest = ?, creativity = ?,
                    pleasure = ?, arousal = ?, dominance = ?, partner = ?, conversation_left = ?, matched = ?, circle = ?
                WHERE key = ?
                """,
            arguments: [
                a.life.rawValue, a.minutesInState, a.needs.energy, a.needs.social, a.needs.curiosity, a.needs.rest,
                a.needs.creativity, a.emotions.pleasure, a.emotions.arousal, a.emotions.dominance, a.partner,
                a.conversationLeft, a.matched, a.circle.map(String.init).joined(separator: ","), a.key,
            ])
    }

    private static func record(_ row: Row) throws -> AvatarRecord {
        let profileText: String = row["profile"]
        let profile = try JSONDecoder().decode(AvatarProfile.self, from: Data(profileText.utf8))
        var avatar = SimAvatar(key: row["key"], id: row["id"], profile: profile)
        avatar.life = LifeState(rawValue: row["life"]) ?? .idle
        avatar.minutesInState = row["minutes_in_state"]
        avatar.needs = Needs(
            energy: row["energy"], social: row["social"], curiosity: row["curiosity"], rest: row["rest"], creativity: row["creativity"])
        avatar.emotions = Emotions(pleasure: row["pleasure"], arousal: row["arousal"], dominance: row["dominance"])
        avatar.partner = row["partner"]
        avatar.restore(
            conversationLeft: row["conversation_left"], matched: row["matched"],
            circle: (row["circle"] as String).split(separator: ",").compactMap { Int64($0) })
        return AvatarRecord(avatar: avatar, createdAt: row["created_at"])
    }

    private static func encode(_ profile: AvatarProfile) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(profile), as: UTF8.self)
    }
}
