import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// BM25 over the twins' FTS5 index, computed as SQLite's own `bm25()` computes it (the same
/// formula, constants, document frequencies, average length and order of operations), except that
/// each row's token count comes from memory instead of FTS5's docsize table. Reading that table
/// is a B-tree lookup per row scored: at 100,000 memories it took three quarters of BM25's time
/// (Benchmarks/README.md, "Twin memory"). Two more differences, neither changing a score: a
/// phrase's document frequency is counted only once a row holds it (the owner phrase of a
/// user's query weighs nothing, and counting it walked all of the user's rows), and a row whose
/// length is not in memory (another user's, or one written since) is read from the index as
/// `bm25()` reads it.
///
/// SQL: `twin_bm25(twin_fts, token, user, weight0, weight1, ...)`, ``LengthTables/token`` and the
/// user naming the lengths table, the weights per column as `bm25()`'s.
enum TwinBM25 {
    /// The auxiliary function's name.
    static let name = "twin_bm25"
    /// BM25's k1 and b, as FTS5 has them.
    static let k1 = 1.2
    static let b = 0.75

    /// Connections the function is registered on (by address; a new connection at a recycled
    /// address is caught by ``isMissing(_:)`` and registered again).
    private static let registered = Mutex<Set<UInt>>([])

    /// Registers the function on `db`'s connection once.
    static func ensureRegistered(_ db: Database) {
        guard let connection = db.sqliteConnection else { return }
        let address = UInt(bitPattern: connection)
        if registered.withLock({ $0.contains(address) }) { return }
        register(db)
        registered.withLock { _ = $0.insert(address) }
    }

    /// Registers the function on `db`'s connection (FTS5 keeps the newest of a name).
    static func register(_ db: Database) {
        let api = UnsafeMutablePointer(mutating: FTS5.api(db))
        _ = api.pointee.xCreateFunction!(api, name, nil, function, nil)
    }

    /// Whether `error` says the connection does not know the function.
    static func isMissing(_ error: any Error) -> Bool {
        (error as? DatabaseError)?.message?.contains(name) ?? false
    }

    /// What one query keeps between its rows (FTS5's auxiliary data for the query).
    final class QueryState {
        let lengths: LengthTable?
        let weights: [Double]
        let rows: Int64
        let averageLength: Double
        /// Per phrase: nil until a row holds it.
        var idf: [Double?]
        var frequency: [Double]

        init(lengths: LengthTable?, weights: [Double], rows: Int64, averageLength: Double, phrases: Int) {
            self.lengths = lengths
            self.weights = weights
            self.rows = rows
            self.averageLength = averageLength
            idf = Array(repeating: nil, count: phrases)
            frequency = Array(repeating: 0, count: phrases)
        }
    }

