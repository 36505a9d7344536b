import Foundation
import Testing
import VoxCore
import VoxMatch
import VoxStore

@testable import VoxTwins

/// BM25's two plans (``SQLiteTwinRepository/bm25(user:query:limit:)``): when the user holds at
/// least half of the full-text index the terms are ranked alone, which must give exactly what
/// intersecting them with the user's owner token gives; a smaller share, or terms the other twins
/// use far more, send the search to the intersection. The share comes from per-user row counts
/// that every write keeps (`twin_fts_rows`), checked here against the index itself.
struct BM25PlanTests {
    static let words = (0..<300).map { "word\($0)" }

    /// `count` memories of `user` made of the shared vocabulary (a few words appear everywhere).
    static func fill(
        _ repository: SQLiteTwinRepository, user: String, count: Int, seed: UInt64, slots: Int = 0, ingestion tag: String = ""
    ) async throws {
        _ = try await repository.createTwin(user: user, name: user, at: 0)
        var random = SplitMix64(seed: seed)
        var distilled = Distilled()
        var vectors: [[[Float]]] = []
        let embedder = HashedTextEmbedder()
        for i in 0..<count {
            let text = (0..<(5 + Int(random.next() % 10))).map { _ in words[Int(random.next() % (1 + random.next() % 300))] }.joined(
                separator: " ")
            distilled.memories.append(
                PendingMemory(
                    kind: .fact, domain: "general", text: text + " \(user) \(i)", importance: 0.5, session: "s", turn: i,
                    validAt: Double(i), slot: slots > 0 ? "\(user)|SLOT\(i % slots)" : nil,
                    sources: [MemorySource(ingestion: "ing_\(user)\(tag)", turns: [i])]))
            vectors.append([embedder.embed(text)])
        }
        let ingestion = Ingestion(
            id: "ing_\(user)\(tag)", user: user, kind: "chat", filename: nil, contentHash: user + tag, at: 0)
        _ = try await repository.submit(ingestion, payload: [1], options: "{}")
        _ = try await repository.commit(ingestion, distilled, vectors: vectors, at: 0)
    }

    static func match(_ terms: [String]) -> String { "text: (" + terms.map { "\"\($0)\"" }.joined(separator: " OR ") + ")" }

    /// A store with Maya's and Sam's twins of `maya` and `sam` memories (none for 0).
    static func store(maya: Int, sam: Int) async throws -> (Store, SQLiteTwinRepository) {
        let store = try Store(directory: temporaryDirectory(), migrations: TwinSchema.migrations)
        let repository = SQLiteTwinRepository(store: store)
        try await fill(repository, user: "maya", count: maya, seed: 3)
        if sam > 0 { try await fill(repository, user: "sam", count: sam, seed: 5) }
        return (store, repository)
    }

    /// Maya's rows for `terms` by each plan: the terms alone (nil when they cannot tell) and the
    /// intersection with her owner token.
    static func plans(_ store: Store, _ repository: SQLiteTwinRepository, _ terms: [String], limit: Int, reading: Int) throws -> (
        alone: [Int64]?, within: [Int64]
    ) {
        let maya = SQLiteTwinRepository.owner("maya")
        let rank = SQLiteTwinRepository.Ranking(token: repository.lengths.token, user: "maya")
        return try store.readSync { db in
            TwinBM25.register(db)
            return (
                try SQLiteTwinRepository.rankedByTermsAlone(db, match(terms), owner: maya, limit: limit, reading: reading, rank: rank),
                try SQLiteTwinRepository.rankedWithinOwner(db, match(terms), owner: maya, limit: limit, rank: rank)
            )
        }
    }

