import Foundation
import Testing
import VoxMatch
import VoxModel
import VoxTestSupport

@testable import VoxTwins

/// The PRD's KPI: the twin's retrieval finds the evidence of the golden questions (79 over a
/// synthetic user's footprint: notes, CV, journal, two chat exports, a calendar, a web page and
/// a PDF). Measured with the sentence encoder when its weights are present (`make test` fetches
/// them) and with the offline encoder always. Thresholds sit just under the measured figures
/// (Benchmarks/README.md, "Twin memory"), so a regression fails.
@Suite(.enabled(if: PDFText.isAvailable, "pdftotext (poppler-utils) is missing: the footprint has a PDF"))
struct GoldenRecallTests {
    static func questions() throws -> [GoldenQuestion] {
        try JSONDecoder().decode([GoldenQuestion].self, from: Data(contentsOf: URL(fileURLWithPath: fixture("golden/questions.json"))))
    }

    /// Recall at 5 and at 10, and of the chat's graph facts, from one ingestion.
    static func recall(_ embedder: any TextEmbedder) async throws -> (at5: Double, at10: Double, facts: Double, answers: Double) {
        try await onOwnThread { try await measure(embedder) }
    }

    private static func measure(_ embedder: any TextEmbedder) async throws -> (at5: Double, at10: Double, facts: Double, answers: Double) {
        let (twins, _) = try openTwins(clock: TestClock(Distiller.utc(2026, 3, 15) ?? 0), embedder: embedder)
        let reports = try await TwinEvaluation.golden(
            footprint: fixture("golden/footprint"), questions: try questions(), service: twins, ks: [5, 10])
        for (k, report) in zip([5, 10], reports) {
            print("golden recall@\(k) (\(embedder.name)):\n\(report.table)\nmissed: \(report.misses.joined(separator: " "))")
        }
        try await checkCandidates(twins)
        let facts = try await TwinEvaluation.goldenGraphFacts(questions: try questions(), service: twins)
        print("the chat's graph facts (\(embedder.name)):\n\(facts.table)\nmissed: \(facts.misses.joined(separator: " "))")
        // The evidence of a fifth of the questions is in a graph fact's sentence.
        #expect(facts.questions >= 15)
        let answers = try await TwinEvaluation.goldenOfflineAnswers(questions: try questions(), service: twins)
        print("the offline twin's answers (\(embedder.name)):\n\(answers.table)\nmissed: \(answers.misses.joined(separator: " "))")
        // Asked only where the chat's context holds the evidence: most questions.
        #expect(answers.questions >= 50)
        return (reports[0].recall, reports[1].recall, facts.recall, answers.recall)
    }

    /// The candidates written for outside experiments (`twin-eval golden --dump-candidates`) are
    /// what the search ranks: each question's fused order, collapsed, is the search's top 5, and
    /// every memory in it is among the memories written.
    private static func checkCandidates(_ twins: TwinService) async throws {
        let dump = try await TwinEvaluation.candidates(questions: try questions(), service: twins)
        #expect(dump.questions.count == (try questions()).count)
        let texts = Dictionary(dump.memories.map { ($0.id, $0.text) }, uniquingKeysWith: { a, _ in a })
        #expect(texts.count == dump.memories.count)
        for q in dump.questions {
            let order = q.fused.map(\.id)
            #expect(order.allSatisfy { texts[$0] != nil }, "\(q.id)")
            #expect(!q.bm25.isEmpty || !q.dense.isEmpty, "\(q.id)")
            let collapsed = HybridRanking.collapse(order.map { texts[$0] ?? "" }, k: 5).map { order[$0.index] }
            let searched = try await twins.search(user: "maya", query: q.question, k: 5).map(\.memory.id)
            #expect(collapsed == searched, "\(q.id)")
        }
    }

    @Test func theGoldenSetIsBigEnough() throws {
        let questions = try Self.questions()
        #expect(questions.count >= 50)
        #expect(Set(questions.map(\.kind)).count >= 6)
    }

    @Test func offlineEncoder() async throws {
        // Measured 0.684 at 5 and 0.747 at 10 with the audited evidence (0.620 and 0.722 before
        // it); the chat's graph facts 0.750 (21 of 28); the offline answer quotes the evidence
        // for 0.491 (26 of the 53 whose evidence is in the context).
        let recall = try await Self.recall(HashedTextEmbedder())
        #expect(recall.at5 >= 0.66)
        #expect(recall.at10 >= 0.73)
        #expect(recall.facts >= 0.75)
        #expect(recall.answers >= 0.47)
    }

    @Test(.enabled(if: SentenceEncoder.findDefault() != nil, "no sentence-encoder weights (make models fetches them)"))
    func sentenceEncoder() async throws {
        let directory = try #require(SentenceEncoder.findDefault())
        let embedder = SentenceTextEmbedder(encoder: try SentenceEncoder(directory: directory))
        // Measured 0.899 at 5 and 0.949 at 10 with the audited evidence (0.873 and 0.949 before
        // it; the PRD asks 0.90; see Benchmarks/README.md); the chat's graph facts 0.964 (27 of 28);
        // the offline answer quotes the evidence for 0.507 (36 of 71; 0.310 when it took each
        // note's sentence sharing most words with the question).
        let recall = try await Self.recall(embedder)
        #expect(recall.at5 >= 0.88)
        #expect(recall.at10 >= 0.93)
        #expect(recall.facts >= 0.9)
        #expect(recall.answers >= 0.49)
    }
}
