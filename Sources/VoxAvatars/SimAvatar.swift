import Foundation

/// An avatar as the simulation holds it: its profile and its changing state.
public struct SimAvatar: Sendable, Equatable {
    /// Numeric key in the store (relationships and memories refer to it).
    public let key: Int64
    /// Public id (`av_...`).
    public let id: String
    /// Who it is.
    public private(set) var profile: AvatarProfile
    /// Life-process state.
    public var life: LifeState
    /// World minutes spent in `life`.
    public var minutesInState: Double
    /// Needs, 0...1.
    public var needs: Needs
    /// Emotional state.
    public var emotions: Emotions
    /// Conversation partner's key while in conversation.
    public var partner: Int64?
    /// World minutes the current conversation still lasts.
    var conversationLeft: Double = 0
    /// The current conversation ended in a romantic match.
    var matched = false
    /// The avatars it knows best (most recent conversations first, at most ``circleSize``):
    /// a socialising avatar looks for one of them before meeting a stranger.
    var circle: [Int64] = []
    /// Size of ``circle``.
    static let circleSize = 8
    /// Derived from the profile.
    private(set) var baseline: Emotions
    private(set) var rates: NeedRates
    /// Fraction of the way back to baseline per world minute: a time constant of 30 world
    /// minutes, up to 54 for the most neurotic (slower to recover).
    private(set) var relax: Double

    /// A new avatar in its resting state.
    public init(key: Int64, id: String, profile: AvatarProfile) {
        self.key = key
        self.id = id
        self.profile = profile
        life = .idle
        minutesInState = 0
        needs = .fresh
        baseline = Emotions.baseline(profile.personality)
        emotions = baseline
        rates = NeedRates(profile.personality)
        relax = 1 - exp(-1 / (30 * (0.6 + 0.8 * profile.personality.neuroticism)))
    }

    /// Replaces the profile (and what derives from it), keeping the state.
    public mutating func update(profile: AvatarProfile) {
        self.profile = profile
        baseline = Emotions.baseline(profile.personality)
        rates = NeedRates(profile.personality)
        relax = 1 - exp(-1 / (30 * (0.6 + 0.8 * profile.personality.neuroticism)))
    }

    /// Restores the conversation and circle state (loading from the store).
    public mutating func restore(conversationLeft: Double, matched: Bool, circle: [Int64]) {
        self.conversationLeft = conversationLeft
        self.matched = matched
        self.circle = Array(circle.prefix(Self.circleSize))
    }

    /// Open to a friend's call: socialising, or idle or thinking without a full social need.
    var isReachable: Bool {
        life == .socializing || ((life == .idle || life == .thinking) && needs.social < 0.85)
    }

    /// Puts `key` first in the circle.
    mutating func remember(_ key: Int64) {
        circle.removeAll { $0 == key }
        circle.insert(key, at: 0)
        if circle.count > Self.circleSize { circle.removeLast() }
    }

    /// One world minute of needs and emotions.
    mutating func live() {
        needs.live(minutes: 1, in: life, rates: rates)
        emotions.relax(toward: baseline, fraction: relax)
        if life == .sleeping { emotions.arousal += (-0.5 - emotions.arousal) * relax }
        // A critical need sours the mood.
        if needs.lowest < 0.1 { emotions.push(pleasure: -0.01, arousal: 0.005, dominance: -0.005) }
        minutesInState += 1
        if life == .inConversation { conversationLeft -= 1 }
    }
}
