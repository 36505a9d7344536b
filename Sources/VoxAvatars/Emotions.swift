import Foundation

/// A continuous emotional state in PAD space (pleasure, arousal, dominance), each -1...1.
/// It decays toward a personality-dependent baseline and is pushed by events; the face's seven
/// emotion channels are read off it by nearest-prototype weighting (``faceChannels``).
public struct Emotions: Sendable, Equatable, Codable {
    /// Displeasure (-1) to pleasure (1).
    public var pleasure: Double
    /// Calm (-1) to excited (1).
    public var arousal: Double
    /// Submissive (-1) to in control (1).
    public var dominance: Double

    /// A state from its parts.
    public init(pleasure: Double, arousal: Double, dominance: Double) {
        self.pleasure = pleasure
        self.arousal = arousal
        self.dominance = dominance
    }

    /// The resting state of a personality: extraversion and agreeableness raise pleasure,
    /// neuroticism lowers it and raises arousal; extraversion and conscientiousness raise
    /// dominance. (Our rule, after the usual Big Five-to-PAD correlations.)
    public static func baseline(_ p: Personality) -> Emotions {
        Emotions(
            pleasure: clamp11(0.1 + 0.5 * (p.extraversion - 0.5) + 0.5 * (p.agreeableness - 0.5) - 0.9 * (p.neuroticism - 0.5)),
            arousal: clamp11(0.6 * (p.extraversion - 0.5) + 0.6 * (p.neuroticism - 0.5)),
            dominance: clamp11(0.7 * (p.extraversion - 0.5) + 0.5 * (p.conscientiousness - 0.5) - 0.5 * (p.neuroticism - 0.5)))
    }

    /// Moves toward `baseline` by `fraction` of the distance.
    mutating func relax(toward baseline: Emotions, fraction: Double) {
        pleasure += (baseline.pleasure - pleasure) * fraction
        arousal += (baseline.arousal - arousal) * fraction
        dominance += (baseline.dominance - dominance) * fraction
    }

    /// Adds a push, clamped to the space.
    mutating func push(pleasure dp: Double, arousal da: Double, dominance dd: Double) {
        pleasure = clamp11(pleasure + dp)
        arousal = clamp11(arousal + da)
        dominance = clamp11(dominance + dd)
    }

    /// The face's emotion channel names, in frame order (Protocols/face-frames.md, channels 61-67).
    public static let channelNames = ["Angry", "Disgusted", "Fearful", "Happy", "Neutral", "Sad", "Surprised"]

    /// Prototype PAD points of the seven channels (ours, after Mehrabian's PAD ratings of the
    /// basic emotions, with Happy at moderate arousal so a content avatar reads as happy).
    static let prototypes: [(Double, Double, Double)] = [
        (-0.51, 0.59, 0.25),  // Angry
        (-0.60, 0.35, 0.11),  // Disgusted
        (-0.64, 0.60, -0.43),  // Fearful
        (0.70, 0.30, 0.30),  // Happy
        (0.00, 0.00, 0.00),  // Neutral
        (-0.63, -0.27, -0.33),  // Sad
        (0.40, 0.67, -0.13),  // Surprised
    ]
    /// Width of each prototype's Gaussian weight in PAD units.
    static let width = 0.45

    /// The seven face emotion channels, 0...1 summing to 1: Gaussian weights of the distance
    /// to each prototype, normalised.
    public var faceChannels: [Double] {
        var weights = Self.prototypes.map { p -> Double in
            let d2 = (pleasure - p.0) * (pleasure - p.0) + (arousal - p.1) * (arousal - p.1) + (dominance - p.2) * (dominance - p.2)
            return exp(-d2 / (2 * Self.width * Self.width))
        }
        let total = weights.reduce(0, +)
        for i in weights.indices { weights[i] /= total }
        return weights
    }

    /// The strongest channel's name.
    public var label: String {
        let channels = faceChannels
        return Self.channelNames[channels.indices.max { channels[$0] < channels[$1] } ?? 4]
    }
}
