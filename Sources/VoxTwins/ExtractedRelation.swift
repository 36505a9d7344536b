/// One subject–predicate–object fact found in a sentence.
public struct ExtractedRelation: Sendable, Hashable, Codable {
    /// The subject's name; "I", "me" and "my" resolve to the context's user name, known people to their full names.
    public var subject: String
    /// The subject's type.
    public var subjectType: EntityType
    /// The predicate in UPPER_SNAKE case: `WORKS_AT`, `LIVES_IN`, `MEMBER_OF`, `LEADS`, `KNOWS`, `MARRIED_TO`,
    /// `STUDIED_AT`, `SUPPORTS`, `OPPOSES`, `PREFERS`, `LOCATED_IN`, `ATTENDS`.
    public var predicate: String
    /// The object's name.
    public var object: String
    /// The object's type; free-text preferences ("I like trams") are typed `policyTopic`.
    public var objectType: EntityType
    /// True when the text says the fact no longer holds ("I left Acme", "used to live in Paris").
    public var ended: Bool

    /// Creates a relation.
    public init(
        subject: String, subjectType: EntityType, predicate: String, object: String, objectType: EntityType, ended: Bool = false
    ) {
        self.subject = subject
        self.subjectType = subjectType
        self.predicate = predicate
        self.object = object
        self.objectType = objectType
        self.ended = ended
    }
}
