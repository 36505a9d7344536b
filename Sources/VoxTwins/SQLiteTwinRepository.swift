import Foundation
import GRDB
public import VoxStore

/// The twin service's storage in the shared store: the `twin_*` tables, FTS5 for BM25, vectors
/// as float32 blobs. Each write is one transaction with its events (`twins/{user}`).
public struct SQLiteTwinRepository: TwinRepository {
    let store: Store
    /// Row lengths in memory for BM25 (``TwinBM25``).
    let lengths = LengthTables()

    /// The repository over `store` (opened with ``TwinSchema/migrations``).
    public init(store: Store) { self.store = store }

    /// See ``TwinRepository``.
    public func createTwin(user: String, name: String, at: Double) async throws -> Bool {
        try await store.write { db, sink in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM twins WHERE user = ?", arguments: [user]) == nil else { return false }
            try db.execute(sql: "INSERT INTO twins (user, name, created_at) VALUES (?, ?, ?)", arguments: [user, name, at])
            sink.emit("twins/\(user)", json(["type": "created", "user": user]))
            return true
        }
    }

    /// See ``TwinRepository``.
    public func twin(_ user: String) async throws -> TwinRecord? {
        try await store.read { db in try Self.record(db, user) }
    }

    static func record(_ db: Database, _ user: String) throws -> TwinRecord? {
        guard let row = try Row.fetchOne(db, sql: "SELECT name, created_at, style FROM twins WHERE user = ?", arguments: [user]) else {
            return nil
        }
        let style = (row["style"] as String?).flatMap { try? JSONDecoder().decode(StyleAccumulator.self, from: Data($0.utf8)) }
        return TwinRecord(user: user, name: row["name"], createdAt: row["created_at"], style: style ?? StyleAccumulator())
    }

    /// See ``TwinRepository``.
    public func view(_ user: String) async throws -> TwinView? {
        try await store.read { db in
            guard let r = try Self.record(db, user) else { return nil }
            func count(_ table: String) throws -> Int {
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE user = ?", arguments: [user]) ?? 0
            }
            return TwinView(
                user: user, name: r.name, createdAt: r.createdAt, memories: try count("twin_memories"),
                ingestions: try count("twin_ingestions"), entities: try count("twin_entities"), relations: try count("twin_edges"),
                style: r.style.profile)
        }
    }

    /// See ``TwinRepository``.
    public func deleteTwin(_ user: String) async throws -> Bool {
        defer { lengths.drop(user) }
        return try await store.write { db, sink in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM twins WHERE user = ?", arguments: [user]) != nil else { return false }
            try db.execute(sql: "DELETE FROM twin_fts WHERE owner = ?", arguments: [Self.owner(user)])
            for table in [
                "twins", "twin_ingestions", "twin_memories", "twin_vectors", "twin_entities", "twin_edges", "twin_chat",
                "twin_project_members",
                "twin_recommendations", "twin_votes", "twin_fts_rows",
            ] {
                try db.execute(sql: "DELETE FROM \(table) WHERE user = ?", arguments: [user])
            }
            sink.emit("twins/\(user)", json(["type": "deleted", "user": user]))
            return true
        }
    }

    // MARK: - Ingestions

