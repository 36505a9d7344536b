import Foundation
public import VoxAvatars
import VoxDSP

/// What compatibility reads of a profile besides its vectors.
public struct CompatibilityTraits: Sendable, Equatable {
    /// Big Five.
    public var personality: Personality?
    /// Attachment style.
    public var attachment: AttachmentStyle?
    /// Love language.
    public var loveLanguage: LoveLanguage?
    /// Humour style.
    public var humor: HumorStyle?
    /// Vocal energy 0...1 (``VoiceVector/energy(_:)``).
    public var voiceEnergy: Double?

    /// The traits.
    public init(
        personality: Personality? = nil, attachment: AttachmentStyle? = nil, loveLanguage: LoveLanguage? = nil,
        humor: HumorStyle? = nil, voiceEnergy: Double? = nil
    ) {
        self.personality = personality
        self.attachment = attachment
        self.loveLanguage = loveLanguage
        self.humor = humor
        self.voiceEnergy = voiceEnergy
    }
}

/// One dimension of a compatibility score.
public struct CompatibilityDimension: Sendable, Equatable, Encodable {
    /// 0...1.
    public var score: Double
    /// Its weight in the total (before renormalising over the dimensions both people have).
    public var weight: Double
    /// Why, in a few words.
    public var detail: String
}

/// A pair's compatibility: the total and each dimension.
public struct Compatibility: Sendable, Equatable {
    /// Weighted mean of the dimensions both people have, 0...1.
    public var score: Double
    /// The dimensions by name.
    public var dimensions: [String: CompatibilityDimension]
}

/// How well two people would get on, in dimensions a person can read (after VIVA's
/// matchmaker). Each dimension is 0...1; the total is their weighted mean over the dimensions
/// both people have (a missing trait leaves its dimension out rather than guessing).
///
/// | dimension | weight | rule |
/// |---|---|---|
/// | interests | 0.30 | semantic overlap: each interest's best cosine among the other's interests (the text encoder's vectors), averaged both ways, mapped from cosine 0.2...0.9 to 0...1 |
/// | background | 0.15 | cosine of the two fused profile vectors, from 0...1 |
/// | personality | 0.20 | half level, half similarity (below) |
/// | attachment | 0.10 | a table: secure with secure best, anxious with avoidant worst |
/// | love_language | 0.05 | the same language 1, else 0.5 (time and touch, words and gifts 0.7) |
/// | humor | 0.10 | a table: affiliative and self-enhancing go well together; aggressive humour lowers every pair |
/// | voice_energy | 0.05 | 1 - the difference of vocal energies |
/// | relationship | 0.05 (0.25 for two avatars who have met) | from the avatars' affinity and trust |
///
/// Personality follows the literature on couples and friends: similarity itself predicts
/// little (Dyrenforth et al. 2010; Montoya et al. 2008 find it for attitudes more than traits),
/// while each partner's own agreeableness, conscientiousness and emotional stability predict
/// satisfaction (Malouff et al. 2010). So the score is half the pair's mean agreeableness,
/// conscientiousness and stability (level, not similarity), and half similarity on openness and
/// extraversion (shared curiosity and social pace, where similarity effects are found).
/// Complementarity is not used for any Big Five trait: the meta-analyses do not support it
/// (the complementarity finding is for interpersonal dominance, which the Big Five do not
/// measure directly).
public enum CompatibilityScore {
    /// The weights by dimension.
    public static let weights: [String: Double] = [
        "interests": 0.30, "background": 0.15, "personality": 0.20, "attachment": 0.10, "love_language": 0.05, "humor": 0.10,
        "voice_energy": 0.05, "relationship": 0.05,
    ]

    /// A relationship between two avatars, as compatibility reads it.
    public struct History: Sendable, Equatable {
        /// -1...1.
        public var affinity: Double
        /// 0...1.
        public var trust: Double
        /// Stage name.
        public var stage: String
        /// Interactions so far.
        public var interactions: Int

        /// The history.
        public init(affinity: Double, trust: Double, stage: String, interactions: Int) {
            self.affinity = affinity
            self.trust = trust
            self.stage = stage
            self.interactions = interactions
        }
    }

