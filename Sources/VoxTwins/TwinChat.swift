import Foundation
public import VoxLLM
import VoxMatch

/// A memory or graph fact a twin's answer used, by its reference in the answer (`m1`, `f2`).
public struct Citation: Sendable, Equatable, Codable {
    /// `m1`... for memories, `f1`... for graph facts.
    public var ref: String
    /// `memory` or `fact`.
    public var kind: String
    /// The memory's or edge's id.
    public var id: Int64
    /// Its text.
    public var text: String
    /// Where it came from.
    public var sources: [MemorySource]
}

/// A twin's answer.
public struct TwinAnswer: Sendable, Equatable, Codable {
    /// The chat session (give it back to continue the conversation).
    public var session: String
    /// The answer's turn in the session.
    public var turn: Int
    /// The answer.
    public var text: String
    /// `llm` or `offline`.
    public var generator: String
    /// The language model, when it answered.
    public var model: String?
    /// Why the offline twin answered.
    public var fallbackReason: String?
    /// What the answer cites (the references it contains; all it was given when it names none).
    public var citations: [Citation]

    enum CodingKeys: String, CodingKey {
        case session, turn, text, generator, model, citations
        case fallbackReason = "fallback_reason"
    }
}

/// What a twin's chat turn retrieved and how it is asked (the PRD's plan: the last 6 messages,
/// the top 5 memories, up to 5 graph facts). Plain logic over values.
public struct TwinChatPlan: Sendable {
    /// The twin's display name.
    public var name: String
    /// The user's style.
    public var style: StyleProfile?
    /// Recent turns, oldest first.
    public var recent: [ChatTurn]
    /// Memories, best first.
    public var memories: [Memory]
    /// Graph facts.
    public var facts: [GraphFact]
    /// The question.
    public var question: String

    /// A plan from what was retrieved.
    public init(name: String, style: StyleProfile?, recent: [ChatTurn], memories: [Memory], facts: [GraphFact], question: String) {
        self.name = name
        self.style = style
        self.recent = recent
        self.memories = memories
        self.facts = facts
        self.question = question
    }

    /// Messages retrieved per turn.
    public static let recentTurns = 6
    /// Memories per turn.
    public static let topMemories = 5
    /// Graph facts per turn.
    public static let graphFacts = 5

    /// Everything the answer may cite, numbered.
    public var context: [Citation] {
        memories.enumerated().map {
            Citation(ref: "m\($0.offset + 1)", kind: "memory", id: $0.element.id, text: $0.element.text, sources: $0.element.sources)
        }
            + facts.enumerated().map {
                Citation(
                    ref: "f\($0.offset + 1)", kind: "fact", id: $0.element.id, text: Self.describe($0.element), sources: $0.element.sources)
            }
    }

    static func describe(_ f: GraphFact) -> String {
        var s = "\(f.subject.name) \(f.predicate.lowercased().replacingOccurrences(of: "_", with: " ")) \(f.object.name)"
        if let v = f.validAt { s += " (since \(Distiller.day(v)))" }
        if let i = f.invalidAt { s += " (until \(Distiller.day(i)))" }
        return s
    }

    /// The language model's request.
    public var request: ChatRequest {
        var system = """
            You are the digital twin of \(name): you answer as \(name) would, in the first person, from the numbered notes only. \
            Cite every note you use by its reference in square brackets, like [m1] or [f2]. If the notes do not say, say you do not know.
            """
        if let style { system += " Style: \(name) \(style.summary)." }
        let notes = context.map { "[\($0.ref)] \($0.text.prefix(800))" }.joined(separator: "\n")
        var messages = [ChatMessage(role: .system, content: system)]
        for t in recent { messages.append(ChatMessage(role: t.role == "user" ? .user : .assistant, content: t.text)) }
        messages.append(ChatMessage(role: .user, content: "Notes:\n\(notes)\n\nQuestion: \(question)"))
        return ChatRequest(messages: messages, maxTokens: 300, temperature: 0.3)
    }

    /// The sentences the offline twin may quote, with their notes' references, in context order:
    /// each note's sentences (line by line; headings and pieces under 3 words left out), or the
    /// whole note when none is left.
    public var quotable: [(ref: String, text: String)] {
        var out: [(ref: String, text: String)] = []
        for c in context {
            let sentences = Distiller.sentences(c.text).map { $0.text.trimmingCharacters(in: .whitespaces) }.filter {
                !$0.hasPrefix("#") && $0.split(separator: " ").count >= 3
            }
            let texts = sentences.isEmpty ? [c.text] : sentences
            out += texts.prefix(Self.sentencesPerNote).map { (c.ref, String($0.prefix(300))) }
        }
        return out
    }

    /// Sentences of one note the offline twin weighs (a long passage's first ones).
    public static let sentencesPerNote = 12
    /// Sentences the offline twin quotes.
    public static let quoted = 3

    /// The offline twin's answer when sentences are weighed by the words they share with the
    /// question (``offlineAnswer(scores:)``; the service weighs them by meaning).
    public var offlineAnswer: String {
        let asked = Self.words(question)
        return offlineAnswer(scores: quotable.map { Double(Self.overlap(Self.words($0.text), asked)) })
    }

