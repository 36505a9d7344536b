import FoundationEssentials
public import GRDB
import Synchronization

/// The embedded store: one SQLite database (`voxface.sqlite`, WAL mode) in the data directory,
/// shared by every service, each with its own tables (`avatars_*`, ...) and versioned migrations,
/// plus the event log behind `GET /v1/events`.
///
/// A write is one transaction: its rows and the events it emits commit together or not at all,
/// and the events are handed to the live handler only after the commit, in `seq` order.
/// Durability: WAL with `synchronous=NORMAL`, so a committed write survives the process being
/// killed (`kill -9`); a power cut may lose the last commits (SQLite's WAL trade-off).
/// Thread-safe: writes are serialised by the database's writer queue, reads run concurrently.
public final class Store: Sendable {
    /// The database file's name in the data directory.
    public static let fileName = "voxface.sqlite"
    /// Events a single transaction may emit.
    public static let maxEventsPerWrite = 100_000

    /// The database file.
    public let path: String
    /// Most events kept in the log; older ones are pruned (a client resuming from before them
    /// is told so).
    public let eventRetention: Int
    private let pool: DatabasePool
    /// Last assigned event sequence number.
    private let sequence: Mutex<Int64>
    /// Rows in the event log (kept in memory; see ``prune(_:count:)``).
    private let logged: Mutex<Int>
    private let pruned: Mutex<Int64>
    private let handler = Mutex<(@Sendable ([StoredEvent]) -> Void)?>(nil)
    private let clock: @Sendable () -> Double

