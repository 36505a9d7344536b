/// Precision, recall and F1 of an extractor over a labelled set, per entity type and overall.
public struct ExtractionReport: Sendable, Equatable {
    /// True positives, false positives and false negatives for one row of the report.
    public struct Counts: Sendable, Equatable {
        /// Found and expected.
        public var truePositives = 0
        /// Found but not expected.
        public var falsePositives = 0
        /// Expected but not found.
        public var falseNegatives = 0

        /// Creates counts.
        public init(truePositives: Int = 0, falsePositives: Int = 0, falseNegatives: Int = 0) {
            self.truePositives = truePositives
            self.falsePositives = falsePositives
            self.falseNegatives = falseNegatives
        }

        /// TP / (TP + FP); 0 when nothing was found.
        public var precision: Double {
            truePositives + falsePositives == 0 ? 0 : Double(truePositives) / Double(truePositives + falsePositives)
        }

        /// TP / (TP + FN); 0 when nothing was expected.
        public var recall: Double {
            truePositives + falseNegatives == 0 ? 0 : Double(truePositives) / Double(truePositives + falseNegatives)
        }

        /// The harmonic mean of precision and recall.
        public var f1: Double {
            precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
        }

        static func + (lhs: Counts, rhs: Counts) -> Counts {
            Counts(
                truePositives: lhs.truePositives + rhs.truePositives, falsePositives: lhs.falsePositives + rhs.falsePositives,
                falseNegatives: lhs.falseNegatives + rhs.falseNegatives)
        }
    }

    /// Entity counts per type (every type has a row, possibly all zero).
    public var byType: [EntityType: Counts]
    /// Relation counts per predicate.
    public var byPredicate: [String: Counts]
    /// How many cases were scored.
    public var caseCount: Int

    /// Entity counts summed over all types: the micro-average.
    public var entities: Counts {
        byType.values.reduce(Counts(), +)
    }

    /// Relation counts summed over all predicates: the micro-average.
    public var relations: Counts {
        byPredicate.values.reduce(Counts(), +)
    }

    /// The report as a Markdown table: one row per entity type, the entity micro-average, one row per predicate,
    /// and the relation micro-average.
    public var table: String {
        var lines = ["| row | TP | FP | FN | precision | recall | F1 |", "|---|---:|---:|---:|---:|---:|---:|"]
        func row(_ name: String, _ counts: Counts) {
            lines.append(
                "| \(name) | \(counts.truePositives) | \(counts.falsePositives) | \(counts.falseNegatives) | "
                    + "\(Self.format(counts.precision)) | \(Self.format(counts.recall)) | \(Self.format(counts.f1)) |")
        }
        for type in EntityType.allCases { row(type.rawValue, byType[type] ?? Counts()) }
        row("**entities (micro)**", entities)
        for predicate in byPredicate.keys.sorted() { row(predicate, byPredicate[predicate]!) }
        row("**relations (micro)**", relations)
        return lines.joined(separator: "\n")
    }

    /// Three decimals, without Foundation's formatters.
    static func format(_ value: Double) -> String {
        let thousandths = Int((value * 1000).rounded())
        let fraction = String(thousandths % 1000)
        return "\(thousandths / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
