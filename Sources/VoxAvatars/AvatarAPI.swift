import Foundation

/// The body of `POST /v1/avatars` and `PATCH /v1/avatars/{id}` (every field optional in a patch).
public struct AvatarInput: Sendable, Decodable {
    /// Big Five, each optional in a patch.
    public struct Traits: Sendable, Decodable {
        var openness: Double?
        var conscientiousness: Double?
        var extraversion: Double?
        var agreeableness: Double?
        var neuroticism: Double?
    }
    var name: String?
    var bio: String?
    var personality: Traits?
    var attachmentStyle: String?
    var loveLanguage: String?
    var humorStyle: String?
    var interests: [String]?
    var owner: String?

    enum CodingKeys: String, CodingKey {
        case name, bio, personality, interests, owner
        case attachmentStyle = "attachment_style"
        case loveLanguage = "love_language"
        case humorStyle = "humor_style"
    }

    /// The `owner` the request names, if any.
    public var requestedOwner: String? { owner }

    /// Sets the owner (the server sets a user's own name on what the user creates).
    public mutating func setOwner(_ name: String) { owner = name }

    /// `base` with this input's fields applied, validated.
    public func apply(to base: AvatarProfile) throws(AvatarError) -> AvatarProfile {
        var p = base
        if let name { p.name = name }
        if let bio { p.bio = bio }
        if let t = personality {
            p.personality = Personality(
                openness: t.openness ?? p.personality.openness, conscientiousness: t.conscientiousness ?? p.personality.conscientiousness,
                extraversion: t.extraversion ?? p.personality.extraversion, agreeableness: t.agreeableness ?? p.personality.agreeableness,
                neuroticism: t.neuroticism ?? p.personality.neuroticism)
        }
        if let s = attachmentStyle {
            guard let v = AttachmentStyle(rawValue: s) else { throw .invalid("attachment_style", Self.oneOf(AttachmentStyle.self)) }
            p.attachmentStyle = v
        }
        if let s = loveLanguage {
            guard let v = LoveLanguage(rawValue: s) else { throw .invalid("love_language", Self.oneOf(LoveLanguage.self)) }
            p.loveLanguage = v
        }
        if let s = humorStyle {
            guard let v = HumorStyle(rawValue: s) else { throw .invalid("humor_style", Self.oneOf(HumorStyle.self)) }
            p.humorStyle = v
        }
        if let interests { p.interests = interests }
        if let owner { p.owner = owner }
        return try p.validated()
    }

    /// Whether a name was given (creation needs one).
    public var hasName: Bool { name != nil }

    private static func oneOf<E: CaseIterable & RawRepresentable>(_: E.Type) -> String where E.RawValue == String {
        "must be one of " + E.allCases.map(\.rawValue).joined(separator: ", ")
    }
}

/// An avatar as the API shows it.
public struct AvatarView: Sendable, Encodable {
    /// Life-process state, needs and emotions.
    public struct State: Sendable, Encodable {
        /// The `life` field.
        public var life: String
        /// The `minutes_in_state` field.
        public var minutesInState: Double
        /// The `needs` field.
        public var needs: [String: Double]
        /// The `emotions` field.
        public var emotions: [String: Double]
        /// The `pad` field.
        public var pad: [String: Double]
        /// The `partner` field.
        public var partner: String?
        enum CodingKeys: String, CodingKey {
            case life, needs, emotions, pad, partner
            case minutesInState = "minutes_in_state"
        }
    }
    /// The `id` field.
    public var id: String
    /// The `name` field.
    public var name: String
    /// The `bio` field.
    public var bio: String
    /// The `personality` field.
    public var personality: [String: Double]
    /// The `attachment_style` field.
    public var attachmentStyle: String
    /// The `love_language` field.
    public var loveLanguage: String
    /// The `humor_style` field.
    public var humorStyle: String
    /// The `interests` field.
    public var interests: [String]
    /// The `owner` field.
    public var owner: String
    /// The `state` field.
    public var state: State

    enum CodingKeys: String, CodingKey {
        case id, name, bio, personality, interests, owner, state
        case attachmentStyle = "attachment_style"
        case loveLanguage = "love_language"
        case humorStyle = "humor_style"
    }

