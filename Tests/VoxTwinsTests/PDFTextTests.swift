import Testing

@testable import VoxTwins

@Suite(.enabled(if: PDFText.isAvailable, "pdftotext is not installed (apt-get install poppler-utils)"))
struct PDFTextTests {
    @Test func twoPages() throws {
        let result = try PDFText.extract(try Fixtures.bytes("two-pages.pdf"))
        #expect(
            result.pages == ["Voxface twin notes\nThe first page talks about ingestion.", "Second page\nChunks keep their byte ranges."])
        #expect(result.text == result.pages.joined(separator: "\n\u{0C}\n"))
    }

    @Test func tooManyPages() throws {
        #expect(throws: TwinInputError.tooLarge(what: "pages", limit: 1)) {
            try PDFText.extract(try Fixtures.bytes("two-pages.pdf"), maxPages: 1)
        }
        #expect(try PDFText.extract(try Fixtures.bytes("two-pages.pdf"), maxPages: 2).pages.count == 2)
    }

    @Test func truncated() throws {
        #expect(throws: TwinInputError.malformed(format: "pdf", reason: "Syntax Error: Couldn't find trailer dictionary")) {
            try PDFText.extract(try Fixtures.bytes("truncated.pdf"))
        }
    }

    @Test func notAPDF() {
        #expect(throws: TwinInputError.malformed(format: "pdf", reason: "not a PDF")) { try PDFText.extract(Array("hello".utf8)) }
        #expect(throws: TwinInputError.malformed(format: "pdf", reason: "not a PDF")) { try PDFText.extract([]) }
        #expect(throws: TwinInputError.self) { try PDFText.extract(Array("%PDF-1.4\ngarbage".utf8)) }
    }
}
