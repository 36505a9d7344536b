import Foundation

/// One golden question over a synthetic user's footprint (Tests/VoxTwinsTests/Fixtures/golden).
public struct GoldenQuestion: Sendable, Decodable {
    /// Id.
    public var id: String
    /// The question, as a user asks their twin.
    public var question: String
    /// `preference`, `fact`, `temporal`, `opinion`, `calendar` or `social`.
    public var kind: String
    /// Acceptable evidence: a quote from a footprint file (any one found is a hit).
    public var evidence: [Evidence]

    /// A quote and its file.
    public struct Evidence: Sendable, Decodable {
        /// The file.
        public var file: String
        /// Exact text of the file that answers the question.
        public var quote: String
    }
}

/// What the retrieval saw on the golden set (``TwinEvaluation/candidates(questions:service:user:)``).
public struct GoldenCandidates: Sendable, Codable {
    /// A memory: its id and text.
    public struct Entry: Sendable, Codable {
        /// Memory id.
        public var id: Int64
        /// Its text.
        public var text: String
    }

    /// One fused place: memory id and fused score.
    public struct Place: Sendable, Codable {
        /// Memory id.
        public var id: Int64
        /// Fused score (``HybridRanking``).
        public var score: Double
    }

    /// One question's lists.
    public struct Question: Sendable, Codable {
        /// Question id.
        public var id: String
        /// As asked.
        public var question: String
        /// As searched (the user's names made "I").
        public var focused: String
        /// BM25's list, best first.
        public var bm25: [Int64]
        /// The dense list, best first.
        public var dense: [Int64]
        /// The fusion of both, best first, repeats not collapsed.
        public var fused: [Place]
    }

    /// The text encoder's name.
    public var encoder: String
    /// The twin's current memories.
    public var memories: [Entry]
    /// Per question.
    public var questions: [Question]
}

/// A recall measurement: hits over questions, overall and by group.
public struct RecallReport: Sendable {
    /// Questions asked.
    public var questions = 0
    /// Questions whose evidence was retrieved.
    public var hits = 0
    /// Per group (kind or category): (questions, hits).
    public var groups: [String: (questions: Int, hits: Int)] = [:]
    /// Ids of the questions missed.
    public var misses: [String] = []

    /// hits / questions.
    public var recall: Double { questions == 0 ? 0 : Double(hits) / Double(questions) }

    mutating func add(_ group: String, _ hit: Bool, id: String) {
        questions += 1
        groups[group, default: (0, 0)].questions += 1
        if hit {
            hits += 1
            groups[group, default: (0, 0)].hits += 1
        } else {
            misses.append(id)
        }
    }

    /// A Markdown table of the groups and the total.
    public var table: String {
        var lines = ["| group | questions | recall |", "|---|---:|---:|"]
        for (g, v) in groups.sorted(by: { $0.key < $1.key }) {
            lines.append(
                "| \(g) | \(v.questions) | \(String(format: "%.3f", v.questions == 0 ? 0 : Double(v.hits) / Double(v.questions))) |")
        }
        lines.append("| **all** | \(questions) | **\(String(format: "%.3f", recall))** |")
        return lines.joined(separator: "\n")
    }
}

