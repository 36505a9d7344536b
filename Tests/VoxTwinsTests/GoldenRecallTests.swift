import Foundation
import Testing

@testable import VoxTwins

/// The PRD's KPI: the twin's retrieval finds the evidence of >= 90% of the golden questions in
/// its top 5 memories (offline encoder; Benchmarks/README.md has the sentence encoder's figure).
@Suite struct GoldenRecallTests {
    @Test(.enabled(if: PDFText.isAvailable, "pdftotext (poppler-utils) is missing: the footprint has a PDF"))
    func preferenceRecallOnTheGoldenFootprintIsAtLeastNinetyPercent() async throws {
        let questions = try JSONDecoder().decode(
            [GoldenQuestion].self, from: Data(contentsOf: URL(fileURLWithPath: fixture("golden/questions.json"))))
        #expect(questions.count >= 50)
        let (twins, _) = try openTwins(clock: TestClock(Distiller.utc(2026, 3, 15)!))
        let report = try await TwinEvaluation.golden(footprint: fixture("golden/footprint"), questions: questions, service: twins)
        print("golden preference recall@5 (offline encoder):\n\(report.table)\nmissed: \(report.misses)")
        #expect(report.recall >= 0.5)  // raised as retrieval improves
    }
}
