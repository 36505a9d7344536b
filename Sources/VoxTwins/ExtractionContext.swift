/// What the caller already knows about the text's author and circle; it sharpens extraction.
public struct ExtractionContext: Sendable {
    /// The user's own name: "I", "me" and "my" resolve to it, and mentions of it are typed `user`.
    public var userName: String?
    /// People the user is known to deal with (chat senders, calendar attendees); full or first names match.
    public var knownPeople: [String]
    /// Extra places, matched like the gazetteer's.
    public var extraPlaces: [String]
    /// Extra organisations, matched like the gazetteer's.
    public var extraOrganisations: [String]
    /// Extra policy topics, matched case-insensitively.
    public var extraPolicyTopics: [String]

    /// Creates a context; every part is optional.
    public init(
        userName: String? = nil, knownPeople: [String] = [], extraPlaces: [String] = [], extraOrganisations: [String] = [],
        extraPolicyTopics: [String] = []
    ) {
        self.userName = userName
        self.knownPeople = knownPeople
        self.extraPlaces = extraPlaces
        self.extraOrganisations = extraOrganisations
        self.extraPolicyTopics = extraPolicyTopics
    }
}
