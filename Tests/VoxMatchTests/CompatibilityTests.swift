import Testing
import VoxAvatars

@testable import VoxMatch

@Suite struct CompatibilityTests {
    let warm = Personality(openness: 0.7, conscientiousness: 0.8, extraversion: 0.6, agreeableness: 0.9, neuroticism: 0.1)
    let cold = Personality(openness: 0.2, conscientiousness: 0.2, extraversion: 0.1, agreeableness: 0.1, neuroticism: 0.9)

    @Test func onlyDimensionsBothPeopleHaveCount() {
        let a = CompatibilityTraits(personality: warm, attachment: .secure)
        let b = CompatibilityTraits(attachment: .secure)
        let c = CompatibilityScore.score(a, b, interests: nil, similarity: 0.5, history: nil)
        #expect(Set(c.dimensions.keys) == ["background", "attachment"])
        #expect(c.dimensions["attachment"]!.score == 1)
        // (0.5 x 0.15 + 1 x 0.10) / 0.25
        #expect(abs(c.score - 0.7) < 0.001)
    }

    @Test func levelsAndTablesRankPairsAsTheLiteratureSays() {
        let good = CompatibilityScore.score(
            CompatibilityTraits(personality: warm, attachment: .secure, humor: .affiliative),
            CompatibilityTraits(personality: warm, attachment: .secure, humor: .affiliative), interests: nil, similarity: 0.5,
            history: nil)
        let poor = CompatibilityScore.score(
            CompatibilityTraits(personality: cold, attachment: .anxious, humor: .aggressive),
            CompatibilityTraits(personality: warm, attachment: .avoidant, humor: .affiliative), interests: nil, similarity: 0.5,
            history: nil)
        #expect(good.score > poor.score + 0.3)
        #expect(poor.dimensions["attachment"]!.score == 0.2)
        #expect(poor.dimensions["humor"]!.score == 0.3)
    }

    @Test func interestOverlapIsSemantic() {
        let e = HashedTextEmbedder()
        func list(_ names: [String]) -> [(String, [Float])] { names.map { ($0, e.embed($0)) } }
        let close = InterestOverlap.of(list(["hiking", "rock climbing"]), list(["mountain trekking", "bouldering"]))!
        let far = InterestOverlap.of(list(["hiking", "rock climbing"]), list(["jazz", "tax law"]))!
        #expect(close.score > far.score)
        let same = InterestOverlap.of(list(["jazz"]), list(["jazz", "piano"]))!
        #expect(same.pairs.first!.a == "jazz" && same.pairs.first!.b == "jazz" && same.pairs.first!.cosine == 1)
    }

    @Test func avatarsWhoGetOnScoreHigher() {
        let t = CompatibilityTraits(attachment: .secure)
        let friends = CompatibilityScore.score(
            t, t, interests: nil, similarity: 0.3, history: .init(affinity: 0.8, trust: 0.8, stage: "friends", interactions: 12))
        let none = CompatibilityScore.score(t, t, interests: nil, similarity: 0.3, history: nil)
        #expect(friends.dimensions["relationship"] != nil && none.dimensions["relationship"] == nil)
        #expect(friends.score > none.score)
    }
}