    /// The auxiliary function: -score, as `bm25()` returns it (lower is better).
    static let function: fts5_extension_function = { api, fts, context, count, values in
        guard let api, let fts else { return }
        let a = api.pointee
        let state: QueryState
        if let saved = a.xGetAuxdata!(fts, 0) {
            state = Unmanaged<QueryState>.fromOpaque(saved).takeUnretainedValue()
        } else {
            var rows: sqlite3_int64 = 0
            var tokens: sqlite3_int64 = 0
            var rc = a.xRowCount!(fts, &rows)
            if rc == SQLITE_OK { rc = a.xColumnTotalSize!(fts, -1, &tokens) }
            guard rc == SQLITE_OK, rows > 0 else { return sqlite3_result_error_code(context, rc == SQLITE_OK ? SQLITE_ERROR : rc) }
            var lengths: LengthTable?
            var weights: [Double] = []
            if let values, count >= 2 {
                let token = Int(sqlite3_value_int64(values[0]))
                if let text = sqlite3_value_text(values[1]) { lengths = LengthTables.table(token: token, user: String(cString: text)) }
                weights = (2..<Int(count)).map { sqlite3_value_double(values[$0]) }
            }
            state = QueryState(
                lengths: lengths, weights: weights, rows: rows, averageLength: Double(tokens) / Double(rows),
                phrases: Int(a.xPhraseCount!(fts)))
            // FTS5 releases it when the query ends (and at once when it cannot keep it).
            let rcSet = a.xSetAuxdata!(fts, Unmanaged.passRetained(state).toOpaque()) { p in
                if let p { Unmanaged<QueryState>.fromOpaque(p).release() }
            }
            guard rcSet == SQLITE_OK else { return sqlite3_result_error_code(context, rcSet) }
        }
        for i in state.frequency.indices { state.frequency[i] = 0 }
        var instances: Int32 = 0
        var rc = a.xInstCount!(fts, &instances)
        for i in 0..<(rc == SQLITE_OK ? instances : 0) {
            var phrase: Int32 = 0
            var column: Int32 = 0
            var offset: Int32 = 0
            rc = a.xInst!(fts, i, &phrase, &column, &offset)
            guard rc == SQLITE_OK else { break }
            state.frequency[Int(phrase)] += Int(column) < state.weights.count ? state.weights[Int(column)] : 1.0
        }
        var length = 0.0
        if rc == SQLITE_OK {
            if let known = state.lengths?.length(of: a.xRowid!(fts)) {
                length = Double(known)
            } else {
                var tokens: Int32 = 0
                rc = a.xColumnSize!(fts, -1, &tokens)
                length = Double(tokens)
            }
        }
        var score = 0.0
        for i in state.frequency.indices where rc == SQLITE_OK && state.frequency[i] != 0 {
            let idf: Double
            if let known = state.idf[i] {
                idf = known
            } else {
                var hits: sqlite3_int64 = 0
                rc = a.xQueryPhrase!(fts, Int32(i), &hits) { _, _, counter in
                    counter?.assumingMemoryBound(to: sqlite3_int64.self).pointee += 1
                    return SQLITE_OK
                }
                guard rc == SQLITE_OK else { break }
                let value = log((Double(state.rows - hits) + 0.5) / (Double(hits) + 0.5))
                idf = value <= 0 ? 1e-6 : value
                state.idf[i] = idf
            }
            let f = state.frequency[i]
            score += idf * ((f * (k1 + 1.0)) / (f + k1 * (1 - b + b * length / state.averageLength)))
        }
        if rc != SQLITE_OK { return sqlite3_result_error_code(context, rc) }
        sqlite3_result_double(context, -1.0 * score)
    }
}

/// One user's row lengths (tokens over all columns, as FTS5's docsize table holds them), by rowid.
final class LengthTable: Sendable {
    let ids: [Int64]
    let lengths: [Int32]

    /// From rows in any order.
    init(_ rows: [(Int64, Int32)]) {
        let sorted = rows.sorted { $0.0 < $1.0 }
        ids = sorted.map(\.0)
        lengths = sorted.map(\.1)
    }

    var count: Int { ids.count }

    func length(of id: Int64) -> Int32? {
        var lo = 0
        var hi = ids.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ids[mid] < id { lo = mid + 1 } else { hi = mid }
        }
        return lo < ids.count && ids[lo] == id ? lengths[lo] : nil
    }

    private init(ids: [Int64], lengths: [Int32]) {
        self.ids = ids
        self.lengths = lengths
    }

    /// This table with `rows` added (a commit's new rows; merged in order, a row already here
    /// takes the new length).
    func adding(_ rows: [(Int64, Int32)]) -> LengthTable {
        let new = rows.sorted { $0.0 < $1.0 }
        var outIDs: [Int64] = []
        var outLengths: [Int32] = []
        outIDs.reserveCapacity(ids.count + new.count)
        outLengths.reserveCapacity(ids.count + new.count)
        var i = 0
        for (id, length) in new {
            while i < ids.count && ids[i] < id {
                outIDs.append(ids[i])
                outLengths.append(lengths[i])
                i += 1
            }
            if i < ids.count && ids[i] == id { i += 1 }
            if outIDs.last == id {
                outLengths[outLengths.count - 1] = length
            } else {
                outIDs.append(id)
                outLengths.append(length)
            }
        }
        outIDs.append(contentsOf: ids[i...])
        outLengths.append(contentsOf: lengths[i...])
        return LengthTable(ids: outIDs, lengths: outLengths)
    }
}

