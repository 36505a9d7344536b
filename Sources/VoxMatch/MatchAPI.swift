import VoxAvatars
import VoxDSP

/// A profile create or patch request: the seed's fields (`name`, `cv_text`, `interests`,
/// `transcript`) and the optional ones. In a patch, a field left out stays as it was; `"avatar": ""`
/// unlinks the avatar.
public struct ProfileInput: Sendable, Decodable {
    /// Big Five, all five required when given.
    public struct Traits: Sendable, Decodable {
        var openness: Double
        var conscientiousness: Double
        var extraversion: Double
        var agreeableness: Double
        var neuroticism: Double
    }
    var name: String?
    var cvText: String?
    var interests: [String]?
    var transcript: String?
    var avatar: String?
    var owner: String?
    var personality: Traits?
    var attachmentStyle: String?
    var loveLanguage: String?
    var humorStyle: String?

    enum CodingKeys: String, CodingKey {
        case name, interests, transcript, avatar, owner, personality
        case cvText = "cv_text"
        case attachmentStyle = "attachment_style"
        case loveLanguage = "love_language"
        case humorStyle = "humor_style"
    }

    /// An input from its parts (for tests and tools).
    public init(
        name: String? = nil, cvText: String? = nil, interests: [String]? = nil, transcript: String? = nil, avatar: String? = nil,
        owner: String? = nil
    ) {
        self.name = name
        self.cvText = cvText
        self.interests = interests
        self.transcript = transcript
        self.avatar = avatar
        self.owner = owner
    }

    /// Whether the request names the profile (a create must).
    public var hasName: Bool { name != nil }

    /// The `avatar` the request names, if any ("" unlinks).
    public var requestedAvatar: String? { avatar }

    /// The `owner` the request names, if any.
    public var requestedOwner: String? { owner }

    /// Sets the owner (the server sets a user's own name on what the user creates).
    public mutating func setOwner(_ name: String) { owner = name }

    /// `base` with this input's fields applied, validated.
    public func apply(to base: MatchProfile) throws(MatchError) -> MatchProfile {
        var p = base
        if let name { p.name = name }
        if let cvText { p.cvText = cvText }
        if let interests { p.interests = interests }
        if let transcript { p.transcript = transcript }
        if let avatar { p.avatar = avatar.isEmpty ? nil : avatar }
        if let owner { p.owner = owner }
        if let t = personality {
            p.personality = Personality(
                openness: t.openness, conscientiousness: t.conscientiousness, extraversion: t.extraversion,
                agreeableness: t.agreeableness, neuroticism: t.neuroticism)
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
        return try p.validated()
    }

    private static func oneOf<E: CaseIterable & RawRepresentable>(_: E.Type) -> String where E.RawValue == String {
        "must be one of " + E.allCases.map(\.rawValue).joined(separator: ", ")
    }
}

/// A profile as the API shows it.
public struct ProfileView: Sendable, Encodable {
    /// Big Five as shown.
    public struct Traits: Sendable, Encodable, Equatable {
        var openness, conscientiousness, extraversion, agreeableness, neuroticism: Double
    }
    /// The `id` field.
    public var id: String
    var name: String
    var cvText: String
    var interests: [String]
    var transcript: String
    var avatar: String?
    var owner: String
    var personality: Traits?
    var attachmentStyle: String?
    var loveLanguage: String?
    var humorStyle: String?
    var voice: VoiceTraits?
    var position: [Double]
    /// The `room` field.
    public var room: String
    var encoder: String
    var offlineEncoder: Bool
    var createdAt: Double
    var updatedAt: Double

    enum CodingKeys: String, CodingKey {
        case id, name, interests, transcript, avatar, owner, personality, voice, position, room, encoder
        case cvText = "cv_text"
        case attachmentStyle = "attachment_style"
        case loveLanguage = "love_language"
        case humorStyle = "humor_style"
        case offlineEncoder = "offline_encoder"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    init(_ p: MatchProfile, position: SIMD3<Float>, room: String, encoder: any TextEmbedder) {
        id = p.id
        name = p.name
        cvText = p.cvText
        interests = p.interests
        transcript = p.transcript
        avatar = p.avatar
        owner = p.owner
        personality = p.personality.map {
            Traits(
                openness: $0.openness, conscientiousness: $0.conscientiousness, extraversion: $0.extraversion,
                agreeableness: $0.agreeableness, neuroticism: $0.neuroticism)
        }
        attachmentStyle = p.attachmentStyle?.rawValue
        loveLanguage = p.loveLanguage?.rawValue
        humorStyle = p.humorStyle?.rawValue
        voice = p.voiceTraits
        self.position = [position.x, position.y, position.z].map { (Double($0) * 10_000).rounded() / 10_000 }
        self.room = room
        self.encoder = encoder.name
        offlineEncoder = encoder.isOffline
        createdAt = p.createdAt
        updatedAt = p.updatedAt
    }
}

/// One profile in a list or the space.
public struct ProfileListItem: Sendable, Encodable {
    /// The `id` field.
    public var id: String
    /// The `name` field.
    public var name: String
    /// The `owner` field.
    public var owner: String
    /// The `avatar` field.
    public var avatar: String?
    /// The `position` field, [x, y, z].
    public var position: [Double]
    /// The `room` field.
    public var room: String
}

/// A neighbour: `{"id", "name", "distance"}` with distance = 1 - cosine in the full space.
public struct Neighbor: Sendable, Encodable {
    /// The `id` field.
    public var id: String
    /// The `name` field.
    public var name: String
    /// The `distance` field.
    public var distance: Double
}

/// A match: `{"id", "name", "score", "dimensions"}`.
public struct MatchView: Sendable, Encodable {
    /// The `id` field.
    public var id: String
    /// The `name` field.
    public var name: String
    /// The `score` field, 0...1.
    public var score: Double
    /// The `distance` field (1 - cosine).
    public var distance: Double
    /// The `dimensions` field.
    public var dimensions: [String: CompatibilityDimension]
}

/// A room as the API shows it.
public struct RoomView: Sendable, Encodable {
    /// The `id` field.
    public var id: String
    /// The `label` field: the interests most members share.
    public var label: String
    /// The `size` field.
    public var size: Int
    /// The `capacity` field.
    public var capacity: Int
    /// The `center` field: the members' mean position.
    public var center: [Double]
    /// The `members` field (ids; with names on GET /v1/rooms/{id}).
    public var members: [RoomMember]
}

/// A room member.
public struct RoomMember: Sendable, Encodable {
    /// The `id` field.
    public var id: String
    /// The `name` field.
    public var name: String
}
