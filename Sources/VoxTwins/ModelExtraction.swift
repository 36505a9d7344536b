import Foundation
public import VoxLLM

/// Relation extraction by the language model, when one is configured: the facts an ingestion
/// distilled go to the model in numbered batches, and its JSON answer is checked against the
/// graph's vocabulary before any of it is kept. The offline extractor's relations stay; the
/// model's add what the rules miss ("Inês keeps the co-op's books" as Inês WORKS_AT the co-op
/// needs no trigger word). Plain values: the request and the parse; the service sends.
public enum ModelExtraction {
    /// The predicates the graph knows (the offline extractor's).
    public static let predicates: Set<String> = [
        "WORKS_AT", "LIVES_IN", "MEMBER_OF", "LEADS", "KNOWS", "MARRIED_TO", "STUDIED_AT", "SUPPORTS", "OPPOSES", "PREFERS",
        "LOCATED_IN", "ATTENDS",
    ]
    /// Facts per request.
    public static let factsPerRequest = 20
    /// Most facts of one ingestion sent to the model (the rest keep the offline relations only).
    public static let maxFacts = 400
    /// Most relations kept per fact.
    public static let maxRelationsPerFact = 8
    /// Longest entity name kept, in characters.
    public static let maxName = 120

    /// The request for `facts` (at most ``factsPerRequest``) of the user called `userName`.
    public static func request(facts: [String], userName: String) -> ChatRequest {
        let types = EntityType.allCases.map(\.rawValue).joined(separator: ", ")
        let system = """
            You extract a knowledge graph from sentences written by or about \(userName). For each numbered \
            sentence, list the relations it states between named entities. Answer with JSON only, no prose: \
            {"relations": [{"sentence": 1, "subject": "...", "subject_type": "...", "predicate": "...", \
            "object": "...", "object_type": "...", "ended": false}]}. Types: \(types). Predicates: \
            \(predicates.sorted().joined(separator: ", ")). Write \(userName) (also "I", "me", "my") as \
            "\(userName)" with type user. "ended" is true when the sentence says the relation no longer holds. \
            Leave out anything the sentence does not state.
            """
        let numbered = facts.enumerated().map { "\($0.offset + 1). \($0.element.prefix(600))" }.joined(separator: "\n")
        return ChatRequest(
            messages: [ChatMessage(role: .system, content: system), ChatMessage(role: .user, content: numbered)],
            maxTokens: 200 * facts.count, temperature: 0)
    }

    /// The relations in the model's `reply` to a request of `factCount` facts, each with the index
    /// (0-based) of its fact. Anything outside the vocabulary or the bounds is dropped, and a reply
    /// that is not the asked-for JSON gives none.
    public static func parse(_ reply: String, factCount: Int, userName: String) -> [(fact: Int, relation: ExtractedRelation)] {
        guard factCount > 0, let start = reply.firstIndex(of: "{"), let end = reply.lastIndex(of: "}"), start < end,
            let answer = try? JSONDecoder().decode(Answer.self, from: Data(reply[start...end].utf8))
        else { return [] }
        var kept: [(fact: Int, relation: ExtractedRelation)] = []
        var perFact: [Int: Int] = [:]
        for item in answer.relations.prefix(min(factCount, maxFacts) * maxRelationsPerFact) {
            guard let sentence = item.sentence, (1...factCount).contains(sentence),
                let predicate = item.predicate.map(normalisedPredicate), predicates.contains(predicate),
                let subjectType = item.subjectType.flatMap(EntityType.init(rawValue:)),
                let objectType = item.objectType.flatMap(EntityType.init(rawValue:)),
                let subject = item.subject.flatMap({ name($0, userName: userName, type: subjectType) }),
                let object = item.object.flatMap({ name($0, userName: userName, type: objectType) }),
                subject.lowercased() != object.lowercased(), perFact[sentence, default: 0] < maxRelationsPerFact
            else { continue }
            perFact[sentence, default: 0] += 1
            kept.append(
                (
                    sentence - 1,
                    ExtractedRelation(
                        subject: subject, subjectType: subjectType, predicate: predicate, object: object, objectType: objectType,
                        ended: item.ended ?? false)
                ))
        }
        return kept
    }

    /// `WORKS_AT` from "works at", "works_at" or "WORKS-AT".
    static func normalisedPredicate(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespaces).uppercased().map { $0 == " " || $0 == "-" ? "_" : $0 }.reduce(into: "") {
            $0.append($1)
        }
    }

    /// A name fit for the graph: trimmed, one line, at most ``maxName`` characters; the user's
    /// pronouns become their name. Nil when nothing is left.
    static func name(_ raw: String, userName: String, type: EntityType) -> String? {
        let text = raw.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty, text.count <= maxName, !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { return nil }
        if type == .user || ["i", "me", "my", "myself"].contains(text.lowercased()) { return userName }
        return text
    }

    /// The JSON the model is asked for; every field optional, so one bad item does not spoil the rest.
    struct Answer: Decodable {
        var relations: [Item]

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            relations = (try? c.decode([Lenient<Item>].self, forKey: .relations))?.compactMap(\.value) ?? []
        }

        enum CodingKeys: String, CodingKey { case relations }
    }

    struct Item: Decodable {
        var sentence: Int?
        var subject: String?
        var subjectType: String?
        var predicate: String?
        var object: String?
        var objectType: String?
        var ended: Bool?

        enum CodingKeys: String, CodingKey {
            case sentence, subject, predicate, object, ended
            case subjectType = "subject_type"
            case objectType = "object_type"
        }
    }

    /// A value that decodes to nil instead of failing its array.
    struct Lenient<T: Decodable>: Decodable {
        var value: T?
        init(from decoder: any Decoder) throws { value = try? T(from: decoder) }
    }
}
