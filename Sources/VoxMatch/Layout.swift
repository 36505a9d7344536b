import Foundation
import VoxCore

/// The 3D layout of the space: coordinates whose neighbourhoods follow the full embedding's.
///
/// A full layout is a small UMAP: the k-nearest-neighbour graph in the full space (cosine
/// distance) with fuzzy memberships (each point's distances shifted by its nearest and scaled so
/// memberships sum to log2 k, then symmetrised a + b - ab), started from the first three principal
/// components and refined by stochastic gradient steps that pull graph neighbours together and
/// push random others apart (UMAP's curve for min_dist 0.1). Everything draws from a seeded
/// SplitMix64: the same vectors and seed give the same layout.
///
/// A profile that joins later is placed without moving anyone: at its neighbours' weighted mean,
/// then refined alone against them and random others. The bound on how far others move when
/// someone joins is therefore 0; a full re-layout is an explicit operation.
public enum Layout {
    /// Neighbours per point in the graph.
    public static let neighbors = 15
    /// Half the width of the box the first layout fills.
    public static let extent: Float = 10
    /// Most profiles a full re-layout takes (the exact neighbour graph costs O(n^2 d)).
    public static let maxFullLayout = 20_000

    // UMAP's curve 1 / (1 + a d^2b) for min_dist 0.1, spread 1.
    private static let a: Float = 1.577
    private static let b: Float = 0.8951

    /// A full layout of every row of `index`.
    static func full(_ index: VectorIndex, seed: UInt64, epochs: Int = 200) -> [SIMD3<Float>] {
        let n = index.count
        guard n > 0 else { return [] }
        var random = SplitMix64(seed: seed)
        var y = principalComponents(index, random: &random)
        guard n > 3 else { return y }
        let k = min(neighbors, n - 1)
        // Fuzzy neighbour graph.
        var weights: [Int64: Float] = [:]
        for i in 0..<n {
            let near = index.nearest(index.vector(i), k: k, excluding: i)
            for (j, w) in memberships(near) {
                let key = Int64(min(i, j)) << 32 | Int64(max(i, j))
                let old = weights[key] ?? 0
                weights[key] = old + w - old * w
            }
        }
        let edges = weights.sorted { $0.key < $1.key }.map { (Int($0.key >> 32), Int($0.key & 0xffff_ffff), $0.value) }
        let most = edges.map(\.2).max() ?? 1
        for epoch in 0..<epochs {
            let rate = 1 - Float(epoch) / Float(epochs)
            for (i, j, w) in edges where Float(random.nextUnit()) < w / most {
                attract(&y, i, j, rate: rate)
                for _ in 0..<5 {
                    let other = Int(random.next() % UInt64(n))
                    if other != i { repel(&y, i, from: y[other], rate: rate) }
                }
            }
        }
        return y
    }

    /// Where a newcomer with neighbours `near` (rows and cosines, best first) goes, given
    /// everyone's positions; nobody else moves.
    static func place(near: [(score: Float, row: Int)], positions: [SIMD3<Float>], random: inout SplitMix64) -> SIMD3<Float> {
        guard !near.isEmpty else {
            return positions.isEmpty ? .zero : SIMD3(Float(random.nextUnit() * 2 - 1), Float(random.nextUnit() * 2 - 1), 0) * extent
        }
        let members = memberships(near)
        var p = SIMD3<Float>.zero
        var total: Float = 0
        for (row, w) in members {
            p += w * positions[row]
            total += w
        }
        p /= max(total, 1e-6)
        // A little jitter so two identical profiles do not sit on top of each other.
        p += SIMD3(Float(random.nextUnit() - 0.5), Float(random.nextUnit() - 0.5), Float(random.nextUnit() - 0.5)) * 0.05
        guard positions.count > 3 else { return p }
        var y = positions + [p]
        let me = y.count - 1
        for step in 0..<60 {
            let rate = 0.5 * (1 - Float(step) / 60)
            for (row, w) in members { attractOne(&y, me, row, rate: rate * w) }
            for _ in 0..<3 { repel(&y, me, from: y[Int(random.next() % UInt64(positions.count))], rate: rate) }
        }
        return y[me]
    }

    /// Fuzzy memberships of a point's neighbours: exp(-(d - rho) / sigma) with d the cosine
    /// distance, rho the nearest's and sigma set so they sum to log2(k).
    static func memberships(_ near: [(score: Float, row: Int)]) -> [(Int, Float)] {
        guard let first = near.first else { return [] }
        let d = near.map { 1 - $0.score }
        let rho = 1 - first.score
        let target = log2(Float(max(near.count, 2)))
        var lo: Float = 1e-6
        var hi: Float = 10
        var sigma: Float = 1
        for _ in 0..<40 {
            sigma = (lo + hi) / 2
            let sum = d.reduce(Float(0)) { $0 + exp(-max(0, $1 - rho) / sigma) }
            if sum > target { hi = sigma } else { lo = sigma }
        }
        return zip(near, d).map { ($0.row, exp(-max(0, $1 - rho) / sigma)) }
    }

    private static func attract(_ y: inout [SIMD3<Float>], _ i: Int, _ j: Int, rate: Float) {
        let diff = y[i] - y[j]
        let d2 = (diff * diff).sum()
        guard d2 > 0 else { return }
        let coeff = -2 * a * b * pow(d2, b - 1) / (1 + a * pow(d2, b))
        let g = clip(coeff * diff) * rate
        y[i] += g
        y[j] -= g
    }

