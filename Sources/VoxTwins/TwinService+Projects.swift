import Foundation

extension TwinService {
    /// Creates a project owned by `owner` with `members` (each must have a twin).
    public func createProject(name: String, description: String, owner: String?, members: [String]) async throws -> Project {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(name.count) else { throw TwinError.invalid(field: "name", rule: "must be 1-200 characters") }
        guard description.count <= 20_000 else { throw TwinError.invalid(field: "description", rule: "must be at most 20,000 characters") }
        var list = members
        if let owner, !list.contains(owner) { list.append(owner) }
        guard list.count <= 1000 else { throw TwinError.invalid(field: "members", rule: "at most 1000") }
        for m in list {
            try Self.check(user: m)
            guard try await repository.twin(m) != nil else { throw TwinError.invalid(field: "members", rule: "'\(m)' has no twin") }
        }
        let p = Project(
            id: "prj_" + String(Self.newID().dropFirst(4)), name: name, description: description, owner: owner, members: list.sorted(),
            createdAt: clock())
        try await projects.addProject(p)
        return p
    }

    /// A project.
    public func project(_ id: String) async throws -> Project {
        guard let p = try await projects.project(id) else { throw TwinError.projectNotFound(id) }
        return p
    }

    /// Projects (those `member` owns or belongs to, when given).
    public func projectList(member: String?, limit: Int) async throws -> [Project] {
        try await projects.projects(member: member, limit: limit)
    }

    /// Adds a member (who must have a twin).
    public func addMember(project id: String, user: String) async throws -> Project {
        _ = try await project(id)
        try Self.check(user: user)
        guard try await repository.twin(user) != nil else { throw TwinError.invalid(field: "user", rule: "'\(user)' has no twin") }
        try await projects.addMember(project: id, user: user)
        return try await project(id)
    }

    /// Adds a proposal to a project.
    public func propose(project id: String, title: String, text: String, startsAt: Double?, endsAt: Double?, by: String?) async throws
        -> Proposal
    {
        _ = try await project(id)
        let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...300).contains(title.count) else { throw TwinError.invalid(field: "title", rule: "must be 1-300 characters") }
        guard text.count <= 20_000 else { throw TwinError.invalid(field: "text", rule: "must be at most 20,000 characters") }
        if let startsAt, let endsAt, endsAt < startsAt { throw TwinError.invalid(field: "ends_at", rule: "must not be before starts_at") }
        let p = Proposal(
            id: "prp_" + String(Self.newID().dropFirst(4)), project: id, title: title, text: text, startsAt: startsAt, endsAt: endsAt,
            createdBy: by, createdAt: clock())
        try await projects.addProposal(p)
        return p
    }

    /// A proposal.
    public func proposal(_ id: String) async throws -> Proposal {
        guard let p = try await projects.proposal(id) else { throw TwinError.proposalNotFound(id) }
        return p
    }

    /// The recommendations of the proposal's members' twins (only `user`'s when given), made
    /// now for those that have none yet.
    public func recommendations(proposal id: String, user: String?) async throws -> [Recommendation] {
        let p = try await proposal(id)
        let project = try await project(p.project)
        let users = user.map { [$0] } ?? project.members
        if let user, !project.members.contains(user) { throw TwinError.notMember(user) }
        let existing = try await projects.recommendations(proposal: id, user: user)
        var out: [Recommendation] = []
        for u in users {
            if let r = existing.first(where: { $0.user == u }) {
                out.append(r)
            } else if try await repository.twin(u) != nil {
                out.append(try await recommend(p, user: u))
            }
        }
        return out
    }

    /// Records `user`'s vote on a proposal of a project they belong to.
    public func castVote(proposal id: String, user: String, choice: Stance) async throws -> Vote {
        let p = try await proposal(id)
        let project = try await project(p.project)
        guard project.members.contains(user) else { throw TwinError.notMember(user) }
        return try await vote(p, user: user, choice: choice)
    }

    /// How often the user's votes matched their twin's recommendations.
    public func alignment(user: String) async throws -> VoteAlignment { try await projects.alignment(user: user) }
}
