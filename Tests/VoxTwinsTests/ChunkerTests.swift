import Testing

@testable import VoxTwins

@Suite struct ChunkerTests {
    /// Checks the documented invariants of `chunks` on `text`.
    func checkInvariants(_ text: String, _ chunks: [TextChunk], limit: Int) {
        let bytes = Array(text.utf8)
        var covered = [Bool](repeating: false, count: bytes.count)
        var previousEnd = 0
        for chunk in chunks {
            #expect(chunk.bytes.lowerBound >= previousEnd)
            #expect(!chunk.bytes.isEmpty)
            // Byte for byte: a range that cut a character in two would decode with U+FFFD.
            #expect(Array(chunk.text.utf8) == Array(bytes[chunk.bytes]))
            #expect(chunk.tokens <= limit)
            #expect(chunk.tokens == Chunker.tokenCount(Substring(chunk.text)))
            #expect(chunk.text.first?.isWhitespace == false && chunk.text.last?.isWhitespace == false)
            for index in chunk.bytes { covered[index] = true }
            previousEnd = chunk.bytes.upperBound
        }
        let uncovered = bytes.indices.filter { !covered[$0] && !(bytes[$0] == 0x20 || bytes[$0] == 0x0A || bytes[$0] == 0x0C) }
        #expect(uncovered.isEmpty)
    }

    @Test func tokenCounts() {
        #expect(Chunker.tokenCount("The quick brown fox jumps over the lazy dog.") == 10)
        #expect(Chunker.tokenCount("") == 0)
        #expect(Chunker.tokenCount("   \n\t ") == 0)
        #expect(Chunker.tokenCount("internationalization") == 4)
        #expect(Chunker.tokenCount("1234567") == 3)
        #expect(Chunker.tokenCount("abc123") == 2)
        #expect(Chunker.tokenCount("日本語") == 3)
        #expect(Chunker.tokenCount("привет") == 2)
        #expect(Chunker.tokenCount("café") == 1)
        #expect(Chunker.tokenCount("e\u{301}") == 1)
        #expect(Chunker.tokenCount("👍🏽!") == 3)
    }

    @Test func smallTextIsOneChunk() {
        let text = "  Hello there.\n\nSecond paragraph.  \n"
        let chunks = Chunker.chunks(text)
        #expect(chunks.count == 1)
        #expect(chunks[0].text == "Hello there.\n\nSecond paragraph.")
        #expect(chunks[0].bytes == 2..<33)
        #expect(Chunker.chunks("").isEmpty)
        #expect(Chunker.chunks(" \n\n ").isEmpty)
    }

    @Test func paragraphsArePacked() {
        let paragraph = Array(repeating: "word", count: 40).joined(separator: " ") + "."
        let text = Array(repeating: paragraph, count: 5).joined(separator: "\n\n")
        let chunks = Chunker.chunks(text, target: 100)
        // 41 tokens a paragraph: two fit in 100.
        #expect(chunks.map(\.tokens) == [82, 82, 41])
        checkInvariants(text, chunks, limit: 100)
    }

    @Test func longParagraphSplitsAtSentencesThenWords() {
        let sentence = "Word " + Array(repeating: "word", count: 18).joined(separator: " ") + "."
        let text = Array(repeating: sentence, count: 10).joined(separator: " ")
        let chunks = Chunker.chunks(text, target: 50)
        #expect(chunks.allSatisfy { $0.text.hasSuffix(".") })
        #expect(chunks.map(\.tokens) == [40, 40, 40, 40, 40])
        checkInvariants(text, chunks, limit: 50)

        let run = Array(repeating: "word", count: 300).joined(separator: " ")
        let words = Chunker.chunks(run, target: 50, limit: 60)
        #expect(words.map(\.tokens) == [50, 50, 50, 50, 50, 50])
        checkInvariants(run, words, limit: 60)
    }

    @Test func giantWordIsCutHard() {
        let word = String(repeating: "é", count: 5000) + String(repeating: "!", count: 100)
        let chunks = Chunker.chunks("start " + word + " end", target: 40, limit: 40)
        checkInvariants("start " + word + " end", chunks, limit: 40)
        #expect(chunks.count > 40)
    }