    /// The score of a pair. `interestPairs` are the best-matching interest pairs with their
    /// cosines (from ``interestOverlap(_:_:)``), `similarity` the fused vectors' cosine.
    public static func score(
        _ a: CompatibilityTraits, _ b: CompatibilityTraits, interests: InterestOverlap?, similarity: Float, history: History?
    ) -> Compatibility {
        var dims: [String: CompatibilityDimension] = [:]
        func put(_ name: String, _ score: Double, _ detail: String, weight: Double? = nil) {
            dims[name] = CompatibilityDimension(
                score: (min(1, max(0, score)) * 1000).rounded() / 1000, weight: weight ?? weights[name]!, detail: detail)
        }
        if let interests {
            let shared = interests.pairs.filter { $0.cosine >= 0.6 }.prefix(5).map { $0.a == $0.b ? $0.a : "\($0.a) ~ \($0.b)" }
            put(
                "interests", (interests.score - 0.2) / 0.7,
                shared.isEmpty ? "no close interests" : "shared: " + shared.joined(separator: ", "))
        }
        put("background", Double(similarity), "profile cosine \(String(format: "%.2f", similarity))")
        if let pa = a.personality, let pb = b.personality {
            let level =
                (pa.agreeableness + pb.agreeableness + pa.conscientiousness + pb.conscientiousness
                    + (1 - pa.neuroticism) + (1 - pb.neuroticism)) / 6
            let similar = 1 - (abs(pa.openness - pb.openness) + abs(pa.extraversion - pb.extraversion)) / 2
            put(
                "personality", 0.5 * level + 0.5 * similar,
                "warmth, diligence and calm \(String(format: "%.2f", level)); alike in openness and extraversion \(String(format: "%.2f", similar))"
            )
        }
        if let x = a.attachment, let y = b.attachment {
            put("attachment", attachment(x, y), "\(x.rawValue) with \(y.rawValue)")
        }
        if let x = a.loveLanguage, let y = b.loveLanguage {
            put("love_language", loveLanguage(x, y), x == y ? "both \(x.rawValue)" : "\(x.rawValue) and \(y.rawValue)")
        }
        if let x = a.humor, let y = b.humor {
            put("humor", humor(x, y), "\(x.rawValue) with \(y.rawValue)")
        }
        if let x = a.voiceEnergy, let y = b.voiceEnergy {
            put("voice_energy", 1 - abs(x - y), "energies \(String(format: "%.2f", x)) and \(String(format: "%.2f", y))")
        }
        if let history, history.interactions > 0 {
            put(
                "relationship", 0.6 * (history.affinity + 1) / 2 + 0.4 * history.trust,
                "\(history.stage) after \(history.interactions) conversations", weight: 0.25)
        }
        let total = dims.values.reduce(0) { $0 + $1.weight }
        let score = total > 0 ? dims.values.reduce(0) { $0 + $1.score * $1.weight } / total : 0
        return Compatibility(score: (score * 1000).rounded() / 1000, dimensions: dims)
    }

    /// Attachment pairs (Hazan and Shaver's styles): two secure partners do best; an anxious
    /// partner with an avoidant one is the classic pursue-withdraw trap.
    static func attachment(_ a: AttachmentStyle, _ b: AttachmentStyle) -> Double {
        switch (a, b) {
        case (.secure, .secure): 1
        case (.secure, _), (_, .secure): 0.75
        case (.anxious, .avoidant), (.avoidant, .anxious): 0.2
        case (.anxious, .anxious): 0.45
        case (.avoidant, .avoidant): 0.4
        default: 0.3
        }
    }

    static func loveLanguage(_ a: LoveLanguage, _ b: LoveLanguage) -> Double {
        if a == b { return 1 }
        let near: Set<Set<LoveLanguage>> = [[.time, .touch], [.words, .gifts], [.acts, .time]]
        return near.contains([a, b]) ? 0.7 : 0.5
    }

    /// Humour (Martin's styles): the two benign styles go together; aggressive humour lowers
    /// any pair, self-defeating humour a little.
    static func humor(_ a: HumorStyle, _ b: HumorStyle) -> Double {
        func benign(_ s: HumorStyle) -> Bool { s == .affiliative || s == .selfEnhancing }
        switch (a, b) {
        case _ where a == b && benign(a): return 1
        case _ where benign(a) && benign(b): return 0.85
        case (.aggressive, .aggressive): return 0.4
        case (.aggressive, _), (_, .aggressive): return 0.3
        case (.selfDefeating, .selfDefeating): return 0.5
        default: return 0.6
        }
    }
}

/// How two interest lists overlap in meaning.
public struct InterestOverlap: Sendable, Equatable {
    /// Mean best cosine, both ways.
    public var score: Double
    /// Each interest of either side with its best match on the other side, best first.
    public var pairs: [(a: String, b: String, cosine: Double)]

    /// Equal scores and pairs.
    public static func == (l: Self, r: Self) -> Bool {
        l.score == r.score && l.pairs.elementsEqual(r.pairs) { $0.a == $1.a && $0.b == $1.b && $0.cosine == $1.cosine }
    }

    /// The overlap of two lists of (interest, unit vector); nil when either is empty.
    public static func of(_ a: [(String, [Float])], _ b: [(String, [Float])]) -> InterestOverlap? {
        guard !a.isEmpty, !b.isEmpty else { return nil }
        var pairs: [(a: String, b: String, cosine: Double)] = []
        var total = 0.0
        for (x, vx) in a {
            let best = b.map { (name: $0.0, c: $0.0 == x ? 1 : Double(cosine(vx, $0.1))) }.max { $0.c < $1.c }!
            total += best.c
            pairs.append((x, best.name, best.c))
        }
        for (y, vy) in b {
            let best = a.map { (name: $0.0, c: $0.0 == y ? 1 : Double(cosine(vy, $0.1))) }.max { $0.c < $1.c }!
            total += best.c
            if !pairs.contains(where: { $0.a == best.name && $0.b == y }) { pairs.append((best.name, y, best.c)) }
        }
        pairs.sort { $0.cosine != $1.cosine ? $0.cosine > $1.cosine : $0.a < $1.a }
        return InterestOverlap(score: total / Double(a.count + b.count), pairs: pairs)
    }
}
