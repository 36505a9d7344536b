import Testing

@testable import VoxTwins

/// The fusion rule and the collapsing of repeats (Protocols/twins.md, "Retrieval"), as values.
struct HybridRankingTests {
    @Test func fusionRewardsBeingHighInBothLists() {
        let rule = HybridRanking()
        let fused = rule.fuse(bm25: [1, 2, 3], dense: [4, 3, 1], facts: [:], now: 0)
        #expect(fused.map(\.id) == [1, 3, 4, 2])
        #expect(abs(fused[0].score - (1 / 61.0 + 1 / 63.0)) < 1e-12)
        // Beyond `depth` a list adds nothing.
        var shallow = HybridRanking()
        shallow.depth = 1
        #expect(shallow.fuse(bm25: [1, 2], dense: [3], facts: [:], now: 0).map(\.id) == [3, 1])
    }

    @Test func importanceAndRecencyOnlyBreakNearTies() {
        let rule = HybridRanking()
        let day = 86_400.0
        let facts: [Int64: HybridRanking.Candidate] = [
            1: .init(id: 1, importance: 0, time: 0), 2: .init(id: 2, importance: 1, time: 400 * day),
        ]
        // Same ranks, swapped: the important, recent one wins the tie.
        #expect(rule.fuse(bm25: [1, 2], dense: [2, 1], facts: facts, now: 400 * day).map(\.id) == [2, 1])
        // A clear rank lead is not overturned by them.
        #expect(rule.fuse(bm25: [1], dense: [1, 5, 6, 2], facts: facts, now: 400 * day).first?.id == 1)
    }

    @Test func aSentenceOfAPassageAlreadyShownIsLeftOut() {
        let texts = [
            "2024-11-30 Long argument at dinner about rent control. Where I've landed: I support rent increases capped at inflation.",
            "Where I've landed:   I support rent increases capped at INFLATION.",
            "After a year of watching whole streets turn into short-term rentals, I now support raising it.",
            "The long game is co-ops and public housing, not just caps.",
        ]
        #expect(HybridRanking.collapse(texts, k: 3) == [.init(index: 0, covers: [1]), .init(index: 2), .init(index: 3)])
        #expect(HybridRanking.collapse(texts, k: 2).map(\.index) == [0, 2])
        #expect(HybridRanking.collapse(texts, k: 0) == [])
    }

    @Test func aPassageHoldingOneShownTakesItsPlace() {
        let texts = [
            "I'll present in Portuguese next week.",
            "Tomás is coaching my pronunciation, mostly by laughing at me.",
            "Maya: I'll present in Portuguese next week.\nInês: vais arrasar!\nMaya: Tomás is coaching my pronunciation, mostly by laughing at me.",
            "Passed the DIPLE: Portuguese B1!",
        ]
        // The window holds both sentences: it takes the first one's place and covers both.
        #expect(HybridRanking.collapse(texts, k: 3) == [.init(index: 2, covers: [0, 1]), .init(index: 3)])
        #expect(HybridRanking.collapse(texts, k: 1) == [.init(index: 0)])
        // A later repeat of the window adds to what it covers.
        #expect(HybridRanking.collapse(texts + [texts[1]], k: 3) == [.init(index: 2, covers: [0, 1, 4]), .init(index: 3)])
    }

    @Test func shortTextsCollapseOnlyWhenEqual() {
        // "yes" and "thanks!" appear inside many messages without repeating them.
        let texts = ["yes", "thanks!", "yes, and thanks! I will bring the chalk.", "Thanks!", "no"]
        #expect(HybridRanking.collapse(texts, k: 4).map(\.index) == [0, 1, 2, 4])
        #expect(HybridRanking.collapse(texts, k: 4)[1].covers == [3])
        #expect(HybridRanking.collapse(["A", "B"], k: 5).map(\.index) == [0, 1])
    }

    @Test func comparedCaseFoldedAcrossScriptsAndSpacing() {
        let texts = ["Board: INÊS DUARTE (treasurer)\tof the co-op, since 2024.", "inês   duarte (treasurer) of the\nco-op"]
        #expect(HybridRanking.collapse(texts, k: 2) == [.init(index: 0, covers: [1])])
        #expect(HybridRanking.normalised("  A\u{00A0}\u{2003}Ê\n ") == Array("a ê".utf8))
        #expect(HybridRanking.contains(Array("abcabd".utf8), Array("abd".utf8)))
        #expect(!HybridRanking.contains(Array("abcab".utf8), Array("abd".utf8)))
        #expect(HybridRanking.contains(Array("x".utf8), []))
        #expect(!HybridRanking.contains([], Array("x".utf8)))
    }
}
