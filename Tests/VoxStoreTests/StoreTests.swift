import FoundationEssentials
import GRDB
import Synchronization
import Testing
import VoxStore
import VoxTestSupport

/// A fresh directory for a test's store (removed at exit, or by the test).
func temporaryDirectory() -> String { TestDirectories.make("voxstore") }

let notes = StoreMigration("notes.v1") { db in
    try db.execute(sql: "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)")
}

@Suite struct StoreTests {
    @Test func writesPersistAcrossReopen() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            let store = try Store(directory: dir, migrations: [notes])
            try await store.write { db, events in
                try db.execute(sql: "INSERT INTO notes (text) VALUES ('one')")
                events.emit("notes/1", "{\"text\":\"one\"}")
            }
        }
        let store = try Store(directory: dir, migrations: [notes])
        let count = try await store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM notes") }
        #expect(count == 1)
        let events = try await store.events(after: 0, limit: 10)
        #expect(events.map(\.topic) == ["notes/1"])
        #expect(events[0].data == "{\"text\":\"one\"}")
        #expect(try store.integrityCheck() == "ok")
    }

    @Test func eventsArePublishedAfterCommitInOrder() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(directory: dir, migrations: [notes])
        let seen = Mutex<[StoredEvent]>([])
        store.onEvents { batch in seen.withLock { $0 += batch } }
        for i in 0..<5 {
            try await store.write { _, events in
                events.emit("a/\(i)", "\(i)")
                events.emit("b/\(i)", "\(i)")
            }
        }
        // A failed write publishes nothing and logs nothing.
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            try await store.write { db, events in
                events.emit("never", "0")
                try db.execute(sql: "INSERT INTO notes (text) VALUES ('half')")
                throw Refused()
            }
        }
        let published = seen.withLock { $0 }
        #expect(published.count == 10)
        #expect(zip(published, published.dropFirst()).allSatisfy { $0.seq < $1.seq })
        let logged = try await store.events(after: 0, limit: 100)
        #expect(logged == published)
        let notesCount = try await store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM notes") }
        #expect(notesCount == 0)
        // Live-only events take a number too, above everything logged, and are not logged.
        store.publishTransient(topic: "streams", data: "{}")
        let transient = try #require(seen.withLock { $0.last })
        #expect(!transient.durable && transient.seq > published.last!.seq)
        #expect(try await store.events(after: 0, limit: 100).count == 10)
    }

    @Test func sequenceKeepsIncreasingAcrossRestarts() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var last: Int64 = 0
        do {
            let store = try Store(directory: dir, migrations: [])
            store.publishTransient(topic: "streams", data: "{}")
            try await store.write { _, events in events.emit("world", "{}") }
            store.publishTransient(topic: "streams", data: "{}")
            last = store.lastSeq
        }
        let store = try Store(directory: dir, migrations: [])
        try await store.write { _, events in events.emit("world", "{}") }
        let events = try await store.events(after: 0, limit: 10)
        #expect(events.count == 2)
        #expect(events[1].seq > last)
    }

    @Test func retentionBoundsTheLog() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(directory: dir, migrations: [], eventRetention: 100)
        for batch in 0..<30 {
            try await store.write { _, events in
                for i in 0..<100 { events.emit("t", "\(batch * 100 + i)") }
            }
        }
        let count = try await store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events") } ?? 0
        #expect(count >= 100 && count <= 100 + 1024 + 100)
        let range = try #require(try await store.eventRange())
        let newest = try await store.events(after: range.newest - 1, limit: 1)
        #expect(newest.first?.data == "2999")
    }

    @Test func aDatabaseFromANewerBuildIsRefused() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try Store(directory: dir, migrations: [notes, StoreMigration("notes.v2") { _ in }])
        #expect(throws: StoreError.newerSchema(path: dir + "/" + Store.fileName, unknown: ["notes.v2"])) {
            try Store(directory: dir, migrations: [notes])
        }
        let error = try #require(throws: StoreError.self) { try Store(directory: dir, migrations: [notes]) }
        #expect(!error.description.contains("\n") && error.description.contains("newer voxface"))
    }

    @Test func anUncreatableDirectoryIsAOneLineError() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = FileManager.default.createFile(atPath: dir + "/file", contents: Data("x".utf8))
        let error = try #require(throws: StoreError.self) { try Store(directory: dir + "/file/data", migrations: []) }
        guard case .cannotOpen = error else { Issue.record("\(error)"); return }
        #expect(!error.description.contains("\n"))
    }

    @Test func aFullDiskIsUnavailableAndAppliesNothing() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // SQLite's own page cap stands in for a full disk: writes fail with SQLITE_FULL.
        let store = try Store(directory: dir, migrations: [notes], maxPageCount: 12)
        let big = String(repeating: "x", count: 3000)
        var failure: StoreError?
        var written = 0
        for _ in 0..<200 {
            do {
                try await store.write { db, events in
                    try db.execute(sql: "INSERT INTO notes (text) VALUES (?)", arguments: [big])
                    events.emit("notes", "{}")
                }
                written += 1
            } catch let error as StoreError {
                failure = error
                break
            }
        }
        guard case .unavailable = failure else { Issue.record("expected unavailable, got \(String(describing: failure))"); return }
        let rows = try await store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM notes") }
        #expect(rows == written)
        #expect(try await store.events(after: 0, limit: 1000).count == written)
        #expect(try store.integrityCheck() == "ok")
    }
}