    /// See ``TwinRepository``.
    public func submit(_ ingestion: Ingestion, payload: [UInt8], options: String) async throws -> (Ingestion, duplicate: Bool) {
        try await store.write { db, sink in
            if let row = try Row.fetchOne(
                db, sql: "SELECT \(Self.ingestionColumns) FROM twin_ingestions WHERE user = ? AND content_hash = ?",
                arguments: [ingestion.user, ingestion.contentHash])
            {
                return (Self.ingestion(row), true)
            }
            try db.execute(
                sql: """
                    INSERT INTO twin_ingestions (id, user, kind, filename, content_hash, status, options, payload, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    ingestion.id, ingestion.user, ingestion.kind, ingestion.filename, ingestion.contentHash, ingestion.status.rawValue,
                    options, Data(payload), ingestion.createdAt, ingestion.updatedAt,
                ])
            sink.emit("twins/\(ingestion.user)", Self.progressEvent(ingestion))
            return (ingestion, false)
        }
    }

    /// See ``TwinRepository``.
    public func ingestion(user: String, id: String) async throws -> Ingestion? {
        try await store.read { db in
            try Row.fetchOne(
                db, sql: "SELECT \(Self.ingestionColumns) FROM twin_ingestions WHERE user = ? AND id = ?", arguments: [user, id]
            )
            .map(Self.ingestion)
        }
    }

    /// See ``TwinRepository``.
    public func ingestions(user: String, limit: Int) async throws -> [Ingestion] {
        try await store.read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(Self.ingestionColumns) FROM twin_ingestions WHERE user = ? ORDER BY created_at DESC, rowid DESC LIMIT ?",
                arguments: [user, limit]
            ).map(Self.ingestion)
        }
    }

    /// See ``TwinRepository``.
    public func unfinished() async throws -> [Ingestion] {
        try await store.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT \(Self.ingestionColumns) FROM twin_ingestions WHERE status IN ('queued', 'running') ORDER BY created_at, rowid"
            ).map(Self.ingestion)
        }
    }

    /// See ``TwinRepository``.
    public func payload(_ id: String) async throws -> (user: String, payload: [UInt8], options: String)? {
        try await store.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT user, payload, options FROM twin_ingestions WHERE id = ?", arguments: [id]),
                let data = row["payload"] as Data?
            else { return nil }
            return (row["user"], [UInt8](data), row["options"])
        }
    }

    /// See ``TwinRepository``.
    public func update(_ ingestion: Ingestion) async throws {
        try await store.write { db, sink in
            try Self.write(db, ingestion)
            sink.emit("twins/\(ingestion.user)", Self.progressEvent(ingestion))
        }
    }

    static func write(_ db: Database, _ i: Ingestion) throws {
        let finished = i.status == .done || i.status == .failed
        try db.execute(
            sql: """
                UPDATE twin_ingestions SET status = ?, progress = ?, attempts = ?, items = ?, memories = ?, relations = ?, error = ?,
                updated_at = ?, payload = CASE WHEN ? THEN NULL ELSE payload END WHERE id = ? AND user = ?
                """,
            arguments: [
                i.status.rawValue, i.progress, i.attempts, i.items, i.memories, i.relations, i.error, i.updatedAt, finished, i.id, i.user,
            ])
    }

    /// An ingestion's columns without its payload (a listing must not copy every payload).
    static let ingestionColumns =
        "id, user, kind, filename, content_hash, status, progress, attempts, items, memories, relations, error, created_at, updated_at"

    static func ingestion(_ row: Row) -> Ingestion {
        Ingestion(
            id: row["id"], user: row["user"], kind: row["kind"], filename: row["filename"], contentHash: row["content_hash"],
            status: IngestionStatus(rawValue: row["status"]) ?? .failed, progress: row["progress"], attempts: row["attempts"],
            items: row["items"], memories: row["memories"], relations: row["relations"], error: row["error"],
            createdAt: row["created_at"], updatedAt: row["updated_at"])
    }

    static func progressEvent(_ i: Ingestion) -> String {
        var object: [String: Any] = [
            "type": "ingestion", "id": i.id, "status": i.status.rawValue, "progress": i.progress, "items": i.items,
            "memories": i.memories, "relations": i.relations,
        ]
        if let error = i.error { object["error"] = error }
        return json(object)
    }

    // MARK: - Commits

    /// See ``TwinRepository``.
    public func commit(_ ingestion: Ingestion, _ distilled: Distilled, vectors: [[[Float]]], at: Double) async throws -> CommitResult {
        let (result, rows) = try await store.write { db, sink in
            let result = try Self.apply(db, user: ingestion.user, distilled, vectors: vectors, at: at)
            let rows = try Self.rowLengths(db, ids: Array(result.inserted))
            var done = ingestion
            done.status = .done
            done.progress = 1
            done.items = distilled.items
            done.memories = result.memoryIDs.count
            done.relations = result.relations
            done.updatedAt = at
            try Self.write(db, done)
            sink.emit("twins/\(ingestion.user)", Self.progressEvent(done))
            if !result.memoryIDs.isEmpty || result.relations > 0 {
                sink.emit(
                    "twins/\(ingestion.user)",
                    json([
                        "type": "facts", "ingestion": ingestion.id, "memories": result.memoryIDs.count, "relations": result.relations,
                        "superseded": result.superseded.count, "invalidated": result.invalidated,
                    ]))
            }
            return (result, rows)
        }
        lengths.add(ingestion.user, rows)
        return result
    }

    /// The token counts of rows of the full-text index (``TwinBM25``), of the ids given.
    static func rowLengths(_ db: Database, ids: [Int64]) throws -> [(Int64, Int32)] {
        guard !ids.isEmpty else { return [] }
        return try lengths(
            Row.fetchCursor(db, sql: "SELECT id, sz FROM twin_fts_docsize WHERE id IN (\(ids.map(String.init).joined(separator: ",")))"))
    }

    /// The token counts of all of the user's rows of the full-text index.
    static func rowLengths(_ db: Database, user: String) throws -> [(Int64, Int32)] {
        try lengths(
            Row.fetchCursor(
                db, sql: "SELECT d.id, d.sz FROM twin_memories m JOIN twin_fts_docsize d ON d.id = m.id WHERE m.user = ?",
                arguments: [user]))
    }

    /// (id, tokens) of each (id, docsize blob) row, each blob read where SQLite holds it.
    static func lengths(_ cursor: RowCursor) throws -> [(Int64, Int32)] {
        var out: [(Int64, Int32)] = []
        while let row = try cursor.next() {
            let id: Int64 = row[0]
            out.append((id, try row.withUnsafeData(atIndex: 1) { data in data.map(LengthTables.tokens) ?? 0 }))
        }
        return out
    }

    /// See ``TwinRepository``.
    public func appendChat(user: String, session: String, turns: [ChatTurn], distilled: Distilled, vectors: [[[Float]]], at: Double)
        async throws -> CommitResult
    {
        try await store.write { db, _ in
            for t in turns {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO twin_chat (user, session, turn, role, text, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [user, session, t.turn, t.role, t.text, t.createdAt])
            }
            return try Self.apply(db, user: user, distilled, vectors: vectors, at: at)
        }
    }

    /// See ``TwinRepository``.
    public func chat(user: String, session: String, last count: Int) async throws -> [ChatTurn] {
        try await store.read { db in
            try Row.fetchAll(
                db, sql: "SELECT turn, role, text, created_at FROM twin_chat WHERE user = ? AND session = ? ORDER BY turn DESC LIMIT ?",
                arguments: [user, session, count]
            ).map { ChatTurn(turn: $0["turn"], role: $0["role"], text: $0["text"], createdAt: $0["created_at"]) }.reversed()
        }
    }

    /// Writes memories (merging duplicates, resolving contradictions by time), the style and the
    /// graph relations.
    static func apply(_ db: Database, user: String, _ d: Distilled, vectors: [[[Float]]], at: Double) throws -> CommitResult {
        precondition(vectors.count == d.memories.count)
        var ids: [Int64] = []
        var inserted: Set<Int64> = []
        var superseded: [Int64] = []
        let owner = Self.owner(user)
        for (m, vector) in zip(d.memories, vectors) {
            let hash = Self.hash(m.kind.rawValue + "\n" + m.text)
            if let row = try Row.fetchOne(
                db, sql: "SELECT id, sources FROM twin_memories WHERE user = ? AND hash = ?", arguments: [user, hash])
            {
                let id: Int64 = row["id"]
                var sources = decodeSources(row["sources"])
                for s in m.sources where !sources.contains(s) { sources.append(s) }
                try db.execute(
                    sql: "UPDATE twin_memories SET sources = ? WHERE id = ?", arguments: [encodeSources(Array(sources.prefix(64))), id])
                ids.append(id)
                continue
            }
            try db.executeCached(
                sql: """
                    INSERT INTO twin_memories (user, kind, domain, text, importance, session, turn, created_at, valid_at, expires_at,
                    slot, sources, hash, vector) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    user, m.kind.rawValue, m.domain, m.text, m.importance, m.session, m.turn, at, m.validAt, m.expiresAt, m.slot,
                    encodeSources(m.sources), hash, blob(vector.first ?? []),
                ])
            let id = db.lastInsertedRowID
            ids.append(id)
            inserted.insert(id)
            for part in vector.dropFirst() {
                try db.executeCached(
                    sql: "INSERT INTO twin_vectors (memory, user, vector) VALUES (?, ?, ?)", arguments: [id, user, blob(part)])
            }

            try db.executeCached(
                sql: "INSERT INTO twin_fts (rowid, owner, text) VALUES (?, ?, ?)", arguments: [id, owner, m.searchText])
            if let slot = m.slot { superseded += try resolve(db, user: user, slot: slot, id: id, time: m.validAt ?? at, at: at) }
        }
        try countRows(db, user: user, inserted.count)
        if d.style.messages > 0 {
            var style = try record(db, user)?.style ?? StyleAccumulator()
            style.merge(d.style)
            let text = String(decoding: try JSONEncoder().encode(style), as: UTF8.self)
            try db.execute(sql: "UPDATE twins SET style = ? WHERE user = ?", arguments: [text, user])
        }
        var relations = 0
        var invalidated = 0
        for r in d.relations {
            let memory = r.memory.map { ids[$0] }
            let (added, retired) = try addRelation(db, user: user, r, memory: memory, at: at)
            relations += added
            invalidated += retired
        }
        return CommitResult(memoryIDs: ids, inserted: inserted, superseded: superseded, relations: relations, invalidated: invalidated)
    }

    /// The newer of the slot's current memories wins: the others are superseded (kept, out of
    /// search). Returns the ids superseded.
    static func resolve(_ db: Database, user: String, slot: String, id: Int64, time: Double, at: Double) throws -> [Int64] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT id, COALESCE(valid_at, created_at) AS t FROM twin_memories
                WHERE user = ? AND slot = ? AND superseded_by IS NULL AND id != ?
                """, arguments: [user, slot, id])
        guard !rows.isEmpty else { return [] }
        let newest = rows.max { ($0["t"] as Double, $0["id"] as Int64) < ($1["t"] as Double, $1["id"] as Int64) }!
        let newestTime: Double = newest["t"]
        if newestTime > time {
            // What we just learned is older than what we knew: it goes straight to history.
            try supersede(db, user: user, [id], by: newest["id"], at: at)
            return [id]
        }
        let old = rows.map { $0["id"] as Int64 }
        try supersede(db, user: user, old, by: id, at: at)
        return old
    }

    static func supersede(_ db: Database, user: String, _ ids: [Int64], by winner: Int64, at: Double) throws {
        for id in ids {
            try db.execute(
                sql: "UPDATE twin_memories SET superseded_by = ?, superseded_at = ? WHERE id = ? AND user = ?",
                arguments: [winner, at, id, user])
            try db.execute(sql: "DELETE FROM twin_fts WHERE rowid = ?", arguments: [id])
        }
        try countRows(db, user: user, -ids.count)
    }

    /// Adds `delta` to the user's count of rows in the full-text index (`twin_fts_rows`).
    static func countRows(_ db: Database, user: String, _ delta: Int) throws {
        try db.executeCached(
            sql: "INSERT INTO twin_fts_rows (user, n) VALUES (?, ?) ON CONFLICT (user) DO UPDATE SET n = n + excluded.n",
            arguments: [user, delta])
    }

    // MARK: - Reads

    /// See ``TwinRepository``.
    public func bm25(user: String, query: String, limit: Int) async throws -> [Int64] {
        let terms = Self.queryTerms(query)
        guard !terms.isEmpty else { return [] }
        let owner = Self.owner(user)
        let (loaded, generation) = lengths.loaded(user)
        let lengths = self.lengths
        return try await store.read { db in
            let (mine, all) = try Self.rowCounts(db, user: user)
            // A twin past the bound alone reads its lengths from the index, as bm25() does.
            if !loaded && mine <= LengthTables.maxRows {
                lengths.install(user, LengthTable(try Self.rowLengths(db, user: user)), generation: generation)
            }
            let kept = try Self.selective(db, terms, rows: all)
            let match = "text: (" + kept.map { "\"\($0)\"" }.joined(separator: " OR ") + ")"
            let share = all > 0 ? Double(mine) / Double(all) : 0
            let rank = Ranking(token: lengths.token, user: user)
            TwinBM25.ensureRegistered(db)
            do {
                return try Self.ranked(db, match, owner: owner, limit: limit, share: share, rank: rank)
            } catch let error where TwinBM25.isMissing(error) {
                TwinBM25.register(db)
                return try Self.ranked(db, match, owner: owner, limit: limit, share: share, rank: rank)
            }
        }
    }

    /// How rows are ranked: the ``TwinBM25`` call naming the user's lengths, and its arguments.
    struct Ranking {
        var token: Int
        var user: String
        /// The ORDER BY expression (column weights as `bm25(twin_fts, 0.0, 1.0)`: the owner weighs nothing).
        static let expression = "\(TwinBM25.name)(twin_fts, ?, ?, 0.0, 1.0)"
        var arguments: StatementArguments { [token, user] }
    }

    static func ranked(_ db: Database, _ match: String, owner: String, limit: Int, share: Double, rank: Ranking) throws -> [Int64] {
        if share >= 0.5,
            let found = try Self.rankedByTermsAlone(
                db, match, owner: owner, limit: limit, reading: Int((2 * Double(limit) / share).rounded(.up)), rank: rank)
        {
            return found
        }
        return try Self.rankedWithinOwner(db, match, owner: owner, limit: limit, rank: rank)
    }

    /// The user's rows in the full-text index and all of its rows, from the counts every write keeps.
    static func rowCounts(_ db: Database, user: String) throws -> (mine: Int64, all: Int64) {
        let row = try Row.fetchOne(
            db, sql: "SELECT (SELECT n FROM twin_fts_rows WHERE user = ?), (SELECT SUM(n) FROM twin_fts_rows)", arguments: [user])
        return (row?[0] as Int64? ?? 0, row?[1] as Int64? ?? 0)
    }

    /// The user's best `limit` rows for `match`: the terms intersected with the user's owner token.
    /// Right in any store, but when the user holds most of the index the intersection walks the
    /// owner token's whole list (100,000 entries for 100,000 memories) for a few matching rows.
    static func rankedWithinOwner(_ db: Database, _ match: String, owner: String, limit: Int, rank: Ranking) throws -> [Int64] {
        try Int64.fetchAll(
            db, sql: "SELECT rowid FROM twin_fts WHERE twin_fts MATCH ? ORDER BY \(Ranking.expression) LIMIT ?",
            arguments: ["owner:\(owner) AND \(match)"] + rank.arguments + [limit])
    }

    /// The same rows when the user holds most of the index: the terms ranked alone (the same BM25
    /// scores, as the owner column weighs nothing), the best `reading` rows of every twin read
    /// and the user's kept. Exact whenever at least `limit` of them are the user's (none of the
    /// user's rows further down can outrank them) or the terms match no more rows; nil otherwise
    /// (the caller intersects instead). `bm25(user:query:limit:)` reads twice `limit` over the
    /// user's share, so the plan fails only for terms the other twins use far more than the user.
    static func rankedByTermsAlone(_ db: Database, _ match: String, owner: String, limit: Int, reading: Int, rank: Ranking) throws
        -> [Int64]?
    {
        let rows = try Row.fetchAll(
            db, sql: "SELECT rowid, owner FROM twin_fts WHERE twin_fts MATCH ? ORDER BY \(Ranking.expression) LIMIT ?",
            arguments: [match] + rank.arguments + [max(limit, reading)])
        let mine = rows.filter { ($0[1] as String?) == owner }.map { $0[0] as Int64 }
        return mine.count >= limit || rows.count < max(limit, reading) ? Array(mine.prefix(limit)) : nil
    }

    /// The terms worth scoring: a term in more than 5% of the rows (and over 1,000) is left out,
    /// as BM25 gives it almost no weight while scoring it means walking most of the index (the
    /// rarest term stays when all are common). Frequencies come from FTS5's vocabulary table,
    /// looked up as written, with a plain suffix stripped, and with a final "y" as "i" (the index
    /// holds Porter stems). `rows`: the index's rows.
    static func selective(_ db: Database, _ terms: [String], rows: Int64) throws -> [String] {
        let bound = max(1000, rows / 20)
        guard rows > bound else { return terms }
        var forms: [String: Set<String>] = [:]
        for term in terms {
            // Porter writes a final "y" as "i" ("daily" -> "daili", "party" -> "parti").
            forms[term] = Set([term, stem(term)]).union(term.hasSuffix("y") && term.count > 2 ? [term.dropLast() + "i"] : [])
        }
        let all = Array(Set(forms.values.flatMap { $0 }))
        let marks = all.map { _ in "?" }.joined(separator: ",")
        var df: [String: Int64] = [:]
        for row in try Row.fetchAll(
            db, sql: "SELECT term, doc FROM twin_fts_vocab WHERE term IN (\(marks))", arguments: StatementArguments(all))
        {
            df[row[0]] = row[1]
        }
        let scored = terms.map { term in (term, forms[term, default: []].map { df[$0] ?? 0 }.max() ?? 0) }
        let kept = scored.filter { $0.1 <= bound }.map(\.0)
        return kept.isEmpty ? [scored.min { $0.1 < $1.1 }!.0] : kept
    }

    /// A plain English suffix stripped (a stand-in for the index's Porter stemmer in lookups).
    static func stem(_ w: String) -> String {
        for suffix in ["ing", "edly", "ed", "es", "ly", "s"] where w.count > suffix.count + 3 && w.hasSuffix(suffix) {
            return String(w.dropLast(suffix.count))
        }
        return w
    }

    /// See ``TwinRepository``.
    public func memories(user: String, ids: [Int64]) async throws -> [Memory] {
        guard !ids.isEmpty else { return [] }
        return try await store.read { db in
            let list = ids.map(String.init).joined(separator: ",")
            // By primary key (`+user` keeps the planner off the user index, which would walk
            // every memory of the user), without the vectors.
            let rows = try Row.fetchAll(
                db, sql: "SELECT \(Self.memoryColumns) FROM twin_memories WHERE id IN (\(list)) AND +user = ?", arguments: [user])
            let byID = Dictionary(rows.map { (($0["id"] as Int64), Self.memory($0)) }, uniquingKeysWith: { a, _ in a })
            return ids.compactMap { byID[$0] }
        }
    }

    /// See ``TwinRepository``.
    public func vectors(user: String, dimension: Int) async throws -> (ids: [Int64], vectors: [Float]) {
        try await store.read { db in
            var ids: [Int64] = []
            var vectors: [Float] = []
            func add(_ cursor: RowCursor) throws {
                while let row = try cursor.next() {
                    let id: Int64 = row[0]
                    // The blob as SQLite holds it (no copy per row), appended whole.
                    try row.withUnsafeData(atIndex: 1) { data in
                        guard let data, data.count == dimension * 4 else { return }
                        ids.append(id)
                        Self.appendFloats(data, to: &vectors)
                    }
                }
            }
            // Whole-memory vectors by id: read in the (user, hash) index's order, which needs no
            // sort of 150 MB of rows in a temporary file at 100,000 memories, then put in order.
            try add(
                Row.fetchCursor(
                    db, sql: "SELECT id, vector FROM twin_memories WHERE user = ? AND superseded_by IS NULL", arguments: [user]))
            (ids, vectors) = Self.sortedByID(ids, vectors, dimension: dimension)
            try add(
                Row.fetchCursor(
                    db,
                    sql: """
                        SELECT v.memory, v.vector FROM twin_vectors v JOIN twin_memories m ON m.id = v.memory
                        WHERE v.user = ? AND m.superseded_by IS NULL ORDER BY v.rowid
                        """, arguments: [user]))
            return (ids, vectors)
        }
    }

    /// Appends a stored vector (little-endian float32s) to `vectors`.
    static func appendFloats(_ data: Data, to vectors: inout [Float]) {
        let n = data.count / 4
        let start = vectors.count
        vectors.append(contentsOf: repeatElement(0, count: n))
        vectors.withUnsafeMutableBufferPointer { out in
            data.withUnsafeBytes { raw in
                #if _endian(little)
                    UnsafeMutableRawPointer(out.baseAddress! + start).copyMemory(from: raw.baseAddress!, byteCount: n * 4)
                #else
                    for i in 0..<n {
                        out[start + i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
                    }
                #endif
            }
        }
    }

    /// `ids` ascending with their `dimension`-long rows of `vectors` moved along.
    static func sortedByID(_ ids: [Int64], _ vectors: [Float], dimension: Int) -> ([Int64], [Float]) {
        let order = ids.indices.sorted { ids[$0] < ids[$1] }
        if order.elementsEqual(ids.indices) { return (ids, vectors) }
        var sorted = [Float](repeating: 0, count: vectors.count)
        sorted.withUnsafeMutableBufferPointer { out in
            vectors.withUnsafeBufferPointer { v in
                for (to, from) in order.enumerated() {
                    UnsafeMutableRawPointer(out.baseAddress! + to * dimension).copyMemory(
                        from: v.baseAddress! + from * dimension, byteCount: dimension * 4)
                }
            }
        }
        return (order.map { ids[$0] }, sorted)
    }

    /// See ``TwinRepository``.
    public func history(user: String, of id: Int64) async throws -> [Memory] {
        try await store.read { db in
            guard
                let slot = try String.fetchOne(db, sql: "SELECT slot FROM twin_memories WHERE user = ? AND id = ?", arguments: [user, id])
            else { return [] }
            return try Row.fetchAll(
                db,
                sql: "SELECT \(Self.memoryColumns) FROM twin_memories WHERE user = ? AND slot = ? "
                    + "ORDER BY COALESCE(valid_at, created_at) DESC, id DESC",
                arguments: [user, slot]
            ).map(Self.memory)
        }
    }

    static let memoryColumns =
        "id, kind, domain, text, importance, session, turn, created_at, valid_at, expires_at, superseded_by, sources"

    static func memory(_ row: Row) -> Memory {
        Memory(
            id: row["id"], kind: MemoryKind(rawValue: row["kind"]) ?? .fact, domain: row["domain"], text: row["text"],
            importance: row["importance"], session: row["session"], turn: row["turn"], createdAt: row["created_at"],
            validAt: row["valid_at"], expiresAt: row["expires_at"], supersededBy: row["superseded_by"],
            sources: decodeSources(row["sources"]))
    }

    // MARK: - Encoding

    /// The FTS5 token naming a user's rows (hex, so any user name is one token).
    static func owner(_ user: String) -> String { "u" + Array(user.utf8).map { String($0, radix: 16) }.joined() }

    /// The text's words for an FTS5 query (stop words out, each once, at most 32); each is
    /// quoted when used, so no query syntax gets through. A plural in "-ses" (not "-sses") also
    /// asks for its singular: Porter stems "buses" to "buse" but "bus" to "bu", so the plural
    /// alone never finds the singular.
    static func queryTerms(_ text: String) -> [String] {
        var seen: Set<String> = []
        var terms: [String] = []
        var current = ""
        func add(_ term: String) {
            guard !stopWords.contains(term), seen.insert(term).inserted, terms.count < 32 else { return }
            terms.append(term)
        }
        func flush() {
            defer { current = "" }
            guard !current.isEmpty else { return }
            add(current)
            if let singular = sibilantSingular(current) { add(singular) }
        }
        for ch in text.lowercased() {
            if ch.isLetter || ch.isNumber { current.append(ch) } else { flush() }
        }
        flush()
        return terms
    }

    /// "buses" -> "bus", "campuses" -> "campus"; nil for "classes" (Porter maps "classes" and
    /// "class" alike), for short words ("uses") and for anything else.
    static func sibilantSingular(_ word: String) -> String? {
        guard word.count > 4, word.hasSuffix("ses"), !word.hasSuffix("sses") else { return nil }
        return String(word.dropLast(2))
    }

    static let stopWords: Set<String> = [
        "a", "an", "and", "are", "as", "at", "be", "by", "do", "does", "did", "for", "from", "has", "have", "how", "i", "in", "is", "it",
        "its", "me", "my", "of", "on", "or", "that", "the", "this", "to", "was", "were", "what", "when", "where", "which", "who",
        "why", "with", "you", "your", "she", "he", "her", "his", "they", "them", "their", "about", "would", "could", "should", "can",
        "will", "there", "any", "if", "so", "than", "then", "into", "s", "t",
    ]

    static func hash(_ text: String) -> String {
        var normalized = ""
        var space = false
        for ch in text.lowercased() {
            if ch.isWhitespace {
                space = true
            } else {
                if space && !normalized.isEmpty { normalized.append(" ") }
                space = false
                normalized.append(ch)
            }
        }
        var a: UInt64 = 0xcbf2_9ce4_8422_2325
        var b: UInt64 = 0x8422_2325_cbf2_9ce4
        for byte in normalized.utf8 {
            a = (a ^ UInt64(byte)) &* 0x100_0000_01b3
            b = (b &+ UInt64(byte)) &* 0x9E37_79B9_7F4A_7C15
        }
        return String(a, radix: 16) + String(b, radix: 16)
    }

    static func blob(_ v: [Float]) -> Data {
        var data = Data(capacity: v.count * 4)
        for x in v { withUnsafeBytes(of: x.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }
}

func encodeSources(_ s: [MemorySource]) -> String {
    (try? String(decoding: JSONEncoder().encode(s), as: UTF8.self)) ?? "[]"
}

func decodeSources(_ text: String?) -> [MemorySource] {
    guard let text else { return [] }
    return (try? JSONDecoder().decode([MemorySource].self, from: Data(text.utf8))) ?? []
}

/// A JSON text of a plain object (event payloads).
func json(_ object: [String: Any]) -> String {
    guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return "{}" }
    return String(decoding: data, as: UTF8.self)
}