    @Test func aPersonalStoreRanksTheTermsAloneAndGetsTheSameRows() async throws {
        let (store, repository) = try await Self.store(maya: 1500, sam: 0)
        var random = SplitMix64(seed: 9)
        for _ in 0..<40 {
            let terms = (0..<(1 + Int(random.next() % 4))).map { _ in Self.words[Int(random.next() % 300)] }
            let (alone, within) = try Self.plans(store, repository, terms, limit: 50, reading: 50)
            #expect(alone == within, "\(terms)")
            #expect(try await repository.bm25(user: "maya", query: terms.joined(separator: " "), limit: 50) == within)
        }
    }

    @Test func aUserHoldingMostOfASharedIndexGetsTheSameRowsWhicheverPlanRuns() async throws {
        let (store, repository) = try await Self.store(maya: 1200, sam: 400)
        #expect(try store.readSync { db in try SQLiteTwinRepository.rowCounts(db, user: "maya") } == (1200, 1600))
        var random = SplitMix64(seed: 11)
        var alonePlans = 0
        for _ in 0..<40 {
            let terms = (0..<(1 + Int(random.next() % 4))).map { _ in Self.words[Int(random.next() % 300)] }
            let (alone, within) = try Self.plans(store, repository, terms, limit: 30, reading: 80)
            if let alone {
                alonePlans += 1
                #expect(alone == within, "\(terms)")
            }
            #expect(try await repository.bm25(user: "maya", query: terms.joined(separator: " "), limit: 30) == within)
            // Sam holds a quarter of the index: his searches always intersect, and find only his rows.
            let his = try await repository.bm25(user: "sam", query: terms.joined(separator: " "), limit: 30)
            #expect(Set(try await repository.memories(user: "sam", ids: his).map(\.id)) == Set(his))
        }
        #expect(alonePlans >= 30)
    }

    /// Each user's count in `twin_fts_rows` against the index's own count of their rows.
    static func expectCountsMatchTheIndex(_ store: Store, _ users: [String]) throws {
        try store.readSync { db in
            for user in users {
                let counted = try Int.fetchOne(db, sql: "SELECT n FROM twin_fts_rows WHERE user = ?", arguments: [user])
                let indexed = try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM twin_fts WHERE twin_fts MATCH ?",
                    arguments: ["owner:\(SQLiteTwinRepository.owner(user))"])
                #expect((counted ?? 0) == indexed, "\(user)")
            }
        }
    }

    @Test func theRowCountsFollowInsertsDuplicatesSupersessionsAndDeletions() async throws {
        let store = try Store(directory: temporaryDirectory(), migrations: TwinSchema.migrations)
        let repository = SQLiteTwinRepository(store: store)
        // 200 memories in 7 contradiction slots: all but the newest of each slot leave the index.
        try await Self.fill(repository, user: "maya", count: 200, seed: 3, slots: 7)
        try await Self.fill(repository, user: "sam", count: 120, seed: 5)
        // The same memories again, from a second ingestion: duplicates, merged, not indexed twice.
        try await Self.fill(repository, user: "sam", count: 120, seed: 5, ingestion: "b")
        try Self.expectCountsMatchTheIndex(store, ["maya", "sam"])
        let n = try store.readSync { db in try Int.fetchOne(db, sql: "SELECT n FROM twin_fts_rows WHERE user = 'maya'") }
        #expect(n == 7)
        #expect(try await repository.deleteTwin("sam"))
        try Self.expectCountsMatchTheIndex(store, ["maya", "sam"])
        #expect(try store.readSync { db in try SQLiteTwinRepository.rowCounts(db, user: "maya") } == (7, 7))
        #expect(try store.readSync { db in try SQLiteTwinRepository.rowCounts(db, user: "sam") } == (0, 7))
    }

    @Test func theMigrationCountsTheRowsOfAnExistingStore() async throws {
        let directory = temporaryDirectory()
        do {
            let old = try Store(directory: directory, migrations: TwinSchema.migrations)
            try await Self.fill(SQLiteTwinRepository(store: old), user: "maya", count: 90, seed: 3, slots: 4)
            // Back to the store as it was before twins.v4: its memories and no counts.
            try old.writeSync { db, _ in
                try db.execute(sql: "DROP TABLE twin_fts_rows")
                try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'twins.v4'")
            }
        }
        let store = try Store(directory: directory, migrations: TwinSchema.migrations)
        try Self.expectCountsMatchTheIndex(store, ["maya"])
    }

    @Test func theTermsAloneGiveUpWhenAnotherTwinsRowsCrowdTheUsersOut() async throws {
        let (store, repository) = try await Self.store(maya: 300, sam: 300)
        let terms = ["word1", "word2", "word3"]
        let (alone, within) = try Self.plans(store, repository, terms, limit: 50, reading: 50)
        // Sam's rows rank among Maya's: the terms alone cannot tell which 50 are hers.
        #expect(alone == nil)
        #expect(within.count == 50)
        let found = try await repository.bm25(user: "maya", query: terms.joined(separator: " "), limit: 50)
        #expect(found == within)
        let mine = Set(try await repository.memories(user: "maya", ids: found).map(\.id))
        #expect(mine == Set(found))
    }
}