    private static func attractOne(_ y: inout [SIMD3<Float>], _ i: Int, _ j: Int, rate: Float) {
        let diff = y[i] - y[j]
        let d2 = (diff * diff).sum()
        guard d2 > 0 else { return }
        let coeff = -2 * a * b * pow(d2, b - 1) / (1 + a * pow(d2, b))
        y[i] += clip(coeff * diff) * rate
    }

    private static func repel(_ y: inout [SIMD3<Float>], _ i: Int, from other: SIMD3<Float>, rate: Float) {
        let diff = y[i] - other
        let d2 = (diff * diff).sum()
        let coeff = 2 * b / ((0.001 + d2) * (1 + a * pow(d2, b)))
        y[i] += clip(coeff * diff) * rate
    }

    private static func clip(_ g: SIMD3<Float>) -> SIMD3<Float> {
        g.replacing(with: 4, where: g .> 4).replacing(with: -4, where: g .< -4)
    }

    /// The first three principal components of the rows (power iteration with deflation),
    /// scaled to fill +-``extent``.
    private static func principalComponents(_ index: VectorIndex, random: inout SplitMix64) -> [SIMD3<Float>] {
        let n = index.count
        let d = index.dimension
        var mean = [Float](repeating: 0, count: d)
        for i in 0..<n { for (t, x) in index.vector(i).enumerated() { mean[t] += x / Float(n) } }
        let centred = (0..<n).map { i in zip(index.vector(i), mean).map { $0 - $1 } }
        var axes: [[Float]] = []
        for _ in 0..<3 {
            var v = (0..<d).map { _ in Float(random.nextUnit() - 0.5) }
            for _ in 0..<30 {
                var next = [Float](repeating: 0, count: d)
                for x in centred {
                    let c = zip(x, v).reduce(Float(0)) { $0 + $1.0 * $1.1 }
                    for t in 0..<d { next[t] += c * x[t] }
                }
                for axis in axes {
                    let c = zip(next, axis).reduce(Float(0)) { $0 + $1.0 * $1.1 }
                    for t in 0..<d { next[t] -= c * axis[t] }
                }
                normalize(&next, to: 1)
                if next.allSatisfy({ $0 == 0 }) { break }
                v = next
            }
            axes.append(v)
        }
        var y = centred.map { x in
            SIMD3((0..<3).map { a in zip(x, axes[a]).reduce(Float(0)) { $0 + $1.0 * $1.1 } })
        }
        let most = y.map { max(abs($0.x), abs($0.y), abs($0.z)) }.max() ?? 0
        if most > 0 { y = y.map { $0 * (extent / most) } }
        // Tiny seeded noise breaks exact ties (identical profiles).
        return y.map { $0 + SIMD3(Float(random.nextUnit() - 0.5), Float(random.nextUnit() - 0.5), Float(random.nextUnit() - 0.5)) * 0.01 }
    }
}

/// Measures of how well a layout keeps the full space's structure.
public enum LayoutQuality {
    /// Trustworthiness at `k` (Venna and Kaski): 1 minus a penalty for points that are among a
    /// point's k nearest in the layout but not in the full space, by how far down the full
    /// space's ranking they are. 1 is perfect; `similarity(i, j)` is the full space's cosine.
    public static func trustworthiness(
        count n: Int, positions: [SIMD3<Float>], k: Int, similarity: (Int, Int) -> Float
    ) -> Double {
        guard n > 2 * k + 1 else { return 1 }
        var penalty = 0.0
        for i in 0..<n {
            // Ranks in the full space (1 = nearest).
            let order = (0..<n).filter { $0 != i }.map { ($0, similarity(i, $0)) }.sorted { $0.1 > $1.1 }
            var rank = [Int](repeating: 0, count: n)
            for (r, (j, _)) in order.enumerated() { rank[j] = r + 1 }
            let low = (0..<n).filter { $0 != i }.map { j -> (Int, Float) in
                let diff = positions[i] - positions[j]
                return (j, (diff * diff).sum())
            }.sorted { $0.1 < $1.1 }.prefix(k)
            for (j, _) in low where rank[j] > k { penalty += Double(rank[j] - k) }
        }
        return 1 - 2 / (Double(n) * Double(k) * (2 * Double(n) - 3 * Double(k) - 1)) * penalty
    }

    /// Mean silhouette of labelled points in the layout (Euclidean): for each point, (b - a) /
    /// max(a, b) with a its mean distance to its own group and b to the nearest other group.
    public static func silhouette(positions: [SIMD3<Float>], labels: [Int]) -> Double {
        silhouette(count: positions.count, labels: labels) { i, j in
            let diff = positions[i] - positions[j]
            return Double((diff * diff).sum().squareRoot())
        }
    }

    /// Mean silhouette under any distance.
    public static func silhouette(count n: Int, labels: [Int], distance: (Int, Int) -> Double) -> Double {
        let groups = Set(labels)
        guard groups.count > 1 else { return 0 }
        var total = 0.0
        for i in 0..<n {
            var sums: [Int: (Double, Int)] = [:]
            for j in 0..<n where j != i {
                let s = sums[labels[j]] ?? (0, 0)
                sums[labels[j]] = (s.0 + distance(i, j), s.1 + 1)
            }
            guard let own = sums[labels[i]], own.1 > 0 else { continue }
            let a = own.0 / Double(own.1)
            let b = sums.filter { $0.key != labels[i] }.map { $0.value.0 / Double($0.value.1) }.min() ?? 0
            total += (b - a) / max(a, b, 1e-12)
        }
        return total / Double(n)
    }
}
