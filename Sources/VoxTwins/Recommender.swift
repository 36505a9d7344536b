import Foundation
public import VoxLLM

/// The offline recommendation rule (Protocols/twins.md, "Recommendations"): each retrieved
/// memory or graph fact pulls for or against the proposal by the words it uses about what the
/// proposal mentions; the sum decides. Plain logic over values.
///
/// - A `SUPPORTS`/`OPPOSES`/`PREFERS` edge whose object the proposal names pulls +2/-2/+1.
/// - A memory among the top 8 pulls +1 per positive cue ("support", "love", "prefer", "voted
///   for"...) and -1 per negative cue ("oppose", "against", "hate", "can't stand", "voted
///   against"...), at most 2 either way, weighted by its rank (1, 0.9, ..., 0.3).
/// - Calendar memories are reasons (availability) without a pull.
/// Stance: `for` above +0.8, `against` below -0.8, else `abstain`; confidence = |sum| / 4, at most 1.
public struct Recommender: Sendable {
    /// The proposal.
    public var proposal: Proposal
    /// Memories retrieved for it, best first.
    public var memories: [Memory]
    /// Graph facts naming what it mentions.
    public var facts: [GraphFact]
    /// The user's display name and style.
    public var name: String
    /// The user's style.
    public var style: StyleProfile?

    /// A recommendation's stance, confidence and reasons.
    public func decide() -> (stance: Stance, confidence: Double, reasons: [RecommendationReason]) {
        let text = (proposal.title + " " + proposal.text).lowercased()
        var sum = 0.0
        var reasons: [RecommendationReason] = []
        for f in facts {
            let pull: Int
            switch f.predicate {
            case "SUPPORTS": pull = 2
            case "OPPOSES": pull = -2
            case "PREFERS": pull = 1
            default: pull = 0
            }
            guard pull != 0, text.contains(f.object.name.lowercased()) else { continue }
            sum += Double(pull)
            reasons.append(
                RecommendationReason(
                    kind: "opinion", text: TwinChatPlan.describe(f), pull: pull.signum(), memory: nil, fact: f.id, sources: f.sources))
        }
        let topic = TwinChatPlan.words(text)
        for (rank, m) in memories.prefix(8).enumerated() {
            let weight = 1 - Double(rank) * 0.1
            // Only sentences about what the proposal is about pull.
            let about = Chunker.sentences(m.text).map(\.text).filter { !TwinChatPlan.words($0).isDisjoint(with: topic) }
            let pull = max(-2, min(2, about.reduce(0) { $0 + Self.pull($1) }))
            if m.domain == "calendar" {
                reasons.append(RecommendationReason(kind: "calendar", text: m.text, pull: 0, memory: m.id, fact: nil, sources: m.sources))
                continue
            }
            sum += Double(pull) * weight
            let kind =
                m.text.lowercased().contains("voted")
                ? "vote" : m.domain == "skills" ? "skill" : m.domain == "opinions" ? "opinion" : "preference"
            reasons.append(RecommendationReason(kind: kind, text: m.text, pull: pull.signum(), memory: m.id, fact: nil, sources: m.sources))
        }
        let stance: Stance = sum > 0.8 ? .for : sum < -0.8 ? .against : .abstain
        // Reasons that pull first, then the most relevant of the rest (what the twin knows that
        // bears on it: skills, plans, the calendar), in retrieval order.
        let ordered = reasons.enumerated().sorted { a, b in
            abs(a.element.pull) != abs(b.element.pull) ? abs(a.element.pull) > abs(b.element.pull) : a.offset < b.offset
        }
        return (stance, round2(min(1, abs(sum) / 4)), Array(ordered.prefix(6).map(\.element)))
    }

    /// The cue count of a text: positive minus negative, clamped to -2...2.
    static func pull(_ text: String) -> Int {
        let t = " " + text.lowercased().replacingOccurrences(of: "’", with: "'") + " "
        var n = 0
        for cue in positive where t.contains(cue) { n += 1 }
        for cue in negative where t.contains(cue) { n -= 1 }
        return max(-2, min(2, n))
    }

    static let positive = [
        " support", " love ", " loved ", " prefer", " in favour", " in favor", " voted for", " great idea", " excited", " enjoy",
        " want more", " we need more", " would like", " favourite", " favorite", " yes to",
    ]
    static let negative = [
        " oppose", " against", " hate", " can't stand", " dislike", " worried", " voted against", " too expensive", " waste",
        " don't want", " never again", " no to", " skeptical", " sceptical",
    ]

