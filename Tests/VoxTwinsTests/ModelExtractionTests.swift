import Synchronization
import Testing
import VoxLLM

@testable import VoxTwins

@Suite struct ModelExtractionTests {
    @Test func keepsOnlyWhatTheGraphsVocabularyAllows() {
        let reply = """
            Sure! Here is the JSON:
            {"relations": [
              {"sentence": 1, "subject": "Inês Duarte", "subject_type": "person", "predicate": "works at", "object": "Lisbon Food Co-op", "object_type": "organisation"},
              {"sentence": 2, "subject": "I", "subject_type": "user", "predicate": "LIVES_IN", "object": "Porto", "object_type": "place", "ended": true},
              {"sentence": 3, "subject": "A", "subject_type": "person", "predicate": "HATES", "object": "B", "object_type": "person"},
              {"sentence": 9, "subject": "A", "subject_type": "person", "predicate": "KNOWS", "object": "B", "object_type": "person"},
              {"sentence": 1, "subject": "A", "subject_type": "alien", "predicate": "KNOWS", "object": "B", "object_type": "person"},
              {"sentence": "1", "subject": "A", "subject_type": "person", "predicate": "KNOWS", "object": "B", "object_type": "person"},
              {"sentence": 1, "subject": "\(String(repeating: "x", count: 500))", "subject_type": "person", "predicate": "KNOWS", "object": "B", "object_type": "person"},
              {"sentence": 1, "subject": "Ana", "subject_type": "person", "predicate": "KNOWS", "object": "ana", "object_type": "person"}
            ]}
            """
        let found = ModelExtraction.parse(reply, factCount: 3, userName: "Maya Chen")
        #expect(found.count == 2)
        #expect(found.first?.fact == 0)
        #expect(
            found.first?.relation
                == ExtractedRelation(
                    subject: "Inês Duarte", subjectType: .person, predicate: "WORKS_AT", object: "Lisbon Food Co-op",
                    objectType: .organisation))
        #expect(found.last?.fact == 1)
        #expect(found.last?.relation.subject == "Maya Chen" && found.last?.relation.ended == true)
        // Not the asked-for JSON: nothing, never a trap.
        for bad in ["", "no", "{", "}{", "{\"relations\": 3}", "{\"relations\": [1, null, \"x\"]}", "[{\"sentence\": 1}]"] {
            #expect(ModelExtraction.parse(bad, factCount: 3, userName: "U").isEmpty, "\(bad)")
        }
        // At most eight relations per fact.
        let many = (0..<50).map {
            #"{"sentence": 1, "subject": "P\#($0)", "subject_type": "person", "predicate": "KNOWS", "object": "Q", "object_type": "person"}"#
        }
        #expect(ModelExtraction.parse("{\"relations\": [\(many.joined(separator: ","))]}", factCount: 1, userName: "U").count == 8)
        // No facts asked (or a negative count): nothing, never a trap.
        for count in [0, -1, Int.min] {
            #expect(ModelExtraction.parse("{\"relations\": [\(many[0])]}", factCount: count, userName: "U").isEmpty)
        }
        #expect(ModelExtraction.parse("{\"relations\": [\(many[0])]}", factCount: .max, userName: "U").count == 1)
    }

    @Test func theRequestNumbersTheFactsAndNamesTheUser() {
        let request = ModelExtraction.request(facts: ["I moved to Porto.", "Inês keeps the books."], userName: "Maya Chen")
        #expect(request.messages.count == 2 && request.temperature == 0)
        #expect(request.messages[0].content.contains("\"Maya Chen\" with type user") && request.messages[0].content.contains("WORKS_AT"))
        #expect(request.messages[1].content == "1. I moved to Porto.\n2. Inês keeps the books.")
    }

    /// Through the service on a real store: a model that answers adds its relations to the graph
    /// (each once, beside the offline extractor's), cited to the fact; the offline fallback adds
    /// none and is asked only once.
    @Test func anIngestionGetsTheModelsRelationsWhenAModelAnswers() async throws {
        let asked = Mutex(0)
        let (twins, _) = try openTwins(compose: { request, fallback, _ in
            asked.withLock { $0 += 1 }
            guard request.messages.first?.content.contains("knowledge graph") == true else {
                return ChatReply(text: await fallback(), generator: "offline", fallbackReason: "disabled")
            }
            let facts = request.messages[1].content.split(separator: "\n")
            let n = facts.firstIndex { $0.contains("keeps the co-op's books") }.map { $0 + 1 } ?? 0
            let relations = [
                #"{"sentence": \#(n), "subject": "Inês Duarte", "subject_type": "person", "predicate": "WORKS_AT", "object": "Lisbon Food Co-op", "object_type": "organisation"}"#,
                #"{"sentence": \#(n), "subject": "Inês Duarte", "subject_type": "person", "predicate": "WORKS_AT", "object": "Lisbon Food Co-op", "object_type": "organisation"}"#,
            ]
            return ChatReply(text: "{\"relations\": [\(relations.joined(separator: ","))]}", generator: "llm", model: "test-model")
        })
        _ = try await twins.create(user: "maya", name: "Maya Chen")
        try await ingestNow(twins, "maya", .text, "I know that Inês Duarte keeps the co-op's books for me.\nI live in Lisbon.\n")
        let graph = try await twins.graph(user: "maya", knownAt: nil, includeRetired: false, limit: 50)
        let added = graph.filter { $0.predicate == "WORKS_AT" && $0.subject.name == "Inês Duarte" }
        #expect(added.count == 1, "\(graph.map { "\($0.subject.name) \($0.predicate) \($0.object.name)" })")
        #expect(added.first?.fact.contains("keeps the co-op's books") == true && added.first?.memory != nil)
        #expect(twins.stats.modelRelations == 1)
        #expect(asked.withLock { $0 } == 1)

        let offline = Mutex(0)
        let (quiet, _) = try openTwins(compose: { _, fallback, _ in
            offline.withLock { $0 += 1 }
            return ChatReply(text: await fallback(), generator: "offline", fallbackReason: "disabled")
        })
        _ = try await quiet.create(user: "maya", name: "Maya Chen")
        let many = (0..<60).map { "I like topic number \($0) a lot." }.joined(separator: "\n")
        try await ingestNow(quiet, "maya", .text, many)
        #expect(offline.withLock { $0 } == 1, "the offline fallback is asked once, not per batch")
        #expect(quiet.stats.modelRelations == 0)
    }
}
