/// The Big Five traits, each 0...1.
public struct Personality: Sendable, Equatable, Codable {
    /// Open to new experience (curiosity, creativity).
    public var openness: Double
    /// Organised, dependable.
    public var conscientiousness: Double
    /// Outgoing, energised by others.
    public var extraversion: Double
    /// Warm, cooperative.
    public var agreeableness: Double
    /// Prone to negative emotion.
    public var neuroticism: Double

    /// Traits from their values.
    public init(openness: Double, conscientiousness: Double, extraversion: Double, agreeableness: Double, neuroticism: Double) {
        self.openness = openness
        self.conscientiousness = conscientiousness
        self.extraversion = extraversion
        self.agreeableness = agreeableness
        self.neuroticism = neuroticism
    }

    /// Every trait at 0.5.
    public static let average = Personality(
        openness: 0.5, conscientiousness: 0.5, extraversion: 0.5, agreeableness: 0.5, neuroticism: 0.5)

    /// The traits by name, in the API's order.
    public var named: [(String, Double)] {
        [
            ("openness", openness), ("conscientiousness", conscientiousness), ("extraversion", extraversion),
            ("agreeableness", agreeableness), ("neuroticism", neuroticism),
        ]
    }
}

/// How a person bonds (Bowlby/Ainsworth's four styles).
public enum AttachmentStyle: String, Sendable, Codable, CaseIterable {
    /// Comfortable with closeness and independence.
    case secure
    /// Seeks closeness, fears rejection.
    case anxious
    /// Keeps distance.
    case avoidant
    /// Wants and fears closeness.
    case fearful
}

/// How a person gives and receives affection (Chapman's five).
public enum LoveLanguage: String, Sendable, Codable, CaseIterable {
    /// Words of affirmation.
    case words
    /// Acts of service.
    case acts
    /// Receiving gifts.
    case gifts
    /// Quality time.
    case time
    /// Physical touch.
    case touch
}

/// Martin's four humour styles.
public enum HumorStyle: String, Sendable, Codable, CaseIterable {
    /// Jokes that bring people together.
    case affiliative
    /// Finding the funny side alone.
    case selfEnhancing = "self_enhancing"
    /// Teasing, sarcasm.
    case aggressive
    /// Jokes at one's own expense.
    case selfDefeating = "self_defeating"
}

/// Who an avatar is: everything its creator sets.
public struct AvatarProfile: Sendable, Equatable, Codable {
    /// Longest name, characters.
    public static let maxName = 80
    /// Longest bio, characters.
    public static let maxBio = 4000
    /// Most interests.
    public static let maxInterests = 32
    /// Longest interest, characters.
    public static let maxInterest = 64
    /// Longest owner id, characters.
    public static let maxOwner = 128

    /// Display name.
    public var name: String
    /// Free text about the avatar.
    public var bio: String
    /// Big Five traits.
    public var personality: Personality
    /// Attachment style.
    public var attachmentStyle: AttachmentStyle
    /// Love language.
    public var loveLanguage: LoveLanguage
    /// Humour style.
    public var humorStyle: HumorStyle
    /// Interests, lower-cased and de-duplicated.
    public var interests: [String]
    /// Owner id (the user it belongs to).
    public var owner: String

    /// A profile from its parts (not yet validated: ``validated()``).
    public init(
        name: String, bio: String = "", personality: Personality = .average, attachmentStyle: AttachmentStyle = .secure,
        loveLanguage: LoveLanguage = .time, humorStyle: HumorStyle = .affiliative, interests: [String] = [], owner: String = ""
    ) {
        self.name = name
        self.bio = bio
        self.personality = personality
        self.attachmentStyle = attachmentStyle
        self.loveLanguage = loveLanguage
        self.humorStyle = humorStyle
        self.interests = interests
        self.owner = owner
    }

    /// The profile with interests normalised, or the first rule it breaks.
    public func validated() throws(AvatarError) -> AvatarProfile {
        let trimmed = name.trimmingSpaces
        guard !trimmed.isEmpty, trimmed.count <= Self.maxName else {
            throw .invalid("name", "must be 1...\(Self.maxName) characters")
        }
        guard bio.count <= Self.maxBio else { throw .invalid("bio", "must be at most \(Self.maxBio) characters") }
        guard owner.count <= Self.maxOwner else { throw .invalid("owner", "must be at most \(Self.maxOwner) characters") }
        for (trait, value) in personality.named where !(0...1).contains(value) || !value.isFinite {
            throw .invalid("personality.\(trait)", "must be between 0 and 1")
        }
        guard interests.count <= Self.maxInterests else {
            throw .invalid("interests", "at most \(Self.maxInterests) interests")
        }
        var seen = Set<String>()
        var clean: [String] = []
        for interest in interests {
            let key = interest.trimmingSpaces.lowercased()
            guard !key.isEmpty, key.count <= Self.maxInterest else {
                throw .invalid("interests", "each interest must be 1...\(Self.maxInterest) characters")
            }
            if seen.insert(key).inserted { clean.append(key) }
        }
        var profile = self
        profile.name = trimmed
        profile.interests = clean
        return profile
    }
}

/// A bad request to the avatar service, with the field and one line for people.
public enum AvatarError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A field is out of range or malformed.
    case invalid(String, String)
    /// No avatar with this id.
    case notFound(String)
    /// The `--max-avatars` cap is reached.
    case tooMany(Int)

    /// The one line.
    public var description: String {
        switch self {
        case .invalid(let field, let rule): "'\(field)' \(rule)"
        case .notFound(let id): "no avatar '\(id.prefix(64))'"
        case .tooMany(let cap): "the server holds its maximum of \(cap) avatars"
        }
    }
}

extension String {
    /// The text without leading or trailing spaces and newlines.
    var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
