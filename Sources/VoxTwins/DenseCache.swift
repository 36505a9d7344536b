import Synchronization
import VoxMatch

/// The twins' dense vectors in memory: one exact index per user, loaded from the store on first
/// search and kept in step with commits; least recently used users are dropped beyond a bound
/// (a user whose vectors alone pass it stays, alone).
final class DenseCache: Sendable {
    struct Entry {
        var ids: [Int64] = []
        var rows: [Int64: [Int]] = [:]
        var index: VectorIndex
        var used: UInt64 = 0
        var generation: UInt64 = 0
    }
    private struct State {
        var entries: [String: Entry] = [:]
        var generations: [String: UInt64] = [:]
        var clock: UInt64 = 0
        var evictions = 0
    }
    private let state = Mutex(State())
    let dimension: Int
    /// Vectors kept across users (about 1.9 KB each at 384 dimensions).
    let maxVectors: Int

    init(dimension: Int, maxVectors: Int) {
        self.dimension = dimension
        self.maxVectors = maxVectors
    }

    /// The user's nearest memories to `q`, or nil when the user is not loaded. The scan runs
    /// outside the lock on the entry as it was (searches of any users run side by side; a commit
    /// meanwhile copies the entry rather than wait).
    func nearest(_ user: String, _ q: [Float], k: Int) -> [Int64]? {
        let entry: Entry? = state.withLock { s in
            s.clock += 1
            s.entries[user]?.used = s.clock
            return s.entries[user]
        }
        guard let e = entry else { return nil }
        return Self.distinct(e.index.nearest(q, k: k * Self.rowsPerMemory).map { e.ids[$0.row] }, k: k)
    }

    /// Rows fetched per memory wanted (a memory with parts has several rows).
    static let rowsPerMemory = 4

    /// The first `k` distinct ids, in order.
    static func distinct(_ ids: [Int64], k: Int) -> [Int64] {
        var seen: Set<Int64> = []
        var out: [Int64] = []
        for id in ids where seen.insert(id).inserted {
            out.append(id)
            if out.count == k { break }
        }
        return out
    }

    /// The user's generation (bumped by every change), read before loading from the store.
    func generation(_ user: String) -> UInt64 { state.withLock { $0.generations[user, default: 0] } }

    /// Installs a user's vectors loaded from the store, unless a change happened since
    /// `generation` was read (the next search loads again).
    func install(_ user: String, ids: [Int64], vectors: [Float], generation: UInt64) {
        var index = VectorIndex(dimension: dimension)
        let first = index.append(
            contentsOf: vectors.count == ids.count * dimension ? vectors : Array(vectors.prefix(ids.count * dimension)))
        var rows: [Int64: [Int]] = [:]
        rows.reserveCapacity(ids.count)
        for (i, id) in ids.enumerated() { rows[id, default: []].append(first + i) }
        state.withLock { s in
            guard s.generations[user, default: 0] == generation else { return }
            s.clock += 1
            s.entries[user] = Entry(ids: ids, rows: rows, index: index, used: s.clock, generation: generation)
            evict(&s, keeping: user)
        }
    }

    /// Applies a commit: new vectors in, superseded ones out.
    func apply(_ user: String, added: [(Int64, [Float])], removed: [Int64]) {
        state.withLock { s in
            s.generations[user, default: 0] += 1
            // Taken out of the table so the arrays are changed in place, not copied (100,000
            // vectors are 150 MB).
            guard var e = s.entries.removeValue(forKey: user) else { return }
            for (id, v) in added where v.count == dimension {
                e.rows[id, default: []].append(e.index.append(v))
                e.ids.append(id)
            }
            for id in removed {
                // Highest rows first, so moving the last row into a freed one never moves a row
                // still to be removed from under us.
                for row in (e.rows.removeValue(forKey: id) ?? []).sorted(by: >) {
                    let last = e.ids.count - 1
                    e.index.remove(row: row)
                    if row != last {
                        let moved = e.ids[last]
                        e.ids[row] = moved
                        if let i = e.rows[moved]?.firstIndex(of: last) { e.rows[moved]?[i] = row }
                    }
                    e.ids.removeLast()
                }
            }
            e.generation = s.generations[user, default: 0]
            s.entries[user] = e
        }
    }

    /// Vectors held across users, and users dropped for room since the start.
    var held: (vectors: Int, evictions: Int) {
        state.withLock { s in (s.entries.values.reduce(0) { $0 + $1.ids.count }, s.evictions) }
    }

    /// Forgets a user (deleted twin).
    func drop(_ user: String) {
        state.withLock { s in
            s.entries[user] = nil
            s.generations[user, default: 0] += 1
        }
    }

    private func evict(_ s: inout State, keeping user: String) {
        var total = s.entries.values.reduce(0) { $0 + $1.ids.count }
        while total > maxVectors, let victim = s.entries.filter({ $0.key != user }).min(by: { $0.value.used < $1.value.used }) {
            total -= victim.value.ids.count
            s.entries[victim.key] = nil
            s.evictions += 1
        }
    }
}
