/// What an avatar needs, each 0...1 where 1 is fully satisfied. Needs fall with world time at
/// personality-dependent rates and rise with the activities that satisfy them.
public struct Needs: Sendable, Equatable, Codable {
    /// Physical energy: drained by activity, restored by sleep and idling.
    public var energy: Double
    /// Company: drained alone (faster for extraverts), restored by socialising and conversation.
    public var social: Double
    /// Novelty: drained over time (faster for open people), restored by exploring and thinking.
    public var curiosity: Double
    /// Sleep: drained while awake, restored only by sleeping.
    public var rest: Double
    /// Making things: drained over time (faster for open people), restored by creating memories
    /// and reflecting.
    public var creativity: Double

    /// Needs from their values.
    public init(energy: Double, social: Double, curiosity: Double, rest: Double, creativity: Double) {
        self.energy = energy
        self.social = social
        self.curiosity = curiosity
        self.rest = rest
        self.creativity = creativity
    }

    /// A new avatar: rested, slightly wanting company and novelty.
    public static let fresh = Needs(energy: 0.9, social: 0.7, curiosity: 0.7, rest: 0.9, creativity: 0.75)

    /// The needs by name, in the API's order.
    public var named: [(String, Double)] {
        [("energy", energy), ("social", social), ("curiosity", curiosity), ("rest", rest), ("creativity", creativity)]
    }

    /// The lowest need's value.
    public var lowest: Double { min(energy, social, curiosity, rest, creativity) }

    /// One world minute in `state` for an avatar with `personality` (rates per minute).
    /// Rates: sleep pressure empties `rest` in about 16 awake hours and sleep refills it in
    /// about 5; extraversion scales the loss of `social` by 0.4...1.6, openness that of
    /// `curiosity` and `creativity`.
    mutating func live(minutes: Double, in state: LifeState, rates: NeedRates) {
        var dEnergy = -0.0006
        var dSocial = -rates.social
        var dCuriosity = -rates.curiosity
        var dRest = -0.001
        var dCreativity = -rates.creativity
        switch state {
        case .sleeping:
            dEnergy = 0.004
            dRest = 0.0035
            dSocial = -rates.social * 0.2
            dCuriosity = 0
            dCreativity = 0
        case .idle: dEnergy = 0.0004
        case .thinking: dCuriosity = 0.003
        case .socializing:
            dEnergy = -0.0012
            dSocial = 0.004
        case .inConversation:
            dEnergy = -0.0012
            dSocial = 0.012
        case .reflecting: dCreativity = 0.004
        case .creatingMemory: dCreativity = 0.012
        case .exploring:
            dEnergy = -0.0015
            dCuriosity = 0.008
        case .matchDiscovered: dSocial = 0.006
        }
        energy = clamp01(energy + dEnergy * minutes)
        social = clamp01(social + dSocial * minutes)
        curiosity = clamp01(curiosity + dCuriosity * minutes)
        rest = clamp01(rest + dRest * minutes)
        creativity = clamp01(creativity + dCreativity * minutes)
    }
}

/// An avatar's personality-dependent rates of need loss, per world minute, computed once.
struct NeedRates: Sendable, Equatable {
    var social: Double
    var curiosity: Double
    var creativity: Double

    init(_ p: Personality) {
        social = 0.0015 * (0.4 + 1.2 * p.extraversion)
        curiosity = 0.0012 * (0.4 + 1.2 * p.openness)
        creativity = 0.0008 * (0.4 + 1.2 * p.openness)
    }
}

/// `x` clamped to 0...1.
@inline(__always) func clamp01(_ x: Double) -> Double { min(1, max(0, x)) }
/// `x` clamped to -1...1.
@inline(__always) func clamp11(_ x: Double) -> Double { min(1, max(-1, x)) }
