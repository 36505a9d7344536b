import Foundation

/// The fusion rule of the twin's hybrid retrieval (Protocols/twins.md, "Retrieval"): reciprocal
/// rank fusion of BM25 (SQLite FTS5) and dense cosine ranks, plus small terms for importance and
/// recency that break near-ties without overturning what the text says.
///
/// `score = wBM25 / (k + rank_bm25) + wDense / (k + rank_dense) + wImportance * importance
///          + wRecency * 2^(-age / halfLife)`
///
/// with ranks from 1 (a list a memory is absent from adds nothing). Plain logic over values.
public struct HybridRanking: Sendable, Equatable {
    /// RRF's damping constant (60 in the original paper).
    public var k: Double = 60
    /// Weight of the BM25 rank.
    public var bm25Weight: Double = 1
    /// Weight of the dense rank.
    public var denseWeight: Double = 1
    /// Weight of importance (0...1): at most about one rank's worth near the top.
    public var importanceWeight: Double = 0.002
    /// Weight of recency (0...1).
    public var recencyWeight: Double = 0.002
    /// Age at which recency halves (seconds; 180 days).
    public var halfLife: Double = 180 * 86_400
    /// Candidates each retriever contributes.
    public var depth = 50

    /// The default rule.
    public init() {}

    /// One candidate's facts.
    public struct Candidate: Sendable, Equatable {
        /// Memory id.
        public var id: Int64
        /// 0...1.
        public var importance: Double
        /// When it happened or was learned (Unix seconds).
        public var time: Double

        /// A candidate from its parts.
        public init(id: Int64, importance: Double, time: Double) {
            self.id = id
            self.importance = importance
            self.time = time
        }
    }

    /// Fuses the two ranked lists (best first) into scores, best first; `facts` gives importance
    /// and time per id (ids missing from it get neither bonus).
    public func fuse(bm25: [Int64], dense: [Int64], facts: [Int64: Candidate], now: Double) -> [(id: Int64, score: Double)] {
        var scores: [Int64: Double] = [:]
        for (r, id) in bm25.prefix(depth).enumerated() { scores[id, default: 0] += bm25Weight / (k + Double(r + 1)) }
        for (r, id) in dense.prefix(depth).enumerated() { scores[id, default: 0] += denseWeight / (k + Double(r + 1)) }
        var out: [(id: Int64, score: Double)] = []
        out.reserveCapacity(scores.count)
        for (id, base) in scores {
            var s = base
            if let c = facts[id] {
                s += importanceWeight * min(1, max(0, c.importance))
                let age = max(0, now - c.time)
                s += recencyWeight * exp2(-age / halfLife)
            }
            out.append((id, s))
        }
        out.sort { $0.score != $1.score ? $0.score > $1.score : $0.id > $1.id }
        return out
    }

    /// Shortest text (in UTF-8 bytes, after normalising) that counts as shown by another that
    /// contains it; shorter ones ("yes", "ok") are too common to mean the same thing.
    public static let minimumContained = 20

    /// One place of a collapsed list: the text shown and the others it stands for.
    public struct Collapsed: Sendable, Equatable {
        /// Index of the text shown.
        public var index: Int
        /// Indices of the texts it repeats or holds, in rank order.
        public var covers: [Int]

        /// A place from its parts.
        public init(index: Int, covers: [Int] = []) {
            self.index = index
            self.covers = covers
        }
    }

    /// The first `k` of `texts` (best first) with repeats collapsed: of two texts where one
    /// contains the other (a sentence and its passage, a message and its window), only the fuller
    /// one takes a place, at the better rank of the two, and `covers` names the other. Equal texts
    /// collapse whatever their length; containment counts from `minimumContained` bytes.
    /// Compared lower-cased with whitespace collapsed. Plain logic over values.
    public static func collapse(_ texts: [String], k: Int) -> [Collapsed] {
        guard k > 0 else { return [] }
        var kept: [(place: Collapsed, text: [UInt8])] = []
        for (i, raw) in texts.enumerated() {
            let text = normalised(raw)
            if let j = kept.firstIndex(where: { $0.text == text || (text.count >= minimumContained && contains($0.text, text)) }) {
                kept[j].place.covers.append(i)
                continue
            }
            let held = kept.indices.filter { kept[$0].text.count >= minimumContained && contains(text, kept[$0].text) }
            if let first = held.first {
                // The fuller text at the best rank among them; the ones it holds are covered.
                let covers = held.flatMap { [kept[$0].place.index] + kept[$0].place.covers }.sorted()
                kept[first] = (Collapsed(index: i, covers: covers), text)
                for j in held.dropFirst().reversed() { kept.remove(at: j) }
            } else {
                kept.append((Collapsed(index: i), text))
            }
            if kept.count == k { break }
        }
        return kept.map(\.place)
    }

    /// Whether `needle` occurs in `haystack` (bytes: a first-byte scan, then a compare).
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        guard let head = needle.first else { return true }
        return haystack.withUnsafeBufferPointer { h in
            needle.withUnsafeBufferPointer { n in
                var p = 0
                let last = h.count - n.count
                while p <= last {
                    if h[p] == head && memcmp(h.baseAddress! + p, n.baseAddress!, n.count) == 0 { return true }
                    p += 1
                }
                return false
            }
        }
    }

    /// Lower-cased UTF-8 with runs of whitespace made one space and the ends trimmed.
    static func normalised(_ s: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        var space = false
        for scalar in s.lowercased().unicodeScalars {
            if scalar.properties.isWhitespace {
                space = !out.isEmpty
                continue
            }
            if space { out.append(32) }
            space = false
            UTF8.encode(scalar) { out.append($0) }
        }
        return out
    }
}
