import Testing

@testable import VoxTwins

/// Running headers and footers leave a PDF's pages (``PDFText/withoutRunningLines(_:)``).
struct PDFRunningLinesTests {
    @Test func footersWithPageNumbersGo() {
        let pages = [
            "1. Summary\nWe propose a pilot.\n\nCar-free Sundays proposal - page 1 of 2",
            "4. Budget\nTotal requested: EUR 18,400\n\nCar-free Sundays proposal - page 2 of 2",
        ]
        #expect(PDFText.withoutRunningLines(pages) == ["1. Summary\nWe propose a pilot.", "4. Budget\nTotal requested: EUR 18,400"])
    }

    @Test func headersAndPageNumbersGoOnMostPages() {
        // A header on every page but the first, and a bare page number at the foot of each.
        let pages = [
            "Annual report\nIntroduction text.\n1",
            "ACME Ltd. - Confidential\nSecond page text.\n2",
            "ACME Ltd. - Confidential\nThird page text.\n3",
        ]
        #expect(PDFText.withoutRunningLines(pages) == ["Annual report\nIntroduction text.", "Second page text.", "Third page text."])
    }

    @Test func aLineRepeatedInsideThePagesStays() {
        // The same line in the middle of pages is text, not a running line; so is one that stands at
        // an edge of fewer than half the pages, or at different places from the edges.
        let pages = [
            "Intro\nOne.\nSee the table below.\nmiddle one\nmore one\nEnd one",
            "Second\nTwo.\nmiddle two\nSee the table below.\nmore two\nEnd two",
            "Third\nThree.\nmiddle three\nnothing\nmore three\nEnd three",
            "Fourth\nFour.\nSee the table below.\nmiddle four\nmore four\nEnd four",
        ]
        #expect(PDFText.withoutRunningLines(pages) == pages)
        let rare = ["Draft\nOne.", "Two.\nThree.", "Four.\nFive.", "Six.\nDraft"]
        #expect(PDFText.withoutRunningLines(rare) == rare)
        let moving = ["Note\nOne.\nTwo.", "Three.\nNote\nFour.\nFive.\nSix.", "Seven.\nEight.\nNine."]
        #expect(PDFText.withoutRunningLines(moving) == moving)
    }

    @Test func oneOrNoPagesAreLeftAlone() {
        #expect(PDFText.withoutRunningLines([]) == [])
        #expect(PDFText.withoutRunningLines(["Title\nText\nPage 1"]) == ["Title\nText\nPage 1"])
        #expect(PDFText.withoutRunningLines(["", ""]) == ["", ""])
    }

    @Test func aPageThatIsOnlyItsRunningLinesBecomesEmpty() {
        let pages = ["Report - page 1\nText.", "Report - page 2", "Report - page 3\nMore text."]
        #expect(PDFText.withoutRunningLines(pages) == ["Text.", "", "More text."])
    }

    @Test(.enabled(if: PDFText.isAvailable, "pdftotext is not installed (apt-get install poppler-utils)"))
    func theGoldenProposalLosesItsFooters() throws {
        let result = try PDFText.extract(try Fixtures.bytes("golden/footprint/proposal.pdf"))
        #expect(result.pages.count == 2)
        #expect(!result.text.contains("page 1 of 2") && !result.text.contains("page 2 of 2"))
        #expect(result.pages[1].hasPrefix("4. Budget for the six-month pilot"))
        #expect(result.pages[0].hasSuffix("no amplified music.\n- Borrowed bike racks (8) and rented benches with shade sails."))
    }
}
