import Foundation
import GRDB

extension SQLiteTwinRepository: ProjectRepository {
    /// See ``ProjectRepository``.
    public func addProject(_ p: Project) async throws {
        try await store.write { db, sink in
            try db.execute(
                sql: "INSERT INTO twin_projects (id, name, description, owner, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [p.id, p.name, p.description, p.owner, p.createdAt])
            for m in Set(p.members) {
                try db.execute(sql: "INSERT OR IGNORE INTO twin_project_members (project, user) VALUES (?, ?)", arguments: [p.id, m])
            }
            sink.emit("projects/\(p.id)", json(["type": "created", "id": p.id, "name": p.name]))
        }
    }

    /// See ``ProjectRepository``.
    public func project(_ id: String) async throws -> Project? {
        try await store.read { db in try Self.project(db, id) }
    }

    static func project(_ db: Database, _ id: String) throws -> Project? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM twin_projects WHERE id = ?", arguments: [id]) else { return nil }
        let members = try String.fetchAll(db, sql: "SELECT user FROM twin_project_members WHERE project = ? ORDER BY user", arguments: [id])
        return Project(
            id: row["id"], name: row["name"], description: row["description"], owner: row["owner"], members: members,
            createdAt: row["created_at"])
    }

    /// See ``ProjectRepository``.
    public func projects(member: String?, limit: Int) async throws -> [Project] {
        try await store.read { db in
            let ids: [String]
            if let member {
                ids = try String.fetchAll(
                    db,
                    sql: """
                        SELECT p.id FROM twin_projects p WHERE p.owner = ? OR EXISTS
                        (SELECT 1 FROM twin_project_members m WHERE m.project = p.id AND m.user = ?) ORDER BY p.created_at, p.rowid LIMIT ?
                        """, arguments: [member, member, limit])
            } else {
                ids = try String.fetchAll(db, sql: "SELECT id FROM twin_projects ORDER BY created_at, rowid LIMIT ?", arguments: [limit])
            }
            return try ids.compactMap { try Self.project(db, $0) }
        }
    }

    /// See ``ProjectRepository``.
    public func addMember(project: String, user: String) async throws {
        try await store.write { db, sink in
            try db.execute(sql: "INSERT OR IGNORE INTO twin_project_members (project, user) VALUES (?, ?)", arguments: [project, user])
            sink.emit("projects/\(project)", json(["type": "member", "user": user]))
        }
    }

    /// See ``ProjectRepository``.
    public func addProposal(_ p: Proposal) async throws {
        try await store.write { db, sink in
            try db.execute(
                sql: """
                    INSERT INTO twin_proposals (id, project, title, text, starts_at, ends_at, created_by, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [p.id, p.project, p.title, p.text, p.startsAt, p.endsAt, p.createdBy, p.createdAt])
            sink.emit("projects/\(p.project)", json(["type": "proposal", "id": p.id, "title": p.title]))
        }
    }

    /// See ``ProjectRepository``.
    public func proposal(_ id: String) async throws -> Proposal? {
        try await store.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM twin_proposals WHERE id = ?", arguments: [id]).map {
                Proposal(
                    id: $0["id"], project: $0["project"], title: $0["title"], text: $0["text"], startsAt: $0["starts_at"],
                    endsAt: $0["ends_at"], createdBy: $0["created_by"], createdAt: $0["created_at"])
            }
        }
    }

    /// See ``ProjectRepository``.
    public func save(_ r: Recommendation) async throws {
        let reasons = String(decoding: try JSONEncoder().encode(r.reasons), as: UTF8.self)
        try await store.write { db, sink in
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO twin_recommendations (proposal, user, stance, confidence, reasons, text, generator, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [r.proposal, r.user, r.stance.rawValue, r.confidence, reasons, r.text, r.generator, r.createdAt])
            sink.emit(
                "twins/\(r.user)",
                json(["type": "recommendation", "proposal": r.proposal, "stance": r.stance.rawValue, "confidence": r.confidence]))
        }
    }

    /// See ``ProjectRepository``.
    public func recommendations(proposal: String, user: String?) async throws -> [Recommendation] {
        try await store.read { db in
            let filter = user == nil ? "" : " AND user = ?"
            let arguments: StatementArguments = user.map { [proposal, $0] } ?? [proposal]
            return try Row.fetchAll(
                db, sql: "SELECT * FROM twin_recommendations WHERE proposal = ?\(filter) ORDER BY user", arguments: arguments
            ).map { row in
                Recommendation(
                    proposal: row["proposal"], user: row["user"], stance: Stance(rawValue: row["stance"]) ?? .abstain,
                    confidence: row["confidence"],
                    reasons: (try? JSONDecoder().decode([RecommendationReason].self, from: Data((row["reasons"] as String).utf8))) ?? [],
                    text: row["text"], generator: row["generator"], createdAt: row["created_at"])
            }
        }
    }

    /// See ``ProjectRepository``.
    public func record(_ vote: Vote, distilled: Distilled, vectors: [[[Float]]]) async throws -> CommitResult {
        try await store.write { db, sink in
            try db.execute(
                sql: "INSERT OR REPLACE INTO twin_votes (proposal, user, choice, twin_stance, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [vote.proposal, vote.user, vote.choice.rawValue, vote.twinStance?.rawValue, vote.createdAt])
            let result = try Self.apply(db, user: vote.user, distilled, vectors: vectors, at: vote.createdAt)
            var event: [String: Any] = ["type": "vote", "proposal": vote.proposal, "choice": vote.choice.rawValue]
            if let t = vote.twinStance { event["twin_stance"] = t.rawValue }
            if let a = vote.aligned { event["aligned"] = a }
            sink.emit("twins/\(vote.user)", json(event))
            return result
        }
    }

    /// See ``ProjectRepository``.
    public func alignment(user: String) async throws -> VoteAlignment {
        try await store.read { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) AS n, COALESCE(SUM(choice = twin_stance), 0) AS agreed FROM twin_votes
                    WHERE user = ? AND twin_stance IS NOT NULL
                    """, arguments: [user])
            let n: Int = row?["n"] ?? 0
            let agreed: Int = row?["agreed"] ?? 0
            return VoteAlignment(compared: n, agreed: agreed, rate: n > 0 ? round2(Double(agreed) / Double(n)) : nil)
        }
    }
}