/// Which of a question's words BM25 scores (``SQLiteTwinRepository/selective(_:_:)``) in a store
/// past the bound (1,000 rows, or 5% of them): the selective words, or the rarest when all are
/// common, their frequencies looked up as the Porter stemmer indexes them.
struct BM25TermsTests {
    @Test func commonWordsAreLeftOutAndTheRarestStaysWhenAllAre() async throws {
        let store = try Store(directory: temporaryDirectory(), migrations: TwinSchema.migrations)
        let repository = SQLiteTwinRepository(store: store)
        _ = try await repository.createTwin(user: "maya", name: "Maya", at: 0)
        // 6,000 rows: "alpha" in all, "beta" in a third, "gamma" in a fifth, "delta" in 50 (words
        // the Porter stemmer leaves as they are), and "daily" (indexed as "daili") in half.
        var distilled = Distilled()
        for i in 0..<6000 {
            var words = ["alpha", "row\(i)"]
            if i % 3 == 0 { words.append("beta") }
            if i % 5 == 0 { words.append("gamma") }
            if i % 120 == 0 { words.append("delta") }
            if i % 2 == 0 { words.append("daily") }
            distilled.memories.append(
                PendingMemory(
                    kind: .fact, domain: "general", text: words.joined(separator: " "), importance: 0.5, validAt: Double(i),
                    sources: [MemorySource(ingestion: "ing", turns: [i])]))
        }
        let ingestion = Ingestion(id: "ing", user: "maya", kind: "chat", filename: nil, contentHash: "h", at: 0)
        _ = try await repository.submit(ingestion, payload: [1], options: "{}")
        _ = try await repository.commit(ingestion, distilled, vectors: distilled.memories.map { _ in [[1, 0, 0]] }, at: 0)
        #expect(try store.readSync { db in try SQLiteTwinRepository.rowCounts(db, user: "maya") } == (6000, 6000))
        let selective = { (terms: [String]) in
            try store.readSync { db in try SQLiteTwinRepository.selective(db, terms, rows: 6000) }
        }
        #expect(try selective(["alpha", "delta", "beta"]) == ["delta"])
        #expect(try selective(["alpha", "gamma"]) == ["gamma"])
        #expect(try selective(["alpha", "beta"]) == ["beta"])
        // Looked up as Porter writes them: "alphas" as "alpha", "daily" as "daili" (both common).
        #expect(try selective(["alphas", "beta"]) == ["beta"])
        #expect(try selective(["daily", "beta"]) == ["beta"])
        #expect(try await repository.bm25(user: "maya", query: "alpha beta", limit: 10).count == 10)
        #expect(try await repository.bm25(user: "maya", query: "alpha gamma", limit: 10).count == 10)
        #expect(try await repository.bm25(user: "maya", query: "beta delta", limit: 100).count == 50)
    }
}