    @Test func largeText() {
        var text = ""
        var seed: UInt64 = 42
        let vocabulary = [
            "the", "twin", "remembers", "conversations", "Dr.", "e.g.", "3.5", "naïve", "日本", "🙂", "x", "supercalifragilistic",
        ]
        while text.utf8.count < 2_000_000 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let pick = Int(seed >> 33)
            text += vocabulary[pick % vocabulary.count]
            text += pick % 17 == 0 ? ". " : pick % 101 == 0 ? "\n\n" : pick % 53 == 0 ? "\n" : " "
        }
        let chunks = Chunker.chunks(text, target: 300, limit: 500)
        checkInvariants(text, chunks, limit: 500)
        #expect(chunks.count > 1000)
    }

    @Test func sentences() {
        let text =
            "Dr. Smith arrived at 3.5 p.m. yesterday, e.g. after lunch. He said: \"It works!\" Then J. R. R. Tolkien left? Yes… 2 more.\nShe stayed."
        #expect(
            Chunker.sentences(text).map(\.text) == [
                "Dr. Smith arrived at 3.5 p.m. yesterday, e.g. after lunch.", "He said: \"It works!\"", "Then J. R. R. Tolkien left?",
                "Yes…", "2 more.", "She stayed.",
            ]
        )
        let list = "Shopping:\n- milk\n- eggs\n1. first\n2) second\nplain continuation\n\nNew paragraph. 彼は来た。彼女も来た。"
        #expect(
            Chunker.sentences(list).map(\.text) == [
                "Shopping:", "- milk", "- eggs", "1. first", "2) second\nplain continuation", "New paragraph.", "彼は来た。", "彼女も来た。",
            ]
        )
        let bytes = Array(list.utf8)
        for sentence in Chunker.sentences(list) {
            #expect(String(decoding: bytes[sentence.bytes], as: UTF8.self) == sentence.text)
        }
        #expect(Chunker.sentences("lowercase after. period stays together").count == 1)
        #expect(Chunker.sentences("").isEmpty)
    }
}

/// The sentences a document's facts and passage parts are made of (`Distiller.sentences`).
@Suite struct DocumentSentenceTests {
    @Test func aLineBreakEndsANoteButNotAWrappedSentence() {
        let text = """
            Nov 2025 - present   Head of Product, Participa Labs (Lisbon, PT)
              - Lead a team of 2 PMs and 1 designer building participatory budgeting
                software used by 14 parish councils in the Lisbon region.
              - Reports to CEO Beatriz Costa.
            Email: maya@example.org
            Phone: +351 900 000 000
            favourite foods
            sardines
            we ask the junta and the câmara municipal to approve the pilot and to fund it
            from the 2026 participatory budget contingency line. A report follows.
            """
        let sentences = Distiller.sentences(text)
        let squeezed = sentences.map { $0.text.split { $0.isWhitespace }.joined(separator: " ") }
        #expect(
            squeezed == [
                "Nov 2025 - present Head of Product, Participa Labs (Lisbon, PT)",
                "- Lead a team of 2 PMs and 1 designer building participatory budgeting software used by 14 parish councils in the Lisbon region.",
                "- Reports to CEO Beatriz Costa.", "Email: maya@example.org", "Phone: +351 900 000 000", "favourite foods", "sardines",
                "we ask the junta and the câmara municipal to approve the pilot and to fund it from the 2026 participatory budget contingency line.",
                "A report follows.",
            ])
        // Byte ranges stay exact across the joined lines.
        let bytes = Array(text.utf8)
        for s in sentences { #expect(String(decoding: bytes[s.bytes], as: UTF8.self) == s.text) }
    }
}

/// The headings that place a document's passages (`Distiller.headings`).
@Suite struct DocumentHeadingTests {
    @Test func markdownNumberedAndCapitalisedLinesAreHeadingsSentencesAreNot() {
        let text = """
            # About me
            MAYA CHEN - JOURNAL 2024-2026
            ==========
            3. How it works
            2.1 Costs and funding
            - Bus lines diverted via Avenida Almirante Reis.
            1. We propose closing the street.
            2024-11-30 long argument at dinner
            12 people came
            OK
            4. how it works
            A SHORT SHOUTED SENTENCE.
            7. What we ask the junta de freguesia and the câmara municipal de lisboa
            """
        let headings = Distiller.headings(text)
        #expect(headings.map(\.text) == ["About me", "MAYA CHEN - JOURNAL 2024-2026", "3. How it works", "2.1 Costs and funding"])
        // Offsets are the heading lines' first bytes.
        let bytes = Array(text.utf8)
        for h in headings.dropFirst() {
            #expect(String(decoding: bytes[h.offset..<(h.offset + h.text.utf8.count)], as: UTF8.self) == h.text)
        }
        // A sentence under a numbered heading is placed by it (searched and embedded with it).
        let bus = text.utf8.distance(from: text.utf8.startIndex, to: text.range(of: "- Bus lines")!.lowerBound)
        #expect(Distiller.heading(before: bus, in: headings) == "2.1 Costs and funding")
    }
}
