import Testing

@testable import VoxTwins

/// The twins' in-memory vectors (``DenseCache``): what a search finds follows the commits, and
/// searches running beside commits see a whole state, never a half-applied one.
struct DenseCacheTests {
    /// A unit vector of 8 dimensions pointing mostly along axis `axis`.
    static func unit(_ axis: Int, _ tilt: Float = 0) -> [Float] {
        var v = [Float](repeating: tilt, count: 8)
        v[axis % 8] = 1
        let n = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return v.map { $0 / n }
    }

    @Test func searchesFollowCommits() {
        let cache = DenseCache(dimension: 8, maxVectors: 1000)
        #expect(cache.nearest("u", Self.unit(0), k: 3) == nil)
        cache.install("u", ids: [1, 2, 3], vectors: [0, 1, 2].flatMap { Self.unit($0) }, generation: cache.generation("u"))
        #expect(cache.nearest("u", Self.unit(1), k: 1) == [2])
        cache.apply("u", added: [(4, Self.unit(1, 0.01)), (5, Self.unit(5))], removed: [2])
        #expect(cache.nearest("u", Self.unit(1), k: 1) == [4])
        #expect(cache.nearest("u", Self.unit(5), k: 1) == [5])
        #expect(Set(cache.nearest("u", Self.unit(0), k: 10) ?? []) == [1, 3, 4, 5])
        // Another user's commits and searches are their own.
        #expect(cache.nearest("v", Self.unit(1), k: 1) == nil)
        cache.drop("u")
        #expect(cache.nearest("u", Self.unit(1), k: 1) == nil)
    }

    @Test func aLoadOverTakenByACommitIsNotInstalled() {
        let cache = DenseCache(dimension: 8, maxVectors: 1000)
        let seen = cache.generation("u")
        cache.apply("u", added: [(9, Self.unit(3))], removed: [])
        cache.install("u", ids: [1], vectors: Self.unit(0), generation: seen)
        #expect(cache.nearest("u", Self.unit(0), k: 1) == nil)
    }

    @Test func searchesBesideCommitsSeeWholeStates() async {
        let cache = DenseCache(dimension: 8, maxVectors: 100_000)
        // 2,000 rows; each commit swaps memory 10_000 + i for 20_000 + i, both along axis 7, so a
        // search along axis 7 finds exactly one of the pair.
        cache.install("u", ids: (0..<2000).map { Int64($0) }, vectors: (0..<2000).flatMap { Self.unit($0 % 7, 0.1) }, generation: 0)
        cache.apply("u", added: [(10_000, Self.unit(7))], removed: [])
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for i in 0..<200 {
                    let from = Int64(i % 2 == 0 ? 10_000 : 20_000)
                    cache.apply("u", added: [(30_000 - from, Self.unit(7))], removed: [from])
                }
                return true
            }
            for _ in 0..<3 {
                group.addTask {
                    (0..<200).allSatisfy { _ in
                        let found = cache.nearest("u", Self.unit(7), k: 1) ?? []
                        return found == [10_000] || found == [20_000]
                    }
                }
            }
            for await whole in group { #expect(whole) }
        }
        #expect(cache.nearest("u", Self.unit(7), k: 1) == [10_000])
        #expect(cache.nearest("u", Self.unit(0), k: 5000)?.count == 2001)
    }
}
