public import VoxStore

/// The twin service's tables in the shared store (migrations `twins.v1` to `twins.v4`).
///
/// Every row carries its `user`, and every query of the repository filters on it: a twin's data
/// is never read for another user. Deleting a twin deletes its rows in every table.
public enum TwinSchema {
    /// The migrations, in order.
    public static let migrations: [StoreMigration] = [v1, v2, v3, v4]

    /// Each user's count of rows in the full-text index (their memories in search), kept by every
    /// write that adds or removes one: BM25 reads the user's share of the index from it to choose
    /// its plan. Filled from the memories a store already holds.
    static let v4 = StoreMigration("twins.v4") { db in
        try db.execute(
            sql: """
                CREATE TABLE twin_fts_rows (user TEXT PRIMARY KEY, n INTEGER NOT NULL);
                INSERT INTO twin_fts_rows (user, n)
                    SELECT user, COUNT(*) FROM twin_memories WHERE superseded_by IS NULL GROUP BY user;
                """)
    }

    /// Entities by name (the entities a chat message or a proposal names, looked up by its phrases).
    static let v3 = StoreMigration("twins.v3") { db in
        try db.execute(sql: "CREATE INDEX twin_entities_norm ON twin_entities (user, norm)")
    }

    /// Edges by the memory they were drawn from (the chat's graph facts for the memories found).
    static let v2 = StoreMigration("twins.v2") { db in
        try db.execute(sql: "CREATE INDEX twin_edges_memory ON twin_edges (user, memory)")
    }

    static let v1 = StoreMigration("twins.v1") { db in
        try db.execute(
            sql: """
                CREATE TABLE twins (
                    user TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    style TEXT
                );
                CREATE TABLE twin_ingestions (
                    id TEXT PRIMARY KEY,
                    user TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    filename TEXT,
                    content_hash TEXT NOT NULL,
                    status TEXT NOT NULL,
                    progress REAL NOT NULL DEFAULT 0,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    items INTEGER NOT NULL DEFAULT 0,
                    memories INTEGER NOT NULL DEFAULT 0,
                    relations INTEGER NOT NULL DEFAULT 0,
                    error TEXT,
                    options TEXT NOT NULL DEFAULT '{}',
                    payload BLOB,
                    created_at REAL NOT NULL,
                    updated_at REAL NOT NULL,
                    UNIQUE (user, content_hash)
                );
                CREATE INDEX twin_ingestions_status ON twin_ingestions (status, created_at);
                CREATE TABLE twin_memories (
                    id INTEGER PRIMARY KEY,
                    user TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    domain TEXT NOT NULL,
                    text TEXT NOT NULL,
                    importance REAL NOT NULL,
                    session TEXT,
                    turn INTEGER,
                    created_at REAL NOT NULL,
                    valid_at REAL,
                    expires_at REAL,
                    slot TEXT,
                    superseded_by INTEGER,
                    superseded_at REAL,
                    sources TEXT NOT NULL,
                    hash TEXT NOT NULL,
                    vector BLOB NOT NULL,
                    UNIQUE (user, hash)
                );
                CREATE TABLE twin_vectors (
                    memory INTEGER NOT NULL,
                    user TEXT NOT NULL,
                    vector BLOB NOT NULL
                );
                CREATE INDEX twin_vectors_memory ON twin_vectors (memory);
                CREATE INDEX twin_memories_slot ON twin_memories (user, slot) WHERE slot IS NOT NULL;
                CREATE VIRTUAL TABLE twin_fts USING fts5 (owner, text, tokenize = 'porter unicode61 remove_diacritics 2');
                CREATE VIRTUAL TABLE twin_fts_vocab USING fts5vocab (twin_fts, 'row');
                CREATE TABLE twin_entities (
                    id INTEGER PRIMARY KEY,
                    user TEXT NOT NULL,
                    type TEXT NOT NULL,
                    name TEXT NOT NULL,
                    norm TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    UNIQUE (user, type, norm)
                );
                CREATE TABLE twin_edges (
                    id INTEGER PRIMARY KEY,
                    user TEXT NOT NULL,
                    subject INTEGER NOT NULL,
                    predicate TEXT NOT NULL,
                    object INTEGER NOT NULL,
                    fact TEXT NOT NULL,
                    valid_at REAL,
                    invalid_at REAL,
                    created_at REAL NOT NULL,
                    expired_at REAL,
                    memory INTEGER,
                    sources TEXT NOT NULL
                );
                CREATE INDEX twin_edges_subject ON twin_edges (user, subject, predicate);
                CREATE INDEX twin_edges_object ON twin_edges (user, object);
                CREATE TABLE twin_chat (
                    user TEXT NOT NULL,
                    session TEXT NOT NULL,
                    turn INTEGER NOT NULL,
                    role TEXT NOT NULL,
                    text TEXT NOT NULL,
                    citations TEXT NOT NULL DEFAULT '[]',
                    created_at REAL NOT NULL,
                    PRIMARY KEY (user, session, turn)
                );
                CREATE TABLE twin_projects (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    description TEXT NOT NULL,
                    owner TEXT,
                    created_at REAL NOT NULL
                );
                CREATE TABLE twin_project_members (
                    project TEXT NOT NULL,
                    user TEXT NOT NULL,
                    PRIMARY KEY (project, user)
                );
                CREATE TABLE twin_proposals (
                    id TEXT PRIMARY KEY,
                    project TEXT NOT NULL,
                    title TEXT NOT NULL,
                    text TEXT NOT NULL,
                    starts_at REAL,
                    ends_at REAL,
                    created_by TEXT,
                    created_at REAL NOT NULL
                );
                CREATE TABLE twin_recommendations (
                    proposal TEXT NOT NULL,
                    user TEXT NOT NULL,
                    stance TEXT NOT NULL,
                    confidence REAL NOT NULL,
                    reasons TEXT NOT NULL,
                    text TEXT NOT NULL,
                    generator TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    PRIMARY KEY (proposal, user)
                );
                CREATE TABLE twin_votes (
                    proposal TEXT NOT NULL,
                    user TEXT NOT NULL,
                    choice TEXT NOT NULL,
                    twin_stance TEXT,
                    created_at REAL NOT NULL,
                    PRIMARY KEY (proposal, user)
                );
                """)
    }
}