    /// The offline twin's answer: the `quoted` best of ``quotable`` by `scores` (one per sentence,
    /// higher is closer to the question; ties go to the better note), each with its reference, and
    /// an honest preface. Plain logic over values.
    public func offlineAnswer(scores: [Double]) -> String {
        let candidates = quotable
        let order = candidates.indices.sorted { a, b in
            let sa = a < scores.count ? scores[a] : 0
            let sb = b < scores.count ? scores[b] : 0
            return sa != sb ? sa > sb : a < b
        }
        var lines: [String] = []
        var taken: [String] = []
        for i in order where !taken.contains(candidates[i].text) {
            taken.append(candidates[i].text)
            lines.append("\(candidates[i].text) [\(candidates[i].ref)]")
            if lines.count == Self.quoted { break }
        }
        guard !lines.isEmpty else { return "(Offline twin, no language model configured.) I don't find anything about that in my notes." }
        return "(Offline twin, no language model configured: quoting my notes.) " + lines.joined(separator: " ")
    }

    /// The citations an answer makes (all of the context when it names none).
    public func citations(in answer: String) -> [Citation] {
        let all = context
        let used = all.filter { answer.contains("[\($0.ref)]") }
        return used.isEmpty ? all : used
    }

    static func words(_ s: String) -> Set<String> {
        Set(
            s.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init).filter {
                $0.count > 2 && !SQLiteTwinRepository.stopWords.contains($0)
            })
    }

    static func overlap(_ a: Set<String>, _ b: Set<String>) -> Int { a.intersection(b).count }
}

extension TwinService {
    /// Answers `message` as the user's twin (Protocols/twins.md, "Chat"): retrieves, asks the
    /// language model (or answers offline), stores both turns and distils the user's message
    /// into memory. `onContext` gets what was retrieved before the answer; `onDelta` the answer's
    /// pieces as they come.
    public func chat(
        user: String, session: String?, message: String, onContext: (@Sendable ([Citation]) -> Void)? = nil,
        onDelta: (@Sendable (String) -> Void)? = nil
    ) async throws -> TwinAnswer {
        let text = message.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...8000).contains(text.count) else { throw TwinError.invalid(field: "message", rule: "must be 1-8000 characters") }
        if let session, !(1...64).contains(session.count) || !session.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) {
            throw TwinError.invalid(field: "session", rule: "must be 1-64 letters, digits, - or _")
        }
        guard let twin = try await repository.twin(user) else { throw TwinError.notFound(user) }
        let session = session ?? "chat_" + String(Self.newID().dropFirst(4))
        let recent = try await repository.chat(user: user, session: session, last: TwinChatPlan.recentTurns)
        let (found, facts) = try await context(
            user: user, message: text, k: TwinChatPlan.topMemories, factLimit: TwinChatPlan.graphFacts)
        let plan = TwinChatPlan(
            name: twin.name, style: twin.style.profile, recent: recent, memories: found.map(\.memory), facts: facts, question: text)
        onContext?(plan.context)
        let reply = await compose(plan.request, { await self.offlineAnswer(plan, names: [twin.name, twin.user]) }, onDelta)
        let turn = (recent.last?.turn ?? -1) + 1
        let now = clock()
        var distilled = Distilled()
        let source = MemorySource(chat: session, turns: [turn])
        Distiller(userNames: [twin.name, twin.user]).addFact(
            text, at: now, session: session, turn: turn, source: source, into: &distilled)
        distilled.style.add(text)
        let vectors = try await embedMemories(distilled.memories) { _ in }
        let result = try await repository.appendChat(
            user: user, session: session,
            turns: [
                ChatTurn(turn: turn, role: "user", text: text, createdAt: now),
                ChatTurn(turn: turn + 1, role: "twin", text: reply.text, createdAt: now),
            ], distilled: distilled, vectors: vectors, at: now)
        remember(user, result, vectors)
        counters.withLock { $0.chats += 1 }
        return TwinAnswer(
            session: session, turn: turn + 1, text: reply.text, generator: reply.generator, model: reply.model,
            fallbackReason: reply.fallbackReason, citations: plan.citations(in: reply.text))
    }
}

extension TwinService {
    /// The offline twin's answer to `plan`, its sentences weighed by meaning: the cosine of each
    /// one's vector with the question's (as the search asks it: the user's names made "I"). With
    /// the offline encoder, by the words they share with the question instead, which quote the
    /// evidence more often with it (Benchmarks/README.md, "Twin memory").
    /// `names` are the user's (display name, user name), made "I" in the question.
    public func offlineAnswer(_ plan: TwinChatPlan, names: [String]) async -> String {
        let candidates = plan.quotable
        guard !candidates.isEmpty, !embedder.isOffline else { return plan.offlineAnswer }
        let question = await embed(Self.focus(plan.question, names: names))
        guard question.contains(where: { $0 != 0 }) else { return plan.offlineAnswer }
        var scores: [Double] = []
        scores.reserveCapacity(candidates.count)
        var known: [String: Double] = [:]  // a fact is often a sentence of a passage beside it
        for c in candidates {
            if let s = known[c.text] {
                scores.append(s)
                continue
            }
            let s = Double(cosine(await embed(c.text), question))
            known[c.text] = s
            scores.append(s)
        }
        return plan.offlineAnswer(scores: scores)
    }
}
