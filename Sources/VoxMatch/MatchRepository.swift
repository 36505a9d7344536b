import Foundation
import GRDB
public import VoxAvatars
public import VoxStore

/// A profile as stored: the profile, its vectors and where it stands.
public struct StoredProfile: Sendable {
    /// The profile.
    public var profile: MatchProfile
    /// The text encoder's vector of the CV and transcript.
    public var text: [Float]
    /// The mean of the interests' vectors.
    public var interests: [Float]
    /// The fused vector.
    public var fused: [Float]
    /// Position in the layout.
    public var position: SIMD3<Float>
    /// Room id.
    public var room: String

    /// A stored profile from its parts.
    public init(profile: MatchProfile, text: [Float], interests: [Float], fused: [Float], position: SIMD3<Float>, room: String) {
        self.profile = profile
        self.text = text
        self.interests = interests
        self.fused = fused
        self.position = position
        self.room = room
    }
}

/// The space's own record: its seed, random state and the encoder its vectors came from.
public struct SpaceRecord: Sendable, Equatable {
    /// Seed of the layout.
    public var seed: UInt64
    /// The generator's state.
    public var random: UInt64
    /// Name of the text encoder the stored vectors came from.
    public var encoder: String
    /// Next room number.
    public var nextRoom: Int

    /// The record.
    public init(seed: UInt64, random: UInt64, encoder: String, nextRoom: Int) {
        self.seed = seed
        self.random = random
        self.encoder = encoder
        self.nextRoom = nextRoom
    }
}

/// One commit of the matchmaking service: profiles written or deleted, positions and rooms
/// changed, and the events, all in one transaction.
public struct MatchChanges: Sendable {
    /// Profiles written whole.
    public var upserts: [StoredProfile] = []
    /// Profiles deleted.
    public var deletes: [String] = []
    /// New positions.
    public var positions: [(String, SIMD3<Float>)] = []
    /// New rooms.
    public var rooms: [(String, String)] = []
    /// The space record.
    public var space: SpaceRecord?
    /// Events.
    public var events: [PendingEvent] = []

    /// Nothing yet.
    public init() {}
}

/// Where the matchmaking service keeps its profiles.
public protocol MatchRepository: Sendable {
    /// The space record (nil on a new store).
    func loadSpace() async throws -> SpaceRecord?
    /// Every profile, in creation order.
    func loadProfiles() async throws -> [StoredProfile]
    /// One profile.
    func profile(_ id: String) async throws -> StoredProfile?
    /// Commits `changes` in one transaction.
    func commit(_ changes: MatchChanges) async throws
    /// Stored vectors of interest terms under `encoder`.
    func terms(_ terms: [String], encoder: String) async throws -> [String: [Float]]
    /// Keeps term vectors.
    func saveTerms(_ vectors: [String: [Float]], encoder: String) async throws
}

/// The matchmaking tables in the shared store (`match_*`).
public struct SQLiteMatchRepository: MatchRepository {
    private let store: Store

    /// The repository on `store` (opened with ``migrations``).
    public init(store: Store) { self.store = store }

