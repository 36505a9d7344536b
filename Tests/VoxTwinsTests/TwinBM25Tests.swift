import Foundation
import GRDB
import Testing
import VoxCore
import VoxStore

@testable import VoxTwins

/// ``TwinBM25`` against SQLite's own `bm25()` (the reference): the same score for every row,
/// bit for bit, whether a row's length comes from memory or from the index, for a user's rows
/// and another user's, before and after commits; the lengths in memory are FTS5's own and are
/// what the function reads; a deleted twin's lengths go.
struct TwinBM25Tests {
    /// Every row matching `match`: (rowid, bm25(), twin_bm25()) for `user`'s lengths.
    static func scores(_ store: Store, _ repository: SQLiteTwinRepository, user: String, _ match: String) throws -> [(
        Int64, Double, Double
    )] {
        try store.readSync { db in
            TwinBM25.register(db)
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT rowid, bm25(twin_fts, 0.0, 1.0), \(TwinBM25.name)(twin_fts, ?, ?, 0.0, 1.0)
                    FROM twin_fts WHERE twin_fts MATCH ?
                    """,
                arguments: [repository.lengths.token, user, match]
            ).map { ($0[0], $0[1], $0[2]) }
        }
    }

    static func queries(seed: UInt64) -> [[String]] {
        var random = SplitMix64(seed: seed)
        return (0..<30).map { _ in (0..<(1 + Int(random.next() % 5))).map { _ in BM25PlanTests.words[Int(random.next() % 300)] } }
    }

    static func expectEqualScores(
        _ store: Store, _ repository: SQLiteTwinRepository, user: String, seed: UInt64, atLeast: Int = 1000,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        var rows = 0
        for terms in queries(seed: seed) {
            for match in [BM25PlanTests.match(terms), "owner:\(SQLiteTwinRepository.owner(user)) AND " + BM25PlanTests.match(terms)] {
                for (id, reference, ours) in try scores(store, repository, user: user, match) {
                    #expect(ours == reference, "row \(id) for \(match)", sourceLocation: sourceLocation)
                    rows += 1
                }
            }
        }
        #expect(rows >= atLeast, sourceLocation: sourceLocation)
    }

    @Test func scoresEqualSQLitesBM25ForTheUsersRowsAndOthers() async throws {
        let (store, repository) = try await BM25PlanTests.store(maya: 1500, sam: 400)
        // Before any search nothing is in memory: every length is read from the index.
        #expect(LengthTables.table(token: repository.lengths.token, user: "maya") == nil)
        try Self.expectEqualScores(store, repository, user: "maya", seed: 1)
        // The first search loads Maya's lengths; Sam's rows (scored by the terms-alone plan) still
        // read theirs from the index.
        _ = try await repository.bm25(user: "maya", query: "word1", limit: 10)
        let table = try #require(LengthTables.table(token: repository.lengths.token, user: "maya"))
        #expect(table.count == 1500)
        try Self.expectEqualScores(store, repository, user: "maya", seed: 2)
    }

    @Test func theLengthsInMemoryAreFTS5sAndAreTheOnesRead() async throws {
        let (store, repository) = try await BM25PlanTests.store(maya: 600, sam: 0)
        _ = try await repository.bm25(user: "maya", query: "word1", limit: 10)
        let table = try #require(LengthTables.table(token: repository.lengths.token, user: "maya"))
        // FTS5's own count: each memory's tokens in both columns (text and the owner token).
        let counted = try store.readSync { db in
            try Row.fetchAll(db, sql: "SELECT rowid, text FROM twin_fts").map { ($0[0] as Int64, $0[1] as String) }
        }
        #expect(counted.count == 600)
        for (id, text) in counted {
            let words = text.split { !$0.isLetter && !$0.isNumber }.count
            #expect(table.length(of: id) == Int32(words + 1), "row \(id)")
        }
        // Lengths that are wrong on purpose change the scores: the function reads them.
        repository.lengths.install(
            "maya", LengthTable(counted.map { ($0.0, 1) }), generation: repository.lengths.loaded("maya").1)
        let changed = try Self.scores(store, repository, user: "maya", BM25PlanTests.match(["word1", "word7"]))
        #expect(!changed.isEmpty)
        #expect(changed.contains { $0.1 != $0.2 })
    }

    @Test func commitsAddTheirRowsAndADeletedTwinsLengthsGo() async throws {
        let (store, repository) = try await BM25PlanTests.store(maya: 500, sam: 200)
        _ = try await repository.bm25(user: "maya", query: "word1", limit: 10)
        _ = try await repository.bm25(user: "sam", query: "word1", limit: 10)
        // New memories after the load, a different mix: in memory at once, and scored the same.
        try await BM25PlanTests.fill(repository, user: "maya", count: 300, seed: 17, ingestion: "b")
        #expect(LengthTables.table(token: repository.lengths.token, user: "maya")?.count == 800)
        try Self.expectEqualScores(store, repository, user: "maya", seed: 3)
        #expect(try await repository.deleteTwin("maya"))
        #expect(LengthTables.table(token: repository.lengths.token, user: "maya") == nil)
        #expect(LengthTables.table(token: repository.lengths.token, user: "sam")?.count == 200)
        try Self.expectEqualScores(store, repository, user: "sam", seed: 4, atLeast: 500)
    }

    /// A connection that does not know the function (new, or at the address of one that did)
    /// fails with an error ``TwinBM25/isMissing(_:)`` recognises, which sends the search to
    /// register it and try again; a search through the repository then succeeds on any connection.
    @Test func aConnectionWithoutTheFunctionIsRecognised() async throws {
        let (store, repository) = try await BM25PlanTests.store(maya: 50, sam: 0)
        let rank = SQLiteTwinRepository.Ranking(token: repository.lengths.token, user: "maya")
        let error = try store.readSync { db in
            do {
                _ = try SQLiteTwinRepository.rankedWithinOwner(
                    db, BM25PlanTests.match(["word1"]), owner: SQLiteTwinRepository.owner("maya"), limit: 10, rank: rank)
                return nil as (any Error)?
            } catch {
                return error
            }
        }
        let missing = try #require(error)
        #expect(TwinBM25.isMissing(missing))
        #expect(!TwinBM25.isMissing(DatabaseError(resultCode: .SQLITE_ERROR, message: "no such table: twin_fts")))
        #expect(!(try await repository.bm25(user: "maya", query: "word1 word2", limit: 10)).isEmpty)
    }

    @Test func aTableMergesNewRowsInOrder() {
        let table = LengthTable([(5, 50), (1, 10), (9, 90)])
        let merged = table.adding([(7, 70), (1, 11), (12, 120), (3, 30)])
        #expect(merged.ids == [1, 3, 5, 7, 9, 12])
        #expect(merged.lengths == [11, 30, 50, 70, 90, 120])
        #expect(merged.length(of: 4) == nil)
        #expect(table.length(of: 9) == 90)
    }

    @Test func docsizeBlobsDecodeAsSQLiteVarints() {
        #expect(LengthTables.tokens([]) == 0)
        #expect(LengthTables.tokens([1, 7]) == 8)
        // 0x81 0x00 is 128; 0x82 0x80 0x01 is 2 * 16384 + 1.
        #expect(LengthTables.tokens([0x81, 0x00, 5]) == 133)
        #expect(LengthTables.tokens([0x82, 0x80, 0x01]) == 32769)
    }
}
