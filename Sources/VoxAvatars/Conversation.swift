/// How a conversation between two avatars goes: pure functions of their profiles, their
/// relationship and a random draw.
public enum Conversation {
    /// Jaccard similarity of two interest lists (0...1).
    public static func sharedInterests(_ x: [String], _ y: [String]) -> Double {
        guard !x.isEmpty || !y.isEmpty else { return 0 }
        let a = Set(x)
        let b = Set(y)
        return Double(a.intersection(b).count) / Double(a.union(b).count)
    }

    /// The quality of a conversation, -1 (went badly) ... 1 (went very well). Shared interests
    /// weigh most, then both partners' agreeableness and emotional stability (each partner's
    /// own traits, which predict how relationships go better than trait similarity does), humour
    /// and attachment styles, how much they already like each other, and chance (`noise`, a
    /// standard normal draw, scaled to 0.25).
    public static func quality(_ x: AvatarProfile, _ y: AvatarProfile, affinity: Double, noise: Double) -> Double {
        let shared = sharedInterests(x.interests, y.interests)
        let warmth = (x.personality.agreeableness + y.personality.agreeableness) / 2
        let stability = 1 - (x.personality.neuroticism + y.personality.neuroticism) / 2
        var humor = 0.0
        if x.humorStyle == .affiliative && y.humorStyle == .affiliative { humor += 0.1 }
        if x.humorStyle == .aggressive || y.humorStyle == .aggressive { humor -= 0.1 }
        var attachment = 0.0
        if x.attachmentStyle == .secure { attachment += 0.05 }
        if y.attachmentStyle == .secure { attachment += 0.05 }
        let styles = Set([x.attachmentStyle, y.attachmentStyle])
        if styles == [.anxious, .avoidant] { attachment -= 0.15 }
        let q =
            0.9 * shared + 0.6 * (warmth - 0.5) + 0.4 * (stability - 0.5) + humor + attachment + 0.15 * affinity
            + 0.25 * noise - 0.15
        return clamp11(q)
    }

    /// How appealing `y` is to `x` (0...1): warmth, liveliness and calm in `y`, closeness in
    /// openness, and a per-pair chemistry term (`chemistry`, 0...1, stable for the pair).
    public static func pull(from x: AvatarProfile, to y: AvatarProfile, chemistry: Double) -> Double {
        let appeal =
            0.3 + 0.3 * y.personality.agreeableness + 0.2 * y.personality.extraversion
            + 0.2 * (1 - y.personality.neuroticism)
        let fit = 1 - abs(x.personality.openness - y.personality.openness)
        return clamp01(0.35 * appeal * fit + 0.65 * chemistry)
    }

    /// A stable pseudo-random number in 0..<1 for the ordered pair (`from`, `to`).
    static func chemistry(_ from: Int64, _ to: Int64, seed: UInt64) -> Double {
        var random = SeededRandom(seed: seed ^ UInt64(bitPattern: from &* 0x1F3D_5B79) ^ UInt64(bitPattern: to &* 0x7F4A_7C15))
        return random.unit()
    }
}

/// One conversation that happened in a simulation step.
public struct ConversationOutcome: Sendable, Equatable {
    /// One partner's key.
    public var a: Int64
    /// The other's.
    public var b: Int64
    /// Quality, -1...1.
    public var quality: Double
    /// The relationship after it.
    public var relationship: Relationship
    /// The stage before it.
    public var previousStage: RelationshipStage
    /// World minute it started.
    public var minute: Double
}