    /// Opens (creating when needed) the store in `directory` and applies `migrations` in order.
    /// - Throws: ``StoreError/cannotOpen(path:reason:)`` when the directory or file cannot be
    ///   created or opened, ``StoreError/newerSchema(path:unknown:)`` for a database from a newer
    ///   build.
    /// - Parameter maxPageCount: caps the file's size in pages (tests simulate a full disk).
    public init(
        directory: String, migrations: [StoreMigration], eventRetention: Int = 200_000, maxPageCount: Int? = nil,
        clock: @escaping @Sendable () -> Double = Store.unixTime
    ) throws(StoreError) {
        precondition(eventRetention >= 1, "event retention must be positive")
        let path = directory.hasSuffix("/") ? directory + Self.fileName : directory + "/" + Self.fileName
        self.path = path
        self.eventRetention = eventRetention
        self.clock = clock
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .cannotOpen(path: directory, reason: "cannot create the directory (\(Self.reason(error)))")
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            if let maxPageCount { try db.execute(sql: "PRAGMA max_page_count = \(maxPageCount)") }
        }
        let pool: DatabasePool
        do { pool = try DatabasePool(path: path, configuration: configuration) } catch {
            throw .cannotOpen(path: path, reason: Self.reason(error))
        }
        self.pool = pool
        var migrator = DatabaseMigrator()
        for migration in [StoreMigration.events, StoreMigration.eventsMeta] + migrations {
            migrator.registerMigration(migration.identifier, migrate: migration.apply)
        }
        do {
            let (applied, _) = try pool.read { db in (try migrator.appliedIdentifiers(db), 0) }
            let unknown = applied.subtracting(migrator.migrations).sorted()
            if !unknown.isEmpty { throw StoreError.newerSchema(path: path, unknown: unknown) }
            try migrator.migrate(pool)
            let (last, pruned, logged) = try pool.read { db in
                (
                    try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM events") ?? 0,
                    try Int64.fetchOne(db, sql: "SELECT pruned_through FROM events_meta WHERE id = 1") ?? 0,
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events") ?? 0
                )
            }
            sequence = Mutex(last)
            self.pruned = Mutex(pruned)
            self.logged = Mutex(logged)
        } catch let error as StoreError {
            throw error
        } catch {
            throw .cannotOpen(path: path, reason: Self.reason(error))
        }
    }

    /// Sets the function that receives committed events (the server's bus), in `seq` order.
    public func onEvents(_ handler: @escaping @Sendable ([StoredEvent]) -> Void) {
        self.handler.withLock { $0 = handler }
    }

    /// Runs `body` in one write transaction; the events it emits on the sink are logged in the
    /// same transaction and published after the commit. Errors of `body` other than database
    /// errors pass through unchanged (the transaction rolls back).
    /// - Throws: ``StoreError/unavailable(_:)`` for a full disk, an I/O error or a read-only file;
    ///   ``StoreError/failed(_:)`` for other database errors; nothing is applied either way.
    public func write<T: Sendable>(_ body: @escaping @Sendable (Database, EventSink) throws -> T) async throws -> T {
        do {
            return try await pool.write { db in try self.transaction(db, body) }
        } catch let error as DatabaseError {
            throw Self.map(error)
        }
    }

    /// The synchronous form of ``write(_:)`` (blocks the calling thread; for tools and benchmarks).
    public func writeSync<T>(_ body: (Database, EventSink) throws -> T) throws -> T {
        do {
            return try pool.write { db in try self.transaction(db, body) }
        } catch let error as DatabaseError {
            throw Self.map(error)
        }
    }

    /// Runs `body` on a read-only snapshot.
    public func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do { return try await pool.read(body) } catch let error as DatabaseError { throw Self.map(error) }
    }

    /// The synchronous form of ``read(_:)``.
    public func readSync<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try pool.read(body) } catch let error as DatabaseError { throw Self.map(error) }
    }

    private func transaction<T>(_ db: Database, _ body: (Database, EventSink) throws -> T) throws -> T {
        let sink = EventSink()
        let result = try body(db, sink)
        guard !sink.pending.isEmpty else { return result }
        guard sink.pending.count <= Self.maxEventsPerWrite else { throw StoreError.failed("too many events in one write") }
        let time = clock()
        var events: [StoredEvent] = []
        events.reserveCapacity(sink.pending.count)
        // Numbers are reserved up front (a rolled-back write leaves a gap, never a repeat).
        var seq = reserve(sink.pending.count, time: time) - 1
        for (topic, data) in sink.pending {
            seq += 1
            try db.executeCached(
                sql: "INSERT INTO events (seq, topic, time, data) VALUES (?, ?, ?, ?)", arguments: [seq, topic, time, data])
            events.append(StoredEvent(seq: seq, topic: topic, time: time, data: data, durable: true))
        }
        let count = logged.withLock { $0 } + events.count
        let remaining = count - (try prune(db, count: count))
        let publish = handler.withLock { $0 }
        let committed = events
        db.afterNextTransaction(onCommit: { _ in
            self.logged.withLock { $0 = remaining }
            publish?(committed)
        })
        return result
    }

    /// Reserves `count` sequence numbers and returns the first. Numbers never fall below the
    /// time in microseconds, so they keep increasing across restarts even past live-only events
    /// that were never logged (a client resuming from one of those misses nothing).
    private func reserve(_ count: Int, time: Double) -> Int64 {
        let floor = Int64(time * 1e6)
        return sequence.withLock { last in
            let first = max(last + 1, floor)
            last = first + Int64(count) - 1
            return first
        }
    }

    /// Keeps the log within its retention: once it holds 1024 events more than the bound, the
    /// oldest are deleted (by row count, since sequence numbers are not contiguous). The count is
    /// kept in memory, so finding the cut walks only the rows to delete. Returns the rows deleted.
    private func prune(_ db: Database, count: Int) throws -> Int {
        let excess = count - eventRetention
        guard excess >= 1024,
            let through = try Int64.fetchOne(db, sql: "SELECT seq FROM events ORDER BY seq LIMIT 1 OFFSET ?", arguments: [excess - 1])
        else { return 0 }
        try db.execute(sql: "DELETE FROM events WHERE seq <= ?", arguments: [through])
        let deleted = db.changesCount
        try db.execute(sql: "INSERT OR REPLACE INTO events_meta (id, pruned_through) VALUES (1, ?)", arguments: [through])
        db.afterNextTransaction(onCommit: { _ in self.pruned.withLock { $0 = max($0, through) } })
        return deleted
    }

    /// The newest sequence number pruned from the log (0 if none): a client resuming from before
    /// it may have missed events, and is told so.
    public var prunedThrough: Int64 { pruned.withLock { $0 } }

    /// Publishes a live-only event (not logged; a resuming client does not get it again).
    public func publishTransient(topic: String, data: String) {
        let publish = handler.withLock { $0 }
        let time = clock()
        publish?([StoredEvent(seq: reserve(1, time: time), topic: topic, time: time, data: data, durable: false)])
    }

    /// Logged events with `seq > after`, oldest first, at most `limit`.
    public func events(after: Int64, limit: Int) async throws -> [StoredEvent] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT seq, topic, time, data FROM events WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [after, limit]
            ).map { StoredEvent(seq: $0[0], topic: $0[1], time: $0[2], data: $0[3], durable: true) }
        }
    }

    /// The oldest and newest logged sequence numbers (nil when the log is empty).
    public func eventRange() async throws -> (oldest: Int64, newest: Int64)? {
        try await read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT MIN(seq), MAX(seq) FROM events"),
                let oldest = row[0] as Int64?, let newest = row[1] as Int64?
            else { return nil }
            return (oldest, newest)
        }
    }

    /// The last sequence number handed out (logged or live-only).
    public var lastSeq: Int64 { sequence.withLock { $0 } }

    /// SQLite's `PRAGMA integrity_check` result ("ok" when sound).
    public func integrityCheck() throws -> String {
        try readSync { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ") }
    }

    /// SQLite's `PRAGMA integrity_check` of the store in `directory`, opened read-only (no
    /// migrations run; for tools and tests).
    public static func integrityCheck(directory: String) throws -> String {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: directory + "/" + fileName, configuration: configuration)
        return try queue.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ") }
    }

    /// Wall-clock Unix time in seconds (the default event clock).
    public static func unixTime() -> Double { Date().timeIntervalSince1970 }

    static func map(_ error: DatabaseError) -> StoreError {
        switch error.resultCode {
        case .SQLITE_FULL, .SQLITE_IOERR, .SQLITE_READONLY, .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_CANTOPEN, .SQLITE_NOMEM:
            .unavailable(error.message ?? "\(error.resultCode)")
        default:
            .failed(error.message ?? "\(error.resultCode)")
        }
    }

    private static func reason(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "\(error.resultCode)" }
        return "\(error)".split(separator: "\n").first.map(String.init) ?? "unknown error"
    }
}

/// Collects the events a write transaction emits (used only inside ``Store/write(_:)``).
public final class EventSink {
    var pending: [(String, String)] = []

    init() {}

    /// Emits `data` (a JSON text) on `topic` when the transaction commits.
    public func emit(_ topic: String, _ data: String) { pending.append((topic, data)) }
}

extension Database {
    /// Runs `sql` through the connection's statement cache: a statement run thousands of times a
    /// tick is compiled once.
    public func executeCached(sql: String, arguments: StatementArguments) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}
