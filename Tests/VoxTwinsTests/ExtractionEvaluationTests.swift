import Testing
import VoxTwins

@Suite struct ExtractionEvaluationTests {
    let extractor = OfflineExtractor()

    @Test func devSetScores() throws {
        let cases = try Fixtures.cases("dev.json")
        #expect(cases.count >= 80)
        let report = ExtractionEvaluation.score(cases, extractor: extractor)
        print("dev.json (\(report.caseCount) cases)\n" + report.table)
    }
}

extension ExtractionEvaluationTests {
    /// Lists each dev case's misses and false alarms: the working view while writing rules (never run on test.json).
    @Test func devSetDifferences() throws {
        for labelled in try Fixtures.cases("dev.json") {
            let found = Set(
                extractor.entities(in: labelled.text, context: labelled.context).map { "\($0.name.lowercased())|\($0.type.rawValue)" })
            let expected = Set(labelled.entities.map { "\($0.name.lowercased())|\($0.type.rawValue)" })
            let foundRelations = Set(
                extractor.relations(in: labelled.text, context: labelled.context).map {
                    "\($0.subject.lowercased())|\($0.predicate)|\($0.object.lowercased())|\($0.ended)"
                })
            let expectedRelations = Set(
                labelled.relations.map { "\($0.subject.lowercased())|\($0.predicate)|\($0.object.lowercased())|\($0.ended)" })
            if found != expected || foundRelations != expectedRelations {
                print("DIFF \(labelled.text)")
                for item in expected.subtracting(found) { print("  miss \(item)") }
                for item in found.subtracting(expected) { print("  extra \(item)") }
                for item in expectedRelations.subtracting(foundRelations) { print("  miss-rel \(item)") }
                for item in foundRelations.subtracting(expectedRelations) { print("  extra-rel \(item)") }
            }
        }
    }
}
