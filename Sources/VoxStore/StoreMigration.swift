public import GRDB

/// One versioned schema step of a service. Identifiers are `service.vN`; once released, a
/// migration never changes (a new one is added instead).
public struct StoreMigration: Sendable {
    /// Unique, stable identifier (`avatars.v1`).
    public var identifier: String
    /// Applies the step inside a transaction.
    public var apply: @Sendable (Database) throws -> Void

    /// A migration from its parts.
    public init(_ identifier: String, apply: @escaping @Sendable (Database) throws -> Void) {
        self.identifier = identifier
        self.apply = apply
    }

    /// The event log's schema (the store's own).
    static let events = StoreMigration("events.v1") { db in
        try db.execute(
            sql: """
                CREATE TABLE events (
                    seq INTEGER PRIMARY KEY,
                    topic TEXT NOT NULL,
                    time REAL NOT NULL,
                    data TEXT NOT NULL
                )
                """)
    }

    /// The log's pruning mark.
    static let eventsMeta = StoreMigration("events.v2") { db in
        try db.execute(sql: "CREATE TABLE events_meta (id INTEGER PRIMARY KEY CHECK (id = 1), pruned_through INTEGER NOT NULL)")
    }
}
