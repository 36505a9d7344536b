/// One hand-labelled sentence for measuring the extractor, in the fixture's JSON shape.
public struct LabelledCase: Sendable, Codable, Equatable {
    /// An expected entity: a name (matched case-insensitively, trimmed) and a type.
    public struct Entity: Sendable, Codable, Equatable {
        /// The name as written.
        public var name: String
        /// The type.
        public var type: EntityType

        /// Creates an expected entity.
        public init(name: String, type: EntityType) {
            self.name = name
            self.type = type
        }
    }

    /// An expected relation: subject, predicate and object match case-insensitively, `ended` exactly.
    public struct Relation: Sendable, Codable, Equatable {
        /// The subject's name.
        public var subject: String
        /// The predicate, UPPER_SNAKE.
        public var predicate: String
        /// The object's name.
        public var object: String
        /// Whether the fact is over.
        public var ended: Bool

        /// Creates an expected relation.
        public init(subject: String, predicate: String, object: String, ended: Bool = false) {
            self.subject = subject
            self.predicate = predicate
            self.object = object
            self.ended = ended
        }
    }

    /// The sentence.
    public var text: String
    /// The author's name, passed as the context's user name.
    public var user: String?
    /// People the author is known to deal with.
    public var knownPeople: [String]
    /// Every entity the sentence mentions.
    public var entities: [Entity]
    /// Every relation the sentence states.
    public var relations: [Relation]

    enum CodingKeys: String, CodingKey {
        case text, user, entities, relations
        case knownPeople = "known_people"
    }

    /// Creates a case.
    public init(text: String, user: String? = nil, knownPeople: [String] = [], entities: [Entity] = [], relations: [Relation] = []) {
        self.text = text
        self.user = user
        self.knownPeople = knownPeople
        self.entities = entities
        self.relations = relations
    }

    /// Decodes a case; `known_people`, `entities` and `relations` may be omitted.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        text = try container.decode(String.self, forKey: .text)
        user = try container.decodeIfPresent(String.self, forKey: .user)
        knownPeople = try container.decodeIfPresent([String].self, forKey: .knownPeople) ?? []
        entities = try container.decodeIfPresent([Entity].self, forKey: .entities) ?? []
        relations = try container.decodeIfPresent([Relation].self, forKey: .relations) ?? []
    }

    /// The extraction context this case describes.
    public var context: ExtractionContext {
        ExtractionContext(userName: user, knownPeople: knownPeople)
    }
}
