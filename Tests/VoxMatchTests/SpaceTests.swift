import Foundation
import Testing
import VoxCore

@testable import VoxMatch

/// Unit vectors around `clusters` random centres in `dimension` dimensions.
func clusteredVectors(count: Int, dimension: Int, clusters: Int, spread: Float, seed: UInt64) -> ([[Float]], [Int]) {
    var random = SplitMix64(seed: seed)
    func gaussian() -> Float {
        let u = max(random.nextUnit(), 1e-12)
        return Float((-2 * log(u)).squareRoot() * cos(2 * Double.pi * random.nextUnit()))
    }
    let centres = (0..<clusters).map { _ in (0..<dimension).map { _ in gaussian() } }
    var labels: [Int] = []
    let vectors = (0..<count).map { i -> [Float] in
        let c = i % clusters
        labels.append(c)
        var v = centres[c].map { $0 + spread * gaussian() }
        normalize(&v, to: 1)
        return v
    }
    return (vectors, labels)
}

@Suite struct VectorIndexTests {
    /// Brute force, for comparison.
    func bruteForce(_ vectors: [[Float]], _ q: [Float], k: Int, excluding: Int?) -> [Int] {
        vectors.indices.filter { $0 != excluding }.map { ($0, cosine(q, vectors[$0])) }
            .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.prefix(k).map(\.0)
    }

    @Test(arguments: [Float(0.3), 3.0])
    func prunedSearchIsExact(spread: Float) {
        // Clustered and nearly structureless data, after replacements and removals: both exact.
        var (vectors, _) = clusteredVectors(count: 3000, dimension: 48, clusters: 20, spread: spread, seed: 7)
        var index = VectorIndex(dimension: 48)
        for v in vectors { _ = index.append(v) }
        // Changes after the basis was built: replaced and removed rows.
        let (fresh, _) = clusteredVectors(count: 50, dimension: 48, clusters: 5, spread: spread, seed: 8)
        for (i, v) in fresh.enumerated() {
            index.replace(row: i * 7, with: v)
            vectors[i * 7] = v
        }
        for row in [5, 2999 - 1, 100] {
            index.remove(row: row)
            vectors[row] = vectors[vectors.count - 1]
            vectors.removeLast()
        }
        for q in stride(from: 0, to: vectors.count, by: 97) {
            let got = index.nearest(vectors[q], k: 10, excluding: q).map(\.row)
            let want = bruteForce(vectors, vectors[q], k: 10, excluding: q)
            #expect(Set(got) == Set(want), "query \(q)")
        }
    }

    /// Vectors added in bulk (a twin's vectors loaded from the store) are coded as one by one,
    /// after rows added singly, and searches find the same rows with the same scores.
    @Test func bulkAppendCodesAsOneByOne() {
        let (vectors, _) = clusteredVectors(count: 500, dimension: 40, clusters: 8, spread: 0.5, seed: 3)
        var single = VectorIndex(dimension: 40)
        for v in vectors { _ = single.append(v) }
        var bulk = VectorIndex(dimension: 40)
        #expect(bulk.append(contentsOf: vectors.prefix(200).flatMap { $0 }) == 0)
        _ = bulk.append(vectors[200])
        #expect(bulk.append(contentsOf: vectors.suffix(299).flatMap { $0 }) == 201)
        #expect(bulk.count == 500 && bulk.append(contentsOf: []) == 500)
        for row in [0, 199, 200, 201, 499] { #expect(bulk.vector(row) == vectors[row]) }
        for q in stride(from: 0, to: 500, by: 37) {
            let a = single.nearest(vectors[q], k: 10, excluding: q)
            let b = bulk.nearest(vectors[q], k: 10, excluding: q)
            #expect(a.map(\.row) == b.map(\.row) && a.map(\.score) == b.map(\.score), "query \(q)")
        }
    }

    @Test func smallIndexesAndLargeK() {
        var index = VectorIndex(dimension: 4)
        #expect(index.nearest([1, 0, 0, 0], k: 5).isEmpty)
        _ = index.append([1, 0, 0, 0])
        _ = index.append([0, 1, 0, 0])
        #expect(index.nearest([1, 0, 0, 0], k: 5).map(\.row) == [0, 1])
        #expect(index.nearest([1, 0, 0, 0], k: 5, excluding: 0).map(\.row) == [1])
    }
}

@Suite struct LayoutTests {
    @Test func aFullLayoutKeepsNeighbourhoodsAndClusters() {
        let (vectors, labels) = clusteredVectors(count: 1000, dimension: 64, clusters: 10, spread: 0.35, seed: 3)
        var index = VectorIndex(dimension: 64)
        for v in vectors { _ = index.append(v) }
        let y = Layout.full(index, seed: 1)
        let t = LayoutQuality.trustworthiness(count: 1000, positions: y, k: 10) { cosine(vectors[$0], vectors[$1]) }
        let s = LayoutQuality.silhouette(positions: y, labels: labels)
        print("layout of 1000 clustered vectors: trustworthiness@10 \(t), silhouette \(s)")
        #expect(t >= 0.9)
        #expect(s > 0.6)
        // Deterministic.
        #expect(Layout.full(index, seed: 1) == y)
    }