    /// The offline recommendation text, in the first person.
    public func offlineText(_ stance: Stance, _ reasons: [RecommendationReason]) -> String {
        let head: String
        switch stance {
        case .for: head = "I'd vote for \"\(proposal.title)\"."
        case .against: head = "I'd vote against \"\(proposal.title)\"."
        case .abstain: head = "I'd abstain on \"\(proposal.title)\": my notes don't settle it."
        }
        let because = reasons.filter { $0.pull != 0 }.prefix(2).map { "I wrote: \"\($0.text.prefix(160))\"" }
        return ([head] + because).joined(separator: " ") + " (offline twin)"
    }

    /// The language model's request; its answer ends with `## VOTE: for|against|abstain`.
    public func request(_ reasons: [RecommendationReason]) -> ChatRequest {
        var system = """
            You are the digital twin of \(name). Recommend how \(name) should vote on the proposal, in the first person, in two to four \
            sentences, using only the notes. End with a line "## VOTE: for", "## VOTE: against" or "## VOTE: abstain".
            """
        if let style { system += " Style: \(name) \(style.summary)." }
        let notes = reasons.map { "- \($0.text.prefix(600))" }.joined(separator: "\n")
        let user = "Proposal: \(proposal.title)\n\(proposal.text.prefix(4000))\n\nNotes:\n\(notes)"
        return ChatRequest(
            messages: [ChatMessage(role: .system, content: system), ChatMessage(role: .user, content: user)], maxTokens: 300,
            temperature: 0.3)
    }

    /// The stance a model's answer states in its `## VOTE:` line, if any.
    public static func parseVote(_ text: String) -> Stance? {
        guard let line = text.split(separator: "\n").last(where: { $0.uppercased().contains("## VOTE:") }) else { return nil }
        let value = line.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        return Stance.allCases.first { value.hasPrefix($0.rawValue) }
    }
}

extension TwinService {
    /// A twin's recommendation on a proposal: retrieved memories and facts, the offline rule,
    /// and the language model's wording and vote when one is configured (its `## VOTE:` line
    /// wins; without one the rule's stance stands). Stored, and announced on `twins/{user}`.
    public func recommend(_ proposal: Proposal, user: String) async throws -> Recommendation {
        guard let twin = try await repository.twin(user) else { throw TwinError.notFound(user) }
        let query = proposal.title + ". " + proposal.text
        let found = try await search(user: user, query: String(query.prefix(2000)), k: 8)
        let facts = try await repository.facts(user: user, mentionedIn: query, limit: 10)
        let recommender = Recommender(
            proposal: proposal, memories: found.map(\.memory), facts: facts, name: twin.name, style: twin.style.profile)
        let (ruleStance, confidence, reasons) = recommender.decide()
        let fallback = recommender.offlineText(ruleStance, reasons)
        let reply = await compose(recommender.request(reasons), { fallback }, nil)
        let stance = reply.generator == "llm" ? (Recommender.parseVote(reply.text) ?? ruleStance) : ruleStance
        let r = Recommendation(
            proposal: proposal.id, user: user, stance: stance, confidence: confidence, reasons: reasons, text: reply.text,
            generator: reply.generator, createdAt: clock())
        try await projects.save(r)
        counters.withLock { $0.recommendations += 1 }
        return r
    }

    /// Records the user's actual vote: compared with the twin's recommendation, and kept as a
    /// memory ("I voted for ...") and a graph fact (`VOTED_FOR`/`VOTED_AGAINST`) the twin learns from.
    public func vote(_ proposal: Proposal, user: String, choice: Stance) async throws -> Vote {
        guard let twin = try await repository.twin(user) else { throw TwinError.notFound(user) }
        let twinStance = try await projects.recommendations(proposal: proposal.id, user: user).first?.stance
        let now = clock()
        let vote = Vote(
            proposal: proposal.id, user: user, choice: choice, twinStance: twinStance, aligned: twinStance.map { $0 == choice },
            createdAt: now)
        let verb = choice == .for ? "voted for" : choice == .against ? "voted against" : "abstained on"
        var distilled = Distilled()
        let text = "I \(verb) the proposal \"\(proposal.title)\"."
        distilled.memories.append(
            PendingMemory(
                kind: .fact, domain: "opinions", text: text, importance: 0.8, session: proposal.id, turn: nil, validAt: now,
                slot: "\(twin.name.lowercased())|VOTE|\(proposal.id)",
                sources: [MemorySource(ingestion: nil, chat: "proposal:" + proposal.id)]))
        if choice != .abstain {
            let relation = ExtractedRelation(
                subject: twin.name, subjectType: .user, predicate: choice == .for ? "VOTED_FOR" : "VOTED_AGAINST", object: proposal.title,
                objectType: .proposal, ended: false)
            distilled.relations.append(PendingRelation(relation: relation, validAt: now, fact: text, memory: 0, sources: []))
        }
        let vectors = try await embedMemories(distilled.memories) { _ in }
        let result = try await projects.record(vote, distilled: distilled, vectors: vectors)
        remember(user, result, vectors)
        return vote
    }
}
