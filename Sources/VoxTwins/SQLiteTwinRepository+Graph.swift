import Foundation
import GRDB

extension SQLiteTwinRepository {
    /// Adds a relation with the bi-temporal rules (Protocols/twins.md, "The graph"):
    /// - the same relation already believed: its sources grow, nothing else;
    /// - an `ended` relation ("I left Acme"): the believed edge gets `invalid_at` (when it ended)
    ///   and `expired_at` (now); with none, the ended edge is recorded with its `invalid_at`;
    /// - a functional predicate (one object at a time, e.g. `LIVES_IN`) with a new object: the
    ///   believed edge is invalidated at the new one's `valid_at` and retired, unless the new fact
    ///   is older, in which case the new edge is recorded as having ended when the newer began.
    /// Edges are never deleted. Returns (edges added, edges invalidated).
    static func addRelation(_ db: Database, user: String, _ r: PendingRelation, memory: Int64?, at: Double) throws -> (Int, Int) {
        let rel = r.relation
        let s = try entity(db, user: user, name: rel.subject, type: rel.subjectType, at: at)
        let o = try entity(db, user: user, name: rel.object, type: rel.objectType, at: at)
        let believed = try Row.fetchAll(
            db,
            sql: """
                SELECT id, object, valid_at, sources FROM twin_edges
                WHERE user = ? AND subject = ? AND predicate = ? AND expired_at IS NULL AND invalid_at IS NULL
                """, arguments: [user, s, rel.predicate])
        let sources = encodeSources(r.sources)
        func insert(validAt: Double?, invalidAt: Double?) throws {
            try db.executeCached(
                sql: """
                    INSERT INTO twin_edges (user, subject, predicate, object, fact, valid_at, invalid_at, created_at, memory, sources)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [user, s, rel.predicate, o, String(r.fact.prefix(2000)), validAt, invalidAt, at, memory, sources])
        }
        if rel.ended {
            let same = believed.filter { ($0["object"] as Int64) == o }
            guard !same.isEmpty else {
                try insert(validAt: nil, invalidAt: r.validAt ?? at)
                return (1, 0)
            }
            for row in same {
                try db.execute(
                    sql: "UPDATE twin_edges SET invalid_at = ?, expired_at = ? WHERE id = ?",
                    arguments: [r.validAt ?? at, at, row["id"] as Int64])
            }
            return (0, same.count)
        }
        if let same = believed.first(where: { ($0["object"] as Int64) == o }) {
            var list = decodeSources(same["sources"])
            for x in r.sources where !list.contains(x) { list.append(x) }
            try db.execute(
                sql: "UPDATE twin_edges SET sources = ?, valid_at = MIN(COALESCE(valid_at, ?), COALESCE(?, valid_at)) WHERE id = ?",
                arguments: [encodeSources(Array(list.prefix(64))), r.validAt, r.validAt, same["id"] as Int64])
            return (0, 0)
        }
        guard Distiller.functional.contains(rel.predicate), !believed.isEmpty else {
            try insert(validAt: r.validAt, invalidAt: nil)
            return (1, 0)
        }
        let newTime = r.validAt ?? at
        let newer = believed.filter { (($0["valid_at"] as Double?) ?? -.infinity) > newTime }
        if let next = newer.compactMap({ $0["valid_at"] as Double? }).min() {
            // Older news: it held until the believed edge began.
            try insert(validAt: r.validAt, invalidAt: next)
            return (1, 0)
        }
        for row in believed {
            try db.execute(
                sql: "UPDATE twin_edges SET invalid_at = ?, expired_at = ? WHERE id = ?", arguments: [newTime, at, row["id"] as Int64])
        }
        try insert(validAt: r.validAt, invalidAt: nil)
        return (1, believed.count)
    }

    /// The entity's id, created on first sight (matched by type and normalised name).
    static func entity(_ db: Database, user: String, name: String, type: EntityType, at: Double) throws -> Int64 {
        let norm = normalise(name)
        if let id = try Int64.fetchOne(
            db, sql: "SELECT id FROM twin_entities WHERE user = ? AND type = ? AND norm = ?", arguments: [user, type.rawValue, norm])
        {
            return id
        }
        try db.executeCached(
            sql: "INSERT INTO twin_entities (user, type, name, norm, created_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [user, type.rawValue, String(name.prefix(200)), norm, at])
        return db.lastInsertedRowID
    }

    static func normalise(_ name: String, limit: Int = 200) -> String {
        String(name.lowercased().split { !$0.isLetter && !$0.isNumber }.joined(separator: " ").prefix(limit))
    }

    /// See ``TwinRepository``.
    public func graph(user: String, knownAt: Double, includeRetired: Bool, limit: Int) async throws -> [GraphFact] {
        try await store.read { db in
            let filter = includeRetired ? "" : "AND e.created_at <= ? AND (e.expired_at IS NULL OR e.expired_at > ?)"
            let arguments: StatementArguments = includeRetired ? [user, limit] : [user, knownAt, knownAt, limit]
            return try Row.fetchAll(
                db, sql: Self.edgeSelect + " WHERE e.user = ? \(filter) ORDER BY e.id DESC LIMIT ?", arguments: arguments
            )
            .map(Self.fact)
        }
    }

    /// See ``TwinRepository``.
    public func facts(user: String, mentionedIn text: String, limit: Int) async throws -> [GraphFact] {
        let phrases = Self.phrases(Self.normalise(text, limit: Self.maxMentionText))
        guard !phrases.isEmpty, limit > 0 else { return [] }
        return try await store.read { db in
            // The entities named: each phrase looked up by the (user, norm) index.
            var ids: [Int64] = []
            for start in stride(from: 0, to: phrases.count, by: 500) {
                let chunk = phrases[start..<min(start + 500, phrases.count)]
                let marks = chunk.map { _ in "?" }.joined(separator: ",")
                ids += try Int64.fetchAll(
                    db, sql: "SELECT id FROM twin_entities WHERE user = ? AND type != 'user' AND norm IN (\(marks))",
                    arguments: StatementArguments([user] + chunk))
            }
            guard !ids.isEmpty else { return [] }
            let list = ids.prefix(500).map(String.init).joined(separator: ",")
            // Each side through its own index (an OR of the two makes SQLite walk all the user's edges).
            return try Row.fetchAll(
                db,
                sql: Self.edgeSelect
                    + """
                     WHERE e.id IN (
                        SELECT id FROM twin_edges WHERE user = ? AND subject IN (\(list))
                        UNION SELECT id FROM twin_edges WHERE user = ? AND object IN (\(list)))
                    AND e.expired_at IS NULL
                    ORDER BY COALESCE(e.valid_at, e.created_at) DESC, e.id DESC LIMIT ?
                    """, arguments: [user, user, limit]
            ).map(Self.fact)
        }
    }

    /// Characters of a normalised text searched for names (a longer one is read to here).
    static let maxMentionText = 20_000
    /// Words in the longest name looked up.
    static let maxNameWords = 8

    /// The runs of 1 to `maxNameWords` consecutive words of a normalised text that could be an
    /// entity's normalised name, each once (a single word needs 3 characters or more).
    static func phrases(_ normalised: String) -> [String] {
        let words = normalised.split(separator: " ")
        var seen: Set<String> = []
        var out: [String] = []
        for i in words.indices {
            var phrase = ""
            for j in i..<min(words.count, i + maxNameWords) {
                phrase += (j == i ? "" : " ") + words[j]
                if j == i && words[j].count < 3 { continue }
                if seen.insert(phrase).inserted { out.append(phrase) }
            }
        }
        return out
    }

    /// See ``TwinRepository``.
    public func facts(user: String, fromMemories memories: [Int64], limit: Int) async throws -> [GraphFact] {
        let wanted = Array(memories.prefix(500))
        guard !wanted.isEmpty, limit > 0 else { return [] }
        let list = wanted.map(String.init).joined(separator: ",")
        let rows = try await store.read { db in
            try Row.fetchAll(
                db,
                sql: Self.edgeSelect
                    + " WHERE e.user = ? AND e.expired_at IS NULL AND e.memory IN (\(list)) ORDER BY e.id DESC LIMIT 10000",
                arguments: [user]
            ).map(Self.fact)
        }
        return Array(rows.ordered(byRankOf: wanted).prefix(limit))
    }

    static let edgeSelect = """
        SELECT e.id, e.predicate, e.fact, e.valid_at, e.invalid_at, e.created_at, e.expired_at, e.memory, e.sources,
        s.id AS sid, s.type AS stype, s.name AS sname, o.id AS oid, o.type AS otype, o.name AS oname
        FROM twin_edges e JOIN twin_entities s ON s.id = e.subject JOIN twin_entities o ON o.id = e.object
        """

    static func fact(_ row: Row) -> GraphFact {
        GraphFact(
            id: row["id"],
            subject: GraphEntity(id: row["sid"], type: EntityType(rawValue: row["stype"]) ?? .person, name: row["sname"]),
            predicate: row["predicate"],
            object: GraphEntity(id: row["oid"], type: EntityType(rawValue: row["otype"]) ?? .person, name: row["oname"]),
            fact: row["fact"], validAt: row["valid_at"], invalidAt: row["invalid_at"], createdAt: row["created_at"],
            expiredAt: row["expired_at"], memory: row["memory"], sources: decodeSources(row["sources"]))
    }
}

extension Array where Element == GraphFact {
    /// The facts in the rank of the memory each came from in `memories` (best first), those from
    /// no listed memory last; stable, so facts of one memory keep their order.
    func ordered(byRankOf memories: [Int64]) -> [GraphFact] {
        var place: [Int64: Int] = [:]
        for (i, id) in memories.enumerated() where place[id] == nil { place[id] = i }
        return enumerated().sorted { a, b in
            let (pa, pb) = (a.element.memory.flatMap { place[$0] } ?? .max, b.element.memory.flatMap { place[$0] } ?? .max)
            return pa != pb ? pa < pb : a.offset < b.offset
        }.map(\.element)
    }
}
