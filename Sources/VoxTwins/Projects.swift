/// A shared project whose members' twins recommend on its proposals.
public struct Project: Sendable, Equatable, Codable {
    /// Id.
    public var id: String
    /// Name.
    public var name: String
    /// What it is for.
    public var description: String
    /// Who created it (a user name; nil for an admin without one).
    public var owner: String?
    /// Member users.
    public var members: [String]
    /// Created (Unix seconds).
    public var createdAt: Double

    enum CodingKeys: String, CodingKey {
        case id, name, description, owner, members
        case createdAt = "created_at"
    }
}

/// A proposal of a project.
public struct Proposal: Sendable, Equatable, Codable {
    /// Id.
    public var id: String
    /// Its project.
    public var project: String
    /// Title.
    public var title: String
    /// What it proposes.
    public var text: String
    /// When it would happen, if it is an event (Unix seconds).
    public var startsAt: Double?
    /// When it would end.
    public var endsAt: Double?
    /// Who proposed it.
    public var createdBy: String?
    /// Created.
    public var createdAt: Double

    enum CodingKeys: String, CodingKey {
        case id, project, title, text
        case startsAt = "starts_at"
        case endsAt = "ends_at"
        case createdBy = "created_by"
        case createdAt = "created_at"
    }
}

/// How a twin or a user stands on a proposal.
public enum Stance: String, Sendable, Codable, CaseIterable {
    /// In favour.
    case `for`
    /// Against.
    case against
    /// Neither.
    case abstain
}

/// One reason of a recommendation, drawn from the user's memories or graph.
public struct RecommendationReason: Sendable, Equatable, Codable {
    /// `preference`, `opinion`, `skill`, `calendar`, `vote` or `fact`.
    public var kind: String
    /// The memory's or fact's text.
    public var text: String
    /// +1 pulls for the proposal, -1 against, 0 neither.
    public var pull: Int
    /// The memory (or nil for a graph fact).
    public var memory: Int64?
    /// The graph fact.
    public var fact: Int64?
    /// Where it came from.
    public var sources: [MemorySource]
}

/// A twin's recommendation on a proposal.
public struct Recommendation: Sendable, Equatable, Codable {
    /// The proposal.
    public var proposal: String
    /// The twin's user.
    public var user: String
    /// What the twin would vote.
    public var stance: Stance
    /// 0...1.
    public var confidence: Double
    /// Why.
    public var reasons: [RecommendationReason]
    /// The recommendation in the user's voice.
    public var text: String
    /// `llm` or `offline`.
    public var generator: String
    /// When.
    public var createdAt: Double

    enum CodingKeys: String, CodingKey {
        case proposal, user, stance, confidence, reasons, text, generator
        case createdAt = "created_at"
    }
}

/// A user's actual vote, beside what their twin recommended.
public struct Vote: Sendable, Equatable, Codable {
    /// The proposal.
    public var proposal: String
    /// The user.
    public var user: String
    /// The user's choice.
    public var choice: Stance
    /// The twin's recommendation when the user voted (nil if it had none).
    public var twinStance: Stance?
    /// Whether they agree.
    public var aligned: Bool?
    /// When.
    public var createdAt: Double

    enum CodingKeys: String, CodingKey {
        case proposal, user, choice, aligned
        case twinStance = "twin_stance"
        case createdAt = "created_at"
    }
}

/// How often a user's votes matched their twin's recommendations.
public struct VoteAlignment: Sendable, Equatable, Codable {
    /// Votes with a recommendation to compare.
    public var compared: Int
    /// Of those, the ones that matched.
    public var agreed: Int
    /// agreed / compared (nil before any).
    public var rate: Double?
}

/// Where projects, proposals, recommendations and votes are kept.
public protocol ProjectRepository: Sendable {
    /// Stores a new project.
    func addProject(_ project: Project) async throws
    /// A project.
    func project(_ id: String) async throws -> Project?
    /// Projects, optionally only those `member` belongs to.
    func projects(member: String?, limit: Int) async throws -> [Project]
    /// Adds a member.
    func addMember(project: String, user: String) async throws
    /// Stores a new proposal.
    func addProposal(_ proposal: Proposal) async throws
    /// A proposal.
    func proposal(_ id: String) async throws -> Proposal?
    /// Stores (replaces) a recommendation, with its event.
    func save(_ recommendation: Recommendation) async throws
    /// The recommendations of a proposal (one user's when `user` is given).
    func recommendations(proposal: String, user: String?) async throws -> [Recommendation]
    /// Records a vote, its memory and graph fact, with its event.
    func record(_ vote: Vote, distilled: Distilled, vectors: [[[Float]]]) async throws -> CommitResult
    /// A user's votes against their twin's recommendations.
    func alignment(user: String) async throws -> VoteAlignment
}
