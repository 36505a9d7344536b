import Foundation
import Testing
import VoxCore
import VoxMatch
import VoxStore

@testable import VoxTwins

/// BM25's two plans (``SQLiteTwinRepository/bm25(user:query:limit:)``): in a store that holds only
/// the user's twin the terms are ranked alone, which must give exactly what intersecting them with
/// the user's owner token gives; any other twin in the store sends the search to the intersection.
struct BM25PlanTests {
    static let words = (0..<300).map { "word\($0)" }

    /// `count` memories of `user` made of the shared vocabulary (a few words appear everywhere).
    static func fill(_ repository: SQLiteTwinRepository, user: String, count: Int, seed: UInt64) async throws {
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
                    validAt: Double(i),
                    sources: [MemorySource(ingestion: "ing_\(user)", turns: [i])]))
            vectors.append([embedder.embed(text)])
        }
        let ingestion = Ingestion(id: "ing_\(user)", user: user, kind: "chat", filename: nil, contentHash: user, at: 0)
        _ = try await repository.submit(ingestion, payload: [1], options: "{}")
        _ = try await repository.commit(ingestion, distilled, vectors: vectors, at: 0)
    }

    static func match(_ terms: [String]) -> String { "text: (" + terms.map { "\"\($0)\"" }.joined(separator: " OR ") + ")" }

    @Test func aPersonalStoreRanksTheTermsAloneAndGetsTheSameRows() async throws {
        let store = try Store(directory: temporaryDirectory(), migrations: TwinSchema.migrations)
        let repository = SQLiteTwinRepository(store: store)
        try await Self.fill(repository, user: "maya", count: 1500, seed: 3)
        let owner = SQLiteTwinRepository.owner("maya")
        var random = SplitMix64(seed: 9)
        for _ in 0..<40 {
            let terms = (0..<(1 + Int(random.next() % 4))).map { _ in Self.words[Int(random.next() % 300)] }
            let (alone, within) = try store.readSync { db in
                (
                    try SQLiteTwinRepository.rankedByTermsAlone(db, Self.match(terms), owner: owner, limit: 50),
                    try SQLiteTwinRepository.rankedWithinOwner(db, Self.match(terms), owner: owner, limit: 50)
                )
            }
            #expect(alone == within, "\(terms)")
            #expect(try await repository.bm25(user: "maya", query: terms.joined(separator: " "), limit: 50) == within)
        }
    }

    @Test func anotherTwinSendsTheSearchToTheIntersection() async throws {
        let store = try Store(directory: temporaryDirectory(), migrations: TwinSchema.migrations)
        let repository = SQLiteTwinRepository(store: store)
        try await Self.fill(repository, user: "maya", count: 300, seed: 3)
        try await Self.fill(repository, user: "sam", count: 300, seed: 5)
        let maya = SQLiteTwinRepository.owner("maya")
        let terms = ["word1", "word2", "word3"]
        let (alone, within) = try store.readSync { db in
            (
                try SQLiteTwinRepository.rankedByTermsAlone(db, Self.match(terms), owner: maya, limit: 50),
                try SQLiteTwinRepository.rankedWithinOwner(db, Self.match(terms), owner: maya, limit: 50)
            )
        }
        // Sam's rows rank among Maya's: the terms alone cannot tell which 50 are hers.
        #expect(alone == nil)
        #expect(within.count == 50)
        let found = try await repository.bm25(user: "maya", query: terms.joined(separator: " "), limit: 50)
        #expect(found == within)
        let mine = Set(try await repository.memories(user: "maya", ids: found).map(\.id))
        #expect(mine == Set(found))
    }
}
