/// Scores an extractor against labelled cases.
///
/// An entity counts as found when its name (case-insensitive, trimmed) and type match an expected one; a relation
/// when subject, predicate and object (case-insensitive) and `ended` match. Within a case, repeated mentions of the
/// same name and type count once.
public enum ExtractionEvaluation {
    /// Runs the extractor on every case and counts matches per entity type and per predicate.
    public static func score(_ cases: [LabelledCase], extractor: OfflineExtractor) -> ExtractionReport {
        var byType = Dictionary(uniqueKeysWithValues: EntityType.allCases.map { ($0, ExtractionReport.Counts()) })
        var byPredicate: [String: ExtractionReport.Counts] = [:]
        for labelled in cases {
            let context = labelled.context
            let expectedEntities = Set(labelled.entities.map { EntityKey(name: $0.name, type: $0.type) })
            let foundEntities = Set(extractor.entities(in: labelled.text, context: context).map { EntityKey(name: $0.name, type: $0.type) })
            for key in foundEntities.union(expectedEntities) {
                let hit = foundEntities.contains(key)
                let expected = expectedEntities.contains(key)
                byType[key.type, default: .init()].count(hit: hit, expected: expected)
            }
            let expectedRelations = Set(
                labelled.relations.map { RelationKey(subject: $0.subject, predicate: $0.predicate, object: $0.object, ended: $0.ended) })
            let foundRelations = Set(
                extractor.relations(in: labelled.text, context: context).map {
                    RelationKey(subject: $0.subject, predicate: $0.predicate, object: $0.object, ended: $0.ended)
                })
            for key in foundRelations.union(expectedRelations) {
                byPredicate[key.predicate, default: .init()].count(
                    hit: foundRelations.contains(key), expected: expectedRelations.contains(key))
            }
        }
        return ExtractionReport(byType: byType, byPredicate: byPredicate, caseCount: cases.count)
    }

    private static func normalise(_ name: String) -> String {
        Gazetteer.fold(String(name.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed()))
    }

    private struct EntityKey: Hashable {
        var name: String
        var type: EntityType

        init(name: String, type: EntityType) {
            self.name = ExtractionEvaluation.normalise(name)
            self.type = type
        }
    }

    private struct RelationKey: Hashable {
        var subject: String
        var predicate: String
        var object: String
        var ended: Bool

        init(subject: String, predicate: String, object: String, ended: Bool) {
            self.subject = ExtractionEvaluation.normalise(subject)
            self.predicate = predicate.uppercased()
            self.object = ExtractionEvaluation.normalise(object)
            self.ended = ended
        }
    }
}

extension ExtractionReport.Counts {
    fileprivate mutating func count(hit: Bool, expected: Bool) {
        switch (hit, expected) {
        case (true, true): truePositives += 1
        case (true, false): falsePositives += 1
        case (false, true): falseNegatives += 1
        case (false, false): break
        }
    }
}
