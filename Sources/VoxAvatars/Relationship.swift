/// Where two avatars stand (VIVA's paths): friendship (strangers -> acquaintances -> friends ->
/// close friends -> best friends), romance (crush -> mutual crush -> dating -> partners) and the
/// ways out (complicated, ex).
public enum RelationshipStage: String, Sendable, Codable, CaseIterable {
    /// Never met.
    case strangers
    /// Met.
    case acquaintances
    /// Like each other.
    case friends
    /// Like and trust each other.
    case closeFriends = "close_friends"
    /// The closest friendship.
    case bestFriends = "best_friends"
    /// One is attracted to the other.
    case crush
    /// Both are attracted.
    case mutualCrush = "mutual_crush"
    /// Seeing each other.
    case dating
    /// Committed.
    case partners
    /// Attraction without trust, or a relationship in trouble.
    case complicated
    /// A romance that ended.
    case ex

    /// Romantic stages (reaching one is a match).
    public var isRomantic: Bool { [.crush, .mutualCrush, .dating, .partners].contains(self) }
}

/// The relationship between two avatars, kept once per pair (`a` < `b` by avatar key).
public struct Relationship: Sendable, Equatable, Codable {
    /// The lower avatar key of the pair.
    public var a: Int64
    /// The higher avatar key.
    public var b: Int64
    /// Current stage.
    public var stage: RelationshipStage
    /// Liking, -1...1.
    public var affinity: Double
    /// Trust, 0...1.
    public var trust: Double
    /// How attracted `a` is to `b`, 0...1.
    public var attractionAB: Double
    /// How attracted `b` is to `a`, 0...1.
    public var attractionBA: Double
    /// Conversations so far.
    public var interactions: Int
    /// World minute of the last conversation.
    public var lastInteraction: Double

    /// Two strangers.
    public init(a: Int64, b: Int64) {
        precondition(a < b, "relationships are keyed by the ordered pair")
        self.a = a
        self.b = b
        stage = .strangers
        affinity = 0
        trust = 0.2
        attractionAB = 0
        attractionBA = 0
        interactions = 0
        lastInteraction = 0
    }

    /// Applies one conversation of quality `quality` (-1...1) at world minute `now`;
    /// `pullAB`/`pullBA` (0...1) say how appealing each finds the other's traits. Returns the new
    /// stage when it changed.
    mutating func interact(quality q: Double, pullAB: Double, pullBA: Double, now: Double) -> RelationshipStage? {
        interactions += 1
        lastInteraction = now
        affinity = clamp11(affinity + 0.12 * q)
        trust = clamp01(trust + (q > 0 ? 0.06 * q : 0.1 * q))
        attractionAB = clamp01(attractionAB + 0.1 * q * pullAB + (q > 0 ? 0.02 * pullAB : 0))
        attractionBA = clamp01(attractionBA + 0.1 * q * pullBA + (q > 0 ? 0.02 * pullBA : 0))
        let next = Self.stage(after: self)
        guard next != stage else { return nil }
        stage = next
        return next
    }

    /// The stage the numbers call for, from the current one.
    static func stage(after r: Relationship) -> RelationshipStage {
        let high = max(r.attractionAB, r.attractionBA)
        let mutual = min(r.attractionAB, r.attractionBA)
        switch r.stage {
        case .dating, .partners:
            if r.affinity < 0.1 { return .ex }
            if r.trust < 0.25 { return .complicated }
            if r.stage == .dating && r.trust >= 0.7 && r.affinity >= 0.7 && r.interactions >= 12 { return .partners }
            return r.stage
        case .ex:
            return r.affinity > 0.6 && r.trust > 0.6 ? .friends : .ex
        case .complicated:
            if r.affinity < 0 { return .ex }
            return r.trust >= 0.5 && mutual >= 0.6 ? .dating : .complicated
        default:
            if mutual >= 0.6 {
                if r.stage == .mutualCrush && r.affinity >= 0.5 && r.interactions >= 6 { return .dating }
                return r.trust < 0.2 ? .complicated : .mutualCrush
            }
            if high >= 0.6 { return .crush }
            if r.affinity >= 0.8 && r.trust >= 0.75 { return .bestFriends }
            if r.affinity >= 0.55 && r.trust >= 0.5 { return .closeFriends }
            if r.affinity >= 0.3 && r.interactions >= 3 { return .friends }
            return r.interactions >= 1 ? .acquaintances : .strangers
        }
    }
}
