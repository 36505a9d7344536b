import Foundation
public import VoxAvatars
public import VoxDSP

/// A person (or an avatar) in the social space: what they wrote, what they like, how they talk.
public struct MatchProfile: Sendable, Equatable, Codable {
    /// Longest name, characters.
    public static let maxName = 80
    /// Longest CV or bio text, characters (about 3,000 words; the encoder reads the first 256
    /// tokens, the offline encoder all of it).
    public static let maxCV = 20_000
    /// Longest transcript, characters.
    public static let maxTranscript = 50_000
    /// Most interests.
    public static let maxInterests = 32
    /// Longest interest, characters.
    public static let maxInterest = 64
    /// Longest owner name, characters.
    public static let maxOwner = 128

    /// Public id (`p_` and 16 hex digits).
    public var id: String
    /// Display name.
    public var name: String
    /// CV or bio text.
    public var cvText: String
    /// Interests, lower-cased, without duplicates.
    public var interests: [String]
    /// What the person said (a transcript of a voice session), optional.
    public var transcript: String
    /// The avatar this profile stands for, if any: its Big Five, attachment, love language,
    /// humour and interests feed the profile, and its relationships the compatibility.
    public var avatar: String?
    /// The user the profile belongs to.
    public var owner: String
    /// Big Five, when known (set directly or taken from the avatar).
    public var personality: Personality?
    /// Attachment style, when known.
    public var attachmentStyle: AttachmentStyle?
    /// Love language, when known.
    public var loveLanguage: LoveLanguage?
    /// Humour style, when known.
    public var humorStyle: HumorStyle?
    /// Voice statistics gathered from uploads and bound streams (merged over sessions).
    public var voice: VoiceTraitsAccumulator?
    /// Creation and last change, seconds since 1970.
    public var createdAt: Double
    /// Last change, seconds since 1970.
    public var updatedAt: Double

    /// A profile from its parts.
    public init(
        id: String, name: String, cvText: String = "", interests: [String] = [], transcript: String = "", avatar: String? = nil,
        owner: String = "", createdAt: Double = 0
    ) {
        self.id = id
        self.name = name
        self.cvText = cvText
        self.interests = interests
        self.transcript = transcript
        self.avatar = avatar
        self.owner = owner
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }

    /// The voice traits, once at least a second of voiced speech was heard.
    public var voiceTraits: VoiceTraits? { voice?.traits() }

    /// The profile with its fields checked and normalised, or the first rule it breaks.
    public func validated() throws(MatchError) -> MatchProfile {
        var p = self
        p.name = name.trimmedSpaces
        guard !p.name.isEmpty, p.name.count <= Self.maxName else { throw .invalid("name", "must be 1...\(Self.maxName) characters") }
        p.cvText = cvText.trimmedSpaces
        guard p.cvText.count <= Self.maxCV else { throw .invalid("cv_text", "must be at most \(Self.maxCV) characters") }
        p.transcript = transcript.trimmedSpaces
        guard p.transcript.count <= Self.maxTranscript else {
            throw .invalid("transcript", "must be at most \(Self.maxTranscript) characters")
        }
        guard owner.count <= Self.maxOwner else { throw .invalid("owner", "must be at most \(Self.maxOwner) characters") }
        guard interests.count <= Self.maxInterests else { throw .invalid("interests", "at most \(Self.maxInterests) interests") }
        var seen = Set<String>()
        p.interests = []
        for interest in interests {
            let key = interest.trimmedSpaces.lowercased()
            guard !key.isEmpty, key.count <= Self.maxInterest else {
                throw .invalid("interests", "each interest must be 1...\(Self.maxInterest) characters")
            }
            if seen.insert(key).inserted { p.interests.append(key) }
        }
        if let t = personality {
            for (trait, value) in t.named where !(value.isFinite && (0...1).contains(value)) {
                throw .invalid("personality.\(trait)", "must be between 0 and 1")
            }
        }
        guard !p.cvText.isEmpty || !p.interests.isEmpty || !p.transcript.isEmpty || p.avatar != nil else {
            throw .invalid("cv_text", "a profile needs a CV text, interests, a transcript or an avatar")
        }
        return p
    }
}

/// A bad request to the matchmaking service, with the field and one line for people.
public enum MatchError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A field is out of range or malformed.
    case invalid(String, String)
    /// No profile with this id.
    case notFound(String)
    /// No room with this id.
    case roomNotFound(String)
    /// The `--max-profiles` cap is reached.
    case tooMany(Int)
    /// The linked avatar does not exist.
    case unknownAvatar(String)
    /// The text encoder has too many texts waiting.
    case busy

    /// The one line.
    public var description: String {
        switch self {
        case .invalid(let field, let rule): "'\(field)' \(rule)"
        case .notFound(let id): "no profile '\(id.prefix(64))'"
        case .roomNotFound(let id): "no room '\(id.prefix(64))'"
        case .tooMany(let cap): "the server holds its maximum of \(cap) profiles"
        case .unknownAvatar(let id): "no avatar '\(id.prefix(64))'"
        case .busy: "the text encoder is busy; try again shortly"
        }
    }
}

extension String {
    /// The text without leading or trailing spaces and newlines.
    var trimmedSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