    @Test func aNewcomerMovesNobodyAndLandsNearItsNeighbours() {
        let (vectors, labels) = clusteredVectors(count: 400, dimension: 32, clusters: 8, spread: 0.3, seed: 5)
        var space = MatchSpace(dimension: 32, seed: 9)
        for (i, v) in vectors.enumerated().prefix(399) {
            let summary = ProfileSummary(id: "p\(i)", name: "n\(i)", owner: "", interests: [], avatar: nil, traits: .init())
            _ = space.add(summary, vector: v)
        }
        let before = space.ids.map { space.position($0)! }
        _ = space.add(ProfileSummary(id: "new", name: "new", owner: "", interests: [], avatar: nil, traits: .init()), vector: vectors[399])
        #expect(space.ids.prefix(399).map { space.position($0)! } == before)
        // Its nearest in the layout are mostly of its own cluster.
        let me = space.position("new")!
        let nearest = space.ids.filter { $0 != "new" }.sorted {
            simdDistance(space.position($0)!, me) < simdDistance(space.position($1)!, me)
        }.prefix(10)
        let same = nearest.filter { labels[Int($0.dropFirst())!] == labels[399] }.count
        #expect(same >= 8, "\(same) of 10 layout neighbours share the newcomer's cluster")
    }
}

func simdDistance(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> Float {
    let d = a - b
    return (d * d).sum().squareRoot()
}

@Suite struct RoomTests {
    @Test func roomsRespectCapacityCoverEveryoneAndMergeSmallOnes() {
        let (vectors, labels) = clusteredVectors(count: 600, dimension: 32, clusters: 6, spread: 0.4, seed: 11)
        var settings = MatchSpace.Settings()
        settings.roomCapacity = 12
        var space = MatchSpace(dimension: 32, seed: 2, settings: settings)
        var merges = 0
        for (i, v) in vectors.enumerated() {
            let changes = space.add(
                ProfileSummary(id: "p\(i)", name: "n", owner: "", interests: [], avatar: nil, traits: .init()), vector: v)
            merges += changes.filter { if case .roomsMerged = $0 { true } else { false } }.count
        }
        let rooms = space.roomList
        #expect(rooms.allSatisfy { $0.members.count <= 12 && !$0.members.isEmpty })
        #expect(rooms.reduce(0) { $0 + $1.members.count } == 600)
        for r in rooms { for m in r.members { #expect(space.room(of: m) == r.id) } }
        // Rooms are made of one cluster each, nearly always.
        let pure = rooms.filter { r in Set(r.members.map { labels[Int($0.dropFirst())!] }).count == 1 }.count
        #expect(Double(pure) / Double(rooms.count) > 0.9)
        #expect(rooms.count >= 600 / 12)
        print("rooms: \(rooms.count) for 600 profiles, \(merges) merges, \(pure) single-cluster")
        // Deleting empties and closes rooms; the rest stay consistent.
        for i in 0..<300 { _ = space.remove("p\(i * 2)") }
        #expect(space.roomList.reduce(0) { $0 + $1.members.count } == 300)
        #expect(space.roomList.allSatisfy { !$0.members.isEmpty })
        #expect(merges > 0 || space.roomList.count < rooms.count)
    }
}
