import Foundation
import GRDB
import Testing
import VoxStore

@testable import VoxMatch
@testable import VoxTwins

/// Twins whose vectors do not all fit in memory (`TwinConfiguration.maxCachedVectors`, `voxface
/// serve --twin-vectors`): the least recently searched one's vectors are dropped and read again
/// from the store at its next search, and every search finds what it would with room for all.
struct VectorBoundTests {
    static let footprints = [
        (
            "alice",
            "My secret recipe uses cardamom and saffron. I live in Oslo and cycle to work.\n\n"
                + "On Sundays I swim in the fjord. My sister Ingrid teaches chemistry in Bergen.\n"
        ),
        (
            "bob",
            "I collect vintage synthesizers and repair old tape machines.\n\n"
                + "I moved to Lisbon in 2024. My band rehearses on Thursdays near Alfama.\n"
        ),
    ]
    static let questions = [
        ("alice", "cardamom saffron"), ("bob", "vintage synthesizers"), ("alice", "swimming on Sundays"),
        ("bob", "band rehearsal"), ("alice", "sister teaches"), ("bob", "moved to Lisbon"),
    ]

    /// A second server on the same store, holding at most `bound` vectors in memory.
    static func server(_ store: Store, bound: Int) -> TwinService {
        var configuration = TwinConfiguration()
        configuration.maxCachedVectors = bound
        let repository = SQLiteTwinRepository(store: store)
        return TwinService(
            repository: repository, projects: repository, embedder: HashedTextEmbedder(), configuration: configuration,
            clock: { 1_780_000_000 }, compose: offlineComposer)
    }

    @Test func twinsBeyondTheBoundTakeTurnsInMemoryAndFindTheSame() async throws {
        let (twins, store) = try openTwins()
        for (user, text) in Self.footprints {
            _ = try await twins.create(user: user, name: user.capitalized)
            try await ingestNow(twins, user, .text, text)
        }
        var expected: [[Int64]] = []
        for (user, q) in Self.questions { expected.append(try await twins.search(user: user, query: q, k: 5).map(\.memory.id)) }
        #expect(expected.allSatisfy { !$0.isEmpty })
        let roomy = twins.stats
        #expect(roomy.vectorLoads == 2 && roomy.vectorEvictions == 0)

        // Each twin's own count of vectors, from a server that searched only it.
        var sizes: [String: Int] = [:]
        for (user, _) in Self.footprints {
            let alone = Self.server(store, bound: 1_000_000)
            _ = try await alone.search(user: user, query: "anything", k: 1)
            sizes[user] = alone.stats.vectorsInMemory
        }
        #expect(sizes.values.reduce(0, +) == roomy.vectorsInMemory)

        // Room for the larger twin only: every change of twin drops the other's vectors.
        let bound = sizes.values.max()!
        let tight = Self.server(store, bound: bound)
        for round in 0..<3 {
            for (i, (user, q)) in Self.questions.enumerated() {
                let found = try await tight.search(user: user, query: q, k: 5).map(\.memory.id)
                #expect(found == expected[i], "round \(round), \(user): \(q)")
                #expect(tight.stats.vectorsInMemory <= bound)
            }
        }
        let stats = tight.stats
        #expect(stats.vectorLoads == 3 * Self.questions.count)
        #expect(stats.vectorEvictions == 3 * Self.questions.count - 1)

        // What a twin learns while its vectors are out of memory is found at its next search.
        try await ingestNow(tight, "alice", .text, "My favourite cheese is brunost, the brown whey cheese.\n")
        _ = try await tight.search(user: "bob", query: "synthesizers", k: 1)
        let cheese = try await tight.search(user: "alice", query: "brown whey cheese", k: 1)
        #expect(cheese.first?.memory.text.contains("brunost") == true)
    }

    /// The store gives a twin's vectors whole memories first, by id, each row its own.
    @Test func vectorsComeByIDWithTheirRows() async throws {
        let (twins, store) = try openTwins()
        _ = try await twins.create(user: "alice", name: "Alice")
        for (_, text) in Self.footprints { try await ingestNow(twins, "alice", .text, text) }
        let repository = SQLiteTwinRepository(store: store)
        let d = HashedTextEmbedder().dimension
        let (ids, vectors) = try await repository.vectors(user: "alice", dimension: d)
        let memories = try store.readSync { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM twin_memories WHERE user = 'alice' AND superseded_by IS NULL") ?? 0
        }
        #expect(ids.count > memories && vectors.count == ids.count * d)
        #expect(Array(ids.prefix(memories)) == ids.prefix(memories).sorted())
        let stored: [(Int64, [Float])] = try store.readSync { db in
            try Row.fetchAll(db, sql: "SELECT id, vector FROM twin_memories WHERE user = 'alice' AND superseded_by IS NULL").map { row in
                (row[0], SQLiteMatchRepository.floats(row[1]))
            }
        }
        for (id, v) in stored {
            let i = ids.firstIndex(of: id) ?? -1
            #expect(i >= 0)
            guard i >= 0 else { continue }
            #expect(Array(vectors[i * d..<(i + 1) * d]) == v)
        }

        let (sortedIDs, sortedRows) = SQLiteTwinRepository.sortedByID([30, 10, 20], [3, 3.5, 1, 1.5, 2, 2.5], dimension: 2)
        #expect(sortedIDs == [10, 20, 30] && sortedRows == [1, 1.5, 2, 2.5, 3, 3.5])
    }
}