/// The twin's retrieval evaluations (Benchmarks/README.md, "Twin memory"): preference recall on
/// the golden footprint, and evidence recall@10 on LoCoMo.
public enum TwinEvaluation {
    /// Ingests every file of `footprint` into `user`'s twin (created as "Maya Chen"), then asks
    /// each question: a hit at k when one of the top k memories contains an evidence quote
    /// (compared with whitespace collapsed and case folded). One report per k, in order.
    /// `showMisses`, when given, receives for each question missed at 5 its top 5 and the rank of
    /// its best evidence among 60.
    public static func golden(
        footprint: String, questions: [GoldenQuestion], service: TwinService, user: String = "maya", ks: [Int],
        showMisses: ((String) -> Void)? = nil
    ) async throws -> [RecallReport] {
        _ = try await service.create(user: user, name: "Maya Chen")
        let files = try FileManager.default.contentsOfDirectory(atPath: footprint).sorted()
        // The footprint's calendar spans 2024-2027.
        let window = (Distiller.utc(2024, 1, 1) ?? 0)...(Distiller.utc(2027, 12, 31) ?? 0)
        for name in files {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: footprint + "/" + name)))
            guard let kind = IngestKind.detect(filename: name, contentType: nil, bytes: bytes) else { continue }
            _ = try await service.ingest(user: user, kind: kind, payload: bytes, filename: name, window: window)
        }
        try await service.processQueued()
        for i in try await service.ingestions(user: user, limit: 100) where i.status != .done {
            throw TwinError.invalid(field: i.filename ?? i.id, rule: "was not ingested: \(i.error ?? i.status.rawValue)")
        }
        var reports = ks.map { _ in RecallReport() }
        for q in questions {
            let found = try await service.search(user: user, query: q.question, k: ks.max() ?? 5).map { normalise($0.memory.text) }
            for (i, k) in ks.enumerated() {
                let hit = q.evidence.contains { e in
                    let quote = normalise(e.quote)
                    return found.prefix(k).contains { $0.contains(quote) }
                }
                reports[i].add(q.kind, hit, id: q.id)
            }
            if let show = showMisses {
                let found = try await service.search(user: user, query: q.question, k: 60)
                let deep = found.map { normalise($0.memory.text) }
                let rank = deep.firstIndex { t in q.evidence.contains { t.contains(normalise($0.quote)) } }
                if (rank ?? 60) >= 5 {
                    let lists = try await service.retrieverLists(user: user, query: q.question)
                    let place = { (list: [Int64]) in
                        rank.flatMap { r in list.firstIndex(of: found[r].memory.id).map { String($0 + 1) } } ?? "-"
                    }
                    var lines = [
                        "\(q.id) \(q.question): evidence at \(rank.map { String($0 + 1) } ?? "none of 60")"
                            + " (BM25 \(place(lists.bm25)), dense \(place(lists.dense)))"
                    ]
                    lines += deep.prefix(5).enumerated().map { "  \($0.offset + 1). \($0.element.prefix(160))" }
                    if let r = rank { lines.append("  \(r + 1). \(deep[r].prefix(300))") }
                    show(lines.joined(separator: "\n"))
                }
            }
        }
        return reports
    }

    /// What the retrieval saw for each golden question, for trying rerankers and other encoders
    /// outside the server (`voxface twin-eval golden --dump-candidates FILE`,
    /// Tools/twins/rerank_prototype.py): the twin's current memories, and per question the query as
    /// searched, both retrievers' lists and the fused ranking before repeats are collapsed. Call
    /// after ``golden(footprint:questions:service:user:ks:showMisses:)`` has ingested the footprint.
    public static func candidates(questions: [GoldenQuestion], service: TwinService, user: String = "maya") async throws
        -> GoldenCandidates
    {
        guard let twin = try await service.repository.twin(user) else { throw TwinError.notFound(user) }
        var seen: Set<Int64> = []
        let ids = try await service.repository.vectors(user: user, dimension: service.embedder.dimension).ids.filter {
            seen.insert($0).inserted
        }
        let memories = try await service.repository.memories(user: user, ids: ids).map {
            GoldenCandidates.Entry(id: $0.id, text: $0.text)
        }
        var out = GoldenCandidates(encoder: service.embedder.name, memories: memories, questions: [])
        for q in questions {
            let focused = TwinService.focus(q.question, names: [twin.name, twin.user])
            let lists = try await service.retrieverLists(user: user, query: q.question)
            let fused = try await service.ranked(user: user, query: focused, vector: await service.embed(focused))
            out.questions.append(
                .init(
                    id: q.id, question: q.question, focused: focused, bm25: lists.bm25, dense: lists.dense,
                    fused: fused.map { .init(id: $0.memory.id, score: $0.score) }))
        }
        return out
    }

    /// The chat's graph facts on the golden set (after ``golden(footprint:questions:service:user:ks:showMisses:)``
    /// has ingested the footprint): of the questions whose evidence is in the sentence of one of the
    /// user's believed edges, those whose chat context (``TwinService/context(user:message:k:factLimit:)``,
    /// 5 memories and up to 5 facts) holds such an edge.
    public static func goldenGraphFacts(questions: [GoldenQuestion], service: TwinService, user: String = "maya") async throws
        -> RecallReport
    {
        let edges = try await service.graph(user: user, knownAt: nil, includeRetired: false, limit: 100_000).map { normalise($0.fact) }
        var report = RecallReport()
        for q in questions {
            let quotes = q.evidence.map { normalise($0.quote) }
            guard edges.contains(where: { e in quotes.contains { e.contains($0) } }) else { continue }
            let context = try await service.context(
                user: user, message: q.question, k: TwinChatPlan.topMemories, factLimit: TwinChatPlan.graphFacts)
            let hit = context.facts.contains { f in quotes.contains { normalise(f.fact).contains($0) } }
            report.add(q.kind, hit, id: q.id)
        }
        return report
    }

    /// The offline twin's answers on the golden set (after ``golden(footprint:questions:service:user:ks:showMisses:)``
    /// has ingested the footprint): of the questions whose evidence is in the chat's context (5
    /// memories and up to 5 facts), those whose offline answer
    /// (``TwinService/offlineAnswer(_:names:)``) quotes an evidence sentence. Nothing is stored (no chat turn is taken).
    public static func goldenOfflineAnswers(questions: [GoldenQuestion], service: TwinService, user: String = "maya") async throws
        -> RecallReport
    {
        guard let twin = try await service.repository.twin(user) else { throw TwinError.notFound(user) }
        var report = RecallReport()
        for q in questions {
            let quotes = q.evidence.map { normalise($0.quote) }
            let (found, facts) = try await service.context(
                user: user, message: q.question, k: TwinChatPlan.topMemories, factLimit: TwinChatPlan.graphFacts)
            let plan = TwinChatPlan(
                name: twin.name, style: nil, recent: [], memories: found.map(\.memory), facts: facts, question: q.question)
            guard plan.context.contains(where: { c in quotes.contains { normalise(c.text).contains($0) } }) else { continue }
            let answer = normalise(await service.offlineAnswer(plan, names: [twin.name, twin.user]))
            report.add(q.kind, quotes.contains { answer.contains($0) }, id: q.id)
        }
        return report
    }

    static func normalise(_ s: String) -> String {
        s.lowercased().split { $0.isWhitespace }.joined(separator: " ")
    }

    // MARK: - LoCoMo

    /// Evidence recall on LoCoMo (`locomo10.json`): each conversation goes into its own twin as a
    /// chat log (one message per turn, dated by its session); each question of categories 1-4
    /// with evidence is searched in its conversation's twin. Two hit rules are reported:
    /// `memories` (an evidence turn among the turns cited by the top `k` memories, which cover up
    /// to 3 turns each) and `turns` (an evidence turn among the first `k` distinct turns those
    /// memories cite, in rank order: comparable with turn-level retrievers).
    public static func locomo(_ data: [UInt8], service: TwinService, k: Int = 10, limitConversations: Int = .max) async throws
        -> (memories: RecallReport, turns: RecallReport)
    {
        let samples = try LoCoMo.read(data)
        var byMemories = RecallReport()
        var byTurns = RecallReport()
        for sample in samples.prefix(limitConversations) {
            let user = "locomo-" + sample.id
            _ = try await service.create(user: user, name: user)
            let messages = sample.turns.map { t -> [String: Any] in ["sender": t.speaker, "time": t.time, "text": t.text] }
            let payload = [UInt8](try JSONSerialization.data(withJSONObject: messages))
            _ = try await service.ingest(user: user, kind: .chat, payload: payload, filename: sample.id + ".json")
            try await service.processQueued()
            for (n, q) in sample.questions.enumerated() {
                let found = try await service.search(user: user, query: q.question, k: k)
                let cited = found.map { m in m.memory.sources.flatMap { $0.turns ?? [] } }
                let evidence = Set(q.evidence)
                byMemories.add("category \(q.category)", cited.contains { !evidence.isDisjoint(with: $0) }, id: "\(sample.id)#\(n)")
                var turns: [Int] = []
                for list in cited {
                    for t in list where !turns.contains(t) && turns.count < k { turns.append(t) }
                }
                byTurns.add("category \(q.category)", !evidence.isDisjoint(with: turns), id: "\(sample.id)#\(n)")
            }
        }
        return (byMemories, byTurns)
    }
}