    /// The service's schema steps.
    public static let migrations: [StoreMigration] = [
        StoreMigration("match.v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE match_space (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        seed INTEGER NOT NULL, random INTEGER NOT NULL, encoder TEXT NOT NULL, next_room INTEGER NOT NULL
                    );
                    CREATE TABLE match_profiles (
                        key INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE,
                        owner TEXT NOT NULL,
                        profile TEXT NOT NULL,
                        text_vec BLOB NOT NULL, interests_vec BLOB NOT NULL, fused BLOB NOT NULL,
                        x REAL NOT NULL, y REAL NOT NULL, z REAL NOT NULL,
                        room TEXT NOT NULL,
                        created_at REAL NOT NULL, updated_at REAL NOT NULL
                    );
                    CREATE INDEX match_profiles_owner ON match_profiles (owner);
                    CREATE TABLE match_terms (
                        term TEXT NOT NULL, encoder TEXT NOT NULL, vec BLOB NOT NULL,
                        PRIMARY KEY (term, encoder)
                    ) WITHOUT ROWID;
                    """)
        }
    ]

    /// See ``MatchRepository``.
    public func loadSpace() async throws -> SpaceRecord? {
        try await store.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM match_space WHERE id = 1").map {
                SpaceRecord(
                    seed: UInt64(bitPattern: $0["seed"]), random: UInt64(bitPattern: $0["random"]), encoder: $0["encoder"],
                    nextRoom: $0["next_room"])
            }
        }
    }

    /// See ``MatchRepository``.
    public func loadProfiles() async throws -> [StoredProfile] {
        try await store.read { db in try Row.fetchAll(db, sql: "SELECT * FROM match_profiles ORDER BY key").map(Self.stored) }
    }

    /// See ``MatchRepository``.
    public func profile(_ id: String) async throws -> StoredProfile? {
        try await store.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM match_profiles WHERE id = ?", arguments: [id]).map(Self.stored)
        }
    }

    /// See ``MatchRepository``.
    public func commit(_ changes: MatchChanges) async throws {
        try await store.write { db, sink in
            if let s = changes.space {
                try db.executeCached(
                    sql: """
                        INSERT INTO match_space (id, seed, random, encoder, next_room) VALUES (1, ?, ?, ?, ?)
                        ON CONFLICT (id) DO UPDATE SET seed = excluded.seed, random = excluded.random,
                        encoder = excluded.encoder, next_room = excluded.next_room
                        """,
                    arguments: [Int64(bitPattern: s.seed), Int64(bitPattern: s.random), s.encoder, s.nextRoom])
            }
            for p in changes.upserts {
                try db.executeCached(
                    sql: """
                        INSERT INTO match_profiles (id, owner, profile, text_vec, interests_vec, fused, x, y, z, room, created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, profile = excluded.profile,
                        text_vec = excluded.text_vec, interests_vec = excluded.interests_vec, fused = excluded.fused,
                        x = excluded.x, y = excluded.y, z = excluded.z, room = excluded.room, updated_at = excluded.updated_at
                        """,
                    arguments: [
                        p.profile.id, p.profile.owner, try Self.json(p.profile), Self.blob(p.text), Self.blob(p.interests),
                        Self.blob(p.fused), Double(p.position.x), Double(p.position.y), Double(p.position.z), p.room,
                        p.profile.createdAt, p.profile.updatedAt,
                    ])
            }
            for id in changes.deletes {
                try db.executeCached(sql: "DELETE FROM match_profiles WHERE id = ?", arguments: [id])
            }
            for (id, p) in changes.positions {
                try db.executeCached(
                    sql: "UPDATE match_profiles SET x = ?, y = ?, z = ? WHERE id = ?",
                    arguments: [Double(p.x), Double(p.y), Double(p.z), id])
            }
            for (id, room) in changes.rooms {
                try db.executeCached(sql: "UPDATE match_profiles SET room = ? WHERE id = ?", arguments: [room, id])
            }
            for e in changes.events { sink.emit(e.topic, e.data) }
        }
    }

    /// See ``MatchRepository``.
    public func terms(_ terms: [String], encoder: String) async throws -> [String: [Float]] {
        guard !terms.isEmpty else { return [:] }
        return try await store.read { db in
            var out: [String: [Float]] = [:]
            for term in terms {
                if let row = try Row.fetchOne(
                    db, sql: "SELECT vec FROM match_terms WHERE term = ? AND encoder = ?", arguments: [term, encoder])
                {
                    out[term] = Self.floats(row["vec"])
                }
            }
            return out
        }
    }

    /// See ``MatchRepository``.
    public func saveTerms(_ vectors: [String: [Float]], encoder: String) async throws {
        guard !vectors.isEmpty else { return }
        try await store.write { db, _ in
            for (term, v) in vectors.sorted(by: { $0.key < $1.key }) {
                try db.executeCached(
                    sql: "INSERT OR REPLACE INTO match_terms (term, encoder, vec) VALUES (?, ?, ?)",
                    arguments: [term, encoder, Self.blob(v)])
            }
        }
    }

    private static func stored(_ row: Row) throws -> StoredProfile {
        let text: String = row["profile"]
        let profile = try JSONDecoder().decode(MatchProfile.self, from: Data(text.utf8))
        return StoredProfile(
            profile: profile, text: floats(row["text_vec"]), interests: floats(row["interests_vec"]), fused: floats(row["fused"]),
            position: SIMD3(Float(row["x"] as Double), Float(row["y"] as Double), Float(row["z"] as Double)), room: row["room"])
    }

    private static func json(_ p: MatchProfile) throws -> String {
        String(decoding: try JSONEncoder().encode(p), as: UTF8.self)
    }

    /// Little-endian float32s.
    static func blob(_ v: [Float]) -> Data { v.withUnsafeBufferPointer { Data(buffer: $0) } }

    static func floats(_ data: Data) -> [Float] {
        var out = [Float](repeating: 0, count: data.count / 4)
        out.withUnsafeMutableBytes { _ = data.copyBytes(to: $0) }
        return out
    }
}
