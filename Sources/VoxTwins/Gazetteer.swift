/// Word lists the extractor matches against: places, organisations, policy topics and personal names.
///
/// Entries are stored case-folded with single spaces; places and organisations match capitalised spans of text,
/// policy topics match anywhere, case-insensitively. A value type, safe to share across tasks.
public struct Gazetteer: Sendable {
    /// Cities, countries, states and other places (case-folded).
    public private(set) var places: Set<String>
    /// Countries and states (case-folded): the containers in "Lisbon, Portugal".
    public private(set) var regions: Set<String>
    /// Well-known organisations (case-folded).
    public private(set) var organisations: Set<String>
    /// Policy topics (case-folded).
    public private(set) var policyTopics: Set<String>
    /// Common given names across cultures (case-folded).
    public private(set) var givenNames: Set<String>
    /// Common family names across cultures (case-folded).
    public private(set) var surnames: Set<String>

    /// First words of multi-word topics, so the scan only builds phrases where one can start.
    private(set) var topicFirstWords: Set<String> = []
    /// The longest topic, in words.
    private(set) var longestTopic = 1

    /// Creates a gazetteer; entries may be in any case.
    public init(
        places: [String], regions: [String] = [], organisations: [String], policyTopics: [String], givenNames: [String],
        surnames: [String] = []
    ) {
        self.regions = Set(regions.map(Gazetteer.fold))
        self.places = Set(places.map(Gazetteer.fold)).union(self.regions)
        self.organisations = Set(organisations.map(Gazetteer.fold))
        self.policyTopics = []
        self.givenNames = Set(givenNames.map(Gazetteer.fold))
        self.surnames = Set(surnames.map(Gazetteer.fold))
        addTopics(policyTopics)
    }

    /// A copy with extra entries added.
    public func adding(places: [String] = [], organisations: [String] = [], policyTopics: [String] = []) -> Gazetteer {
        var copy = self
        copy.places.formUnion(places.map(Gazetteer.fold))
        copy.organisations.formUnion(organisations.map(Gazetteer.fold))
        copy.addTopics(policyTopics)
        return copy
    }

    private mutating func addTopics(_ topics: [String]) {
        for topic in topics {
            let folded = Gazetteer.fold(topic)
            let words = folded.split(separator: " ")
            guard let first = words.first else { continue }
            policyTopics.insert(folded)
            topicFirstWords.insert(String(first))
            longestTopic = max(longestTopic, words.count)
        }
    }

    /// Case-folds and normalises spacing and apostrophes, the form every lookup key takes.
    static func fold(_ entry: String) -> String {
        let lowered = String(entry.lowercased().map { $0 == "\u{2019}" ? "'" : $0 })
        return lowered.split(whereSeparator: { $0 == " " }).joined(separator: " ")
    }
}
