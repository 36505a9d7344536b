/// A piece of a text with where it came from.
public struct TextChunk: Sendable, Equatable {
    /// The text, without surrounding whitespace.
    public var text: String
    /// The UTF-8 byte range of `text` in the source: `String(decoding: Array(source.utf8)[bytes], as: UTF8.self) == text`.
    public var bytes: Range<Int>
    /// Its approximate token count (``Chunker/tokenCount(_:)``).
    public var tokens: Int

    /// A chunk.
    public init(text: String, bytes: Range<Int>, tokens: Int) {
        self.text = text
        self.bytes = bytes
        self.tokens = tokens
    }
}

/// Splits text into chunks and sentences with exact byte ranges, and estimates token counts.
/// Pure, thread-safe and linear in the text.
public enum Chunker {
    /// Approximate tokens of `text`, close to (and mostly slightly above) BPE and WordPiece counts for English.
    ///
    /// The rule: a run of letters counts one token per six ASCII letters or three other letters
    /// (rounded up), so most English words are one token; a run of digits one per three digits; an
    /// ideograph one; every other visible character (punctuation, symbols, emoji) one; whitespace,
    /// combining marks, joiners and variation selectors nothing.
    public static func tokenCount(_ text: Substring) -> Int {
        var counter = TokenCounter()
        for scalar in text.unicodeScalars { counter.add(scalar) }
        return counter.count
    }

    /// Splits `text` into chunks of about `target` tokens and never more than `limit`.
    ///
    /// Paragraphs (separated by a blank line or a form feed) are packed greedily while the chunk stays
    /// within `target`; a paragraph above 1.5 × `target` (at most `limit`) is split into sentences, a
    /// sentence above that into words, and a word above that is cut between characters into pieces of
    /// at most `target` tokens.
    /// Chunks never begin or end with whitespace, and their byte ranges are increasing, disjoint, and
    /// together cover every non-whitespace character of `text`.
    public static func chunks(_ text: String, target: Int = 300, limit: Int = 2000) -> [TextChunk] {
        precondition(target > 0 && limit > 0, "target and limit must be positive")
        let source = UTF8Source(bytes: Array(text.utf8))
        let target = min(target, limit)
        var packer = Packer(source: source, target: target, soft: min(limit, target + target / 2))
        for paragraph in source.paragraphs(in: 0..<source.bytes.count) {
            packer.add(paragraph, level: .paragraph)
        }
        packer.flush()
        return packer.chunks
    }

    /// The sentences of `text` with their byte ranges, for fact extraction.
    ///
    /// A sentence ends at `.`, `!`, `?` or `…` (after any closing quotes or brackets) followed by
    /// whitespace and a capital, a digit or an opening quote, or by the end; after `。！？` directly;
    /// at a blank line; and at a line break before a list item (`- `, `* `, `• `, `1. `, `1) `). It does
    /// not end at abbreviations ("e.g.", "Dr.", "Mr.", "etc." before a lowercase word), decimals ("3.5")
    /// or initials ("J. Smith").
    public static func sentences(_ text: String) -> [TextChunk] {
        let source = UTF8Source(bytes: Array(text.utf8))
        return source.sentences(in: 0..<source.bytes.count).map(source.chunk)
    }
}

extension Chunker {
    /// The levels at which text is split, coarsest first.
    enum Level {
        case paragraph, sentence, word, character
    }

    /// Greedily packs units into chunks, splitting units that are too big at the next finer level.
    struct Packer {
        let source: UTF8Source
        let target: Int
        let soft: Int
        var chunks: [TextChunk] = []
        var pending: Range<Int>? = nil
        var pendingTokens = 0

        init(source: UTF8Source, target: Int, soft: Int) {
            self.source = source
            self.target = target
            self.soft = soft
        }

        mutating func add(_ range: Range<Int>, level: Level) {
            let tokens = source.tokens(in: range)
            if tokens > soft {
                let parts: [Range<Int>]
                let next: Level
                switch level {
                case .paragraph:
                    (parts, next) = (source.sentences(in: range), .sentence)
                case .sentence:
                    (parts, next) = (source.words(in: range), .word)
                case .word, .character:
                    (parts, next) = (source.pieces(of: range, maxTokens: target), .character)
                }
                // A unit that does not split at this level goes straight to the next one.
                if parts.count == 1 && next != .character {
                    add(range, level: next)
                } else {
                    for part in parts { add(part, level: next) }
                }
                return
            }
            if pending != nil && pendingTokens + tokens > target { flush() }
            if let current = pending {
                pending = current.lowerBound..<range.upperBound
                pendingTokens += tokens
            } else {
                pending = range
                pendingTokens = tokens
            }
        }

        mutating func flush() {
            guard let range = pending else { return }
            chunks.append(source.chunk(range))
            pending = nil
            pendingTokens = 0
        }
    }
}