    init(_ a: SimAvatar, partner: String?) {
        id = a.id
        name = a.profile.name
        bio = a.profile.bio
        personality = Dictionary(uniqueKeysWithValues: a.profile.personality.named)
        attachmentStyle = a.profile.attachmentStyle.rawValue
        loveLanguage = a.profile.loveLanguage.rawValue
        humorStyle = a.profile.humorStyle.rawValue
        interests = a.profile.interests
        owner = a.profile.owner
        state = State(
            life: a.life.rawValue, minutesInState: a.minutesInState,
            needs: Dictionary(uniqueKeysWithValues: a.needs.named.map { ($0.0, round4($0.1)) }),
            emotions: Dictionary(uniqueKeysWithValues: zip(Emotions.channelNames, a.emotions.faceChannels.map(round4))),
            pad: [
                "pleasure": round4(a.emotions.pleasure), "arousal": round4(a.emotions.arousal), "dominance": round4(a.emotions.dominance),
            ],
            partner: partner)
    }
}

/// A memory as the API shows it.
public struct MemoryView: Sendable, Encodable {
    /// The `id` field.
    public var id: Int64
    /// The `text` field.
    public var text: String
    /// The `importance` field.
    public var importance: Int
    /// The `kind` field.
    public var kind: String
    /// The `created_at` field.
    public var createdAt: Double
    /// The `recalls` field.
    public var recalls: Int
    /// The `strength` field.
    public var strength: Double
    enum CodingKeys: String, CodingKey {
        case id, text, importance, kind, recalls, strength
        case createdAt = "created_at"
    }
    init(_ m: Memory, now: Double) {
        id = m.id
        text = m.text
        importance = m.importance
        kind = m.kind
        createdAt = m.createdAt
        recalls = m.recalls
        strength = round4(m.strength(at: now))
    }
}

/// A relationship as one of its avatars sees it.
public struct RelationshipView: Sendable, Encodable {
    /// The `with` field.
    public var with: String
    /// The `name` field.
    public var name: String
    /// The `stage` field.
    public var stage: String
    /// The `affinity` field.
    public var affinity: Double
    /// The `trust` field.
    public var trust: Double
    /// The `attraction` field.
    public var attraction: Double
    /// The `attraction_back` field.
    public var attractionBack: Double
    /// The `interactions` field.
    public var interactions: Int
    /// The `last_interaction` field.
    public var lastInteraction: Double
    /// The `history` field.
    public var history: [Interaction]
    enum CodingKeys: String, CodingKey {
        case with, name, stage, affinity, trust, attraction, interactions, history
        case attractionBack = "attraction_back"
        case lastInteraction = "last_interaction"
    }
}

/// The world clock as the API shows it.
public struct WorldView: Sendable, Encodable {
    /// The `minute` field.
    public var minute: Double
    /// The `day` field.
    public var day: Int
    /// The `clock` field.
    public var clock: String
    /// The `speed` field.
    public var speed: Double
    /// The `paused` field.
    public var paused: Bool
    /// The `avatars` field.
    public var avatars: Int
    /// The `seed` field.
    public var seed: UInt64
}

/// The body of `PATCH /v1/world`.
public struct WorldPatch: Sendable, Decodable {
    var speed: Double?
    var paused: Bool?
}

/// The reply to `POST /v1/avatars/{id}/messages`.
public struct MessageReply: Sendable, Encodable {
    /// The `reply` field.
    public var reply: String
    /// The `generator` field.
    public var generator: String
    /// The `model` field.
    public var model: String?
    /// The `fallback_reason` field.
    public var fallbackReason: String?
    /// The `memory` field.
    public var memory: MemoryView
    /// The `state` field.
    public var state: AvatarView.State
    /// The `owner_twin_memories` field: how many of the owner's twin's memories it drew on.
    public var ownerTwinMemories: Int = 0
    enum CodingKeys: String, CodingKey {
        case reply, generator, model, memory, state
        case fallbackReason = "fallback_reason"
        case ownerTwinMemories = "owner_twin_memories"
    }
}

/// `x` rounded to 4 decimals (replies stay short and readable).
func round4(_ x: Double) -> Double { (x * 10_000).rounded() / 10_000 }