/// The LoCoMo file, read for the evaluation (format: snap-research/locomo, data/locomo10.json).
enum LoCoMo {
    struct Turn {
        var speaker: String
        var text: String
        var time: Double
    }
    struct Question {
        var question: String
        var category: Int
        /// Indexes into the conversation's turns.
        var evidence: [Int]
    }
    struct Sample {
        var id: String
        var turns: [Turn]
        var questions: [Question]
    }

    static func read(_ data: [UInt8]) throws -> [Sample] {
        guard let list = try JSONSerialization.jsonObject(with: Data(data)) as? [[String: Any]] else {
            throw TwinInputError.malformed(format: "locomo", reason: "not an array of samples")
        }
        return list.compactMap { sample in
            guard let id = sample["sample_id"] as? String, let conversation = sample["conversation"] as? [String: Any] else { return nil }
            var sessions: [(Int, [[String: Any]], Double)] = []
            for (key, value) in conversation {
                guard key.hasPrefix("session_"), let n = Int(key.dropFirst("session_".count)), let turns = value as? [[String: Any]] else {
                    continue
                }
                let date = (conversation["session_\(n)_date_time"] as? String).flatMap(parseDate) ?? 0
                sessions.append((n, turns, date))
            }
            sessions.sort { $0.0 < $1.0 }
            var turns: [Turn] = []
            var index: [String: Int] = [:]
            for (_, list, date) in sessions {
                for (i, t) in list.enumerated() {
                    guard let dia = t["dia_id"] as? String else { continue }
                    var text = t["text"] as? String ?? ""
                    if let caption = t["blip_caption"] as? String { text += " [shares \(caption)]" }
                    index[dia] = turns.count
                    turns.append(Turn(speaker: t["speaker"] as? String ?? "", text: text, time: date + Double(i) * 30))
                }
            }
            let questions: [Question] = ((sample["qa"] as? [[String: Any]]) ?? []).compactMap { qa in
                guard let q = qa["question"] as? String, let c = qa["category"] as? Int, (1...4).contains(c) else { return nil }
                let ids = ((qa["evidence"] as? [String]) ?? []).flatMap(evidenceIDs).compactMap { index[$0] }
                return ids.isEmpty ? nil : Question(question: q, category: c, evidence: ids)
            }
            return Sample(id: id, turns: turns, questions: questions)
        }
    }

