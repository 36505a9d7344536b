/// An offline entity and relation extractor built from rules, gazetteers and capitalisation patterns.
///
/// No network and no model: every decision comes from the gazetteer and closed word lists, so results are
/// repeatable and the cost is linear in the text's length. The extractor is an immutable value; share one
/// across tasks freely.
public struct OfflineExtractor: Sendable {
    /// The word lists the extractor matches against.
    public let gazetteer: Gazetteer

    /// Creates an extractor over a gazetteer.
    public init(gazetteer: Gazetteer = .standard) {
        self.gazetteer = gazetteer
    }

    /// Every entity mention in the text, in text order; each name is exactly the text at its byte range.
    public func entities(in text: String, context: ExtractionContext) -> [ExtractedEntity] {
        analyse(text, context: context).mentions.map { ExtractedEntity(name: $0.name, type: $0.type, bytes: $0.bytes) }
    }
}

/// An entity found during analysis, with the token span it covers.
struct Mention {
    var first: Int
    var end: Int
    var type: EntityType
    var name: String
    var bytes: Range<Int>
    /// The name relations use: the user's full name, a known person's full name, or `name`.
    var canonical: String
    /// Ties between overlapping candidates of equal length go to the higher rank.
    var rank: Int
}

/// The tokens of one text and the mentions found in them.
struct Analysis {
    var tokens: [Token]
    var mentions: [Mention]
}

extension OfflineExtractor {
    func analyse(_ text: String, context: ExtractionContext) -> Analysis {
        let tokens = Tokenizer.tokens(of: text)
        var scan = Scan(tokens: tokens, text: text, gazetteer: effectiveGazetteer(context), people: People(context))
        scan.findDocuments()
        scan.findTwins()
        scan.findTopics()
        scan.findCapitalisedNames()
        var mentions = Scan.resolveOverlaps(scan.candidates)
        let proposals = scan.findProposals()
        let votes = scan.findVotes(proposals: proposals)
        mentions += proposals + votes
        mentions.sort { ($0.first, $0.end) < ($1.first, $1.end) }
        return Analysis(tokens: tokens, mentions: mentions)
    }

    private func effectiveGazetteer(_ context: ExtractionContext) -> Gazetteer {
        if context.extraPlaces.isEmpty && context.extraOrganisations.isEmpty && context.extraPolicyTopics.isEmpty {
            return gazetteer
        }
        return gazetteer.adding(
            places: context.extraPlaces, organisations: context.extraOrganisations, policyTopics: context.extraPolicyTopics)
    }
}

/// The user's and known people's names, case-folded, mapped to the full names relations report.
struct People {
    var userName: String?
    var userKeys: Set<String> = []
    var known: [String: String] = [:]

    init(_ context: ExtractionContext) {
        userName = context.userName
        if let user = context.userName {
            let folded = Gazetteer.fold(user)
            userKeys.insert(folded)
            if let first = folded.split(separator: " ").first { userKeys.insert(String(first)) }
        }
        // Full names first so that a first name shared by two people still resolves the full names.
        var firstNameOwners: [String: [String]] = [:]
        for person in context.knownPeople {
            let folded = Gazetteer.fold(person)
            guard !folded.isEmpty else { continue }
            known[folded] = person
            if let first = folded.split(separator: " ").first, String(first) != folded {
                firstNameOwners[String(first), default: []].append(person)
            }
        }
        for (first, owners) in firstNameOwners where owners.count == 1 && known[first] == nil {
            known[first] = owners[0]
        }
    }
}