/// The row lengths held in memory, process-wide, for every repository (each names its tables by
/// its ``token``): loaded at a user's first search, kept in step with that repository's commits,
/// dropped with the twin, and bounded (least recently searched users go first).
final class LengthTables: Sendable {
    /// This repository's tables' first key.
    let token: Int

    private struct Entry {
        var table: LengthTable?
        var generation: UInt64 = 0
        var used: UInt64 = 0
    }
    private struct State {
        var entries: [Key: Entry] = [:]
        var clock: UInt64 = 0
        var nextToken = 1
    }
    private struct Key: Hashable {
        var token: Int
        var user: String
    }
    private static let state = Mutex(State())
    /// Rows held across tables (12 bytes each).
    static let maxRows = 4_000_000

    init() {
        token = Self.state.withLock { s in
            s.nextToken += 1
            return s.nextToken - 1
        }
    }

    deinit {
        let token = token
        Self.state.withLock { s in s.entries = s.entries.filter { $0.key.token != token } }
    }

    /// The table the auxiliary function uses.
    static func table(token: Int, user: String) -> LengthTable? {
        state.withLock { s in
            let key = Key(token: token, user: user)
            guard s.entries[key]?.table != nil else { return nil }
            s.clock += 1
            s.entries[key]?.used = s.clock
            return s.entries[key]?.table
        }
    }

    /// Whether `user` has a table, and the generation to load one under.
    func loaded(_ user: String) -> (Bool, UInt64) {
        Self.state.withLock { s in
            let e = s.entries[Key(token: token, user: user)]
            return (e?.table != nil, e?.generation ?? 0)
        }
    }

    /// Installs a table read from the store, unless a write came in since `generation` was read
    /// or it is past the bound alone.
    func install(_ user: String, _ table: LengthTable, generation: UInt64) {
        guard table.count <= Self.maxRows else { return }
        Self.state.withLock { s in
            let key = Key(token: token, user: user)
            guard (s.entries[key]?.generation ?? 0) == generation else { return }
            s.clock += 1
            s.entries[key, default: Entry()].table = table
            s.entries[key]?.used = s.clock
            var total = s.entries.values.reduce(0) { $0 + ($1.table?.count ?? 0) }
            while total > Self.maxRows,
                let oldest = s.entries.filter({ $0.value.table != nil && $0.key != key }).min(by: { $0.value.used < $1.value.used })
            {
                total -= oldest.value.table?.count ?? 0
                s.entries[oldest.key]?.table = nil
            }
        }
    }

    /// A commit's new rows: added to the user's table when loaded (a load under way is not installed).
    func add(_ user: String, _ rows: [(Int64, Int32)]) {
        guard !rows.isEmpty else { return }
        Self.state.withLock { s in
            let key = Key(token: token, user: user)
            s.entries[key, default: Entry()].generation += 1
            if let t = s.entries[key]?.table { s.entries[key]?.table = t.adding(rows) }
        }
    }

    /// The twin is gone.
    func drop(_ user: String) {
        Self.state.withLock { s in
            let key = Key(token: token, user: user)
            s.entries[key, default: Entry()].generation += 1
            s.entries[key]?.table = nil
        }
    }

    /// Decodes a docsize blob: one SQLite varint per column, summed.
    static func tokens(_ blob: some Collection<UInt8>) -> Int32 {
        var total: Int64 = 0
        var i = blob.startIndex
        while i < blob.endIndex {
            var value: UInt64 = 0
            var n = 0
            while i < blob.endIndex {
                let byte = blob[i]
                i = blob.index(after: i)
                n += 1
                if n == 9 {
                    value = (value << 8) | UInt64(byte)
                    break
                }
                value = (value << 7) | UInt64(byte & 0x7F)
                if byte & 0x80 == 0 { break }
            }
            total += Int64(truncatingIfNeeded: value)
        }
        return Int32(clamping: total)
    }
}