    /// Evidence ids with the file's known slips repaired ("D8:6; D9:17", "D:11:26", "D30:05").
    static func evidenceIDs(_ raw: String) -> [String] {
        raw.split { $0 == ";" || $0 == " " || $0 == "," }.compactMap { part in
            let digits = part.split { !$0.isNumber }.compactMap { Int($0) }
            guard part.hasPrefix("D"), digits.count == 2 else { return nil }
            return "D\(digits[0]):\(digits[1])"
        }
    }

    /// "1:56 pm on 8 May, 2023" as Unix seconds (UTC).
    static func parseDate(_ s: String) -> Double? {
        let parts = s.lowercased().replacingOccurrences(of: ",", with: "").split(separator: " ")
        guard parts.count == 6, parts[2] == "on" else { return nil }
        let hm = parts[0].split(separator: ":").compactMap { Int($0) }
        guard hm.count == 2, let d = Int(parts[3]), let y = Int(parts[5]) else { return nil }
        let months = [
            "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
        ]
        guard let m = months.firstIndex(of: String(parts[4])), let day = Distiller.utc(y, m + 1, d) else { return nil }
        let hour = hm[0] % 12 + (parts[1] == "pm" ? 12 : 0)
        return day + Double(hour * 3600 + hm[1] * 60)
    }
}
