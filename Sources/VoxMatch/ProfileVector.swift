import Foundation
public import VoxAvatars
public import VoxDSP

/// How a profile becomes one vector: the fused embedding that places it in the space.
///
/// Blocks and weights (of the squared length, so each weight is that block's share of the
/// cosine between two profiles that both have it):
/// - semantic, 0.8: the text encoder's vector of the CV and transcript (0.55) plus that of
///   the interests (0.45), summed in the encoder's space and renormalised (both come from the
///   same encoder, so one person's CV can meet another's interests);
/// - personality, 0.1: the Big Five centred on 0.5, scaled to at most length 1, so two people
///   of average personality add nothing and two pronounced, alike people add up to 0.1;
/// - voice, 0.1: six voice traits as z-scores against adult speech (``VoiceVector``), clipped to
///   +-2.5, scaled the same way.
/// A block a profile lacks gives its weight to the semantic block. The vector is unit length,
/// so `1 - cosine` is the distance between two profiles (0 same, 1 unrelated, 2 opposite): the
/// "normalised space" of the 3D social space seed's scenarios.
public enum ProfileVector {
    /// Weight of the semantic block.
    public static let semanticWeight: Float = 0.8
    /// Weight of the personality block.
    public static let personalityWeight: Float = 0.1
    /// Weight of the voice block.
    public static let voiceWeight: Float = 0.1
    /// Share of the CV + transcript in the semantic block (the interests have the rest).
    public static let textShare: Float = 0.55
    /// Length of the personality block.
    public static let personalityDimensions = 5

    /// The fused vector's length for an encoder of `semantic` dimensions.
    public static func dimension(semantic: Int) -> Int { semantic + personalityDimensions + VoiceVector.dimensions }

    /// The semantic block from the text's and the interests' vectors (either may be all zero).
    public static func semantic(text: [Float], interests: [Float]) -> [Float] {
        let hasText = text.contains { $0 != 0 }
        let hasInterests = interests.contains { $0 != 0 }
        let (wt, wi): (Float, Float) =
            switch (hasText, hasInterests) {
            case (true, true): (textShare, 1 - textShare)
            case (true, false): (1, 0)
            case (false, true): (0, 1)
            case (false, false): (0, 0)
            }
        var out = [Float](repeating: 0, count: text.count)
        for i in out.indices { out[i] = wt * text[i] + wi * interests[i] }
        normalize(&out, to: 1)
        return out
    }

    /// The fused unit vector.
    public static func fuse(semantic: [Float], personality: Personality?, voice: VoiceTraits?) -> [Float] {
        var weights: (s: Float, p: Float, v: Float) = (semanticWeight, 0, 0)
        var p = [Float](repeating: 0, count: personalityDimensions)
        if let personality {
            let traits = [
                personality.openness, personality.conscientiousness, personality.extraversion, personality.agreeableness,
                personality.neuroticism,
            ]
            for (i, t) in traits.enumerated() { p[i] = Float((t - 0.5) * 2) / Float(personalityDimensions).squareRoot() }
            weights.p = personalityWeight
        }
        var v = [Float](repeating: 0, count: VoiceVector.dimensions)
        if let voice {
            v = VoiceVector.block(voice)
            weights.v = voiceWeight
        }
        weights.s = 1 - weights.p - weights.v
        var out: [Float] = []
        out.reserveCapacity(semantic.count + p.count + v.count)
        out += semantic.map { $0 * weights.s.squareRoot() }
        out += p.map { $0 * weights.p.squareRoot() }
        out += v.map { $0 * weights.v.squareRoot() }
        normalize(&out, to: 1)
        return out
    }
}

/// Voice traits as a small vector of z-scores against adult conversational speech, for the
/// fused embedding and the voice-energy dimension of compatibility.
///
/// | slot | trait | z-score |
/// |---|---|---|
/// | 0 | median pitch | log2(f0 / 160 Hz) / 0.5 (half an octave is one unit) |
/// | 1 | pitch spread | (IQR semitones - 3) / 2 |
/// | 2 | speaking rate | (syllables per second - 4.5) / 1 |
/// | 3 | loudness dynamics | (p90 - p10 dB - 15) / 5 |
/// | 4 | pause ratio | (ratio - 0.2) / 0.1 |
/// | 5 | brightness | log2(centroid 0-4 kHz / 800 Hz) / 0.5 |
///
/// The absolute level is left out: it says more about the microphone than the person.
public enum VoiceVector {
    /// Slots.
    public static let dimensions = 6

    /// The z-scores, clipped to +-2.5.
    public static func zScores(_ t: VoiceTraits) -> [Double] {
        let raw = [
            log2(max(t.medianPitchHz, 1) / 160) / 0.5, (t.pitchSpreadSemitones - 3) / 2, (t.syllablesPerSecond - 4.5) / 1,
            (t.loudnessRangeDb - 15) / 5, (t.pauseRatio - 0.2) / 0.1, log2(max(t.brightnessHz, 1) / 800) / 0.5,
        ]
        return raw.map { $0.isFinite ? min(2.5, max(-2.5, $0)) : 0 }
    }

    /// The block of the fused vector: the z-scores over 2.5 x sqrt(6), so at most length 1.
    static func block(_ t: VoiceTraits) -> [Float] {
        let scale = 2.5 * Double(dimensions).squareRoot()
        return zScores(t).map { Float($0 / scale) }
    }

    /// Vocal energy, 0...1: livelier pitch, faster speech, wider dynamics, fewer pauses.
    public static func energy(_ t: VoiceTraits) -> Double {
        let z = zScores(t)
        let e = (z[1] + z[2] + z[3] - z[4]) / 4
        return min(1, max(0, 0.5 + e / 5))
    }
}
