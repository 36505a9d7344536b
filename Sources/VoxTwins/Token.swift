/// One word or punctuation mark of a text, with its UTF-8 byte range.
struct Token {
    /// Byte offset of the first byte.
    var start: Int
    /// Byte offset one past the last byte.
    var end: Int
    /// The token as written.
    var text: String
    /// Case-folded, with typographic apostrophes made plain.
    var lower: String
    /// True for words (letters, digits, joined by internal apostrophes, dots, hyphens, underscores).
    var isWord: Bool
    /// True when the first character is an upper-case letter.
    var isCapitalised: Bool
    /// True for the first token of a sentence, line, or clause after a colon or dash.
    var startsClause: Bool
    /// True for the first token of a sentence or line (a boundary relation patterns do not cross).
    var startsSentence: Bool
}

/// Splits text into tokens in one linear pass over its Unicode scalars.
enum Tokenizer {
    static func tokens(of text: String) -> [Token] {
        let scalars = Array(text.unicodeScalars)
        var offsets = [Int]()
        offsets.reserveCapacity(scalars.count + 1)
        var offset = 0
        for scalar in scalars {
            offsets.append(offset)
            offset += UTF8.width(scalar)
        }
        offsets.append(offset)

        var tokens = [Token]()
        var index = 0
        var pendingSentence = true
        var pendingClause = true
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar.properties.isWhitespace {
                if scalar == "\n" || scalar == "\r" || scalar == "\u{2029}" {
                    pendingSentence = true
                    pendingClause = true
                }
                index += 1
                continue
            }
            let begin = index
            if isWordScalar(scalar) || (scalar == "#" && index + 1 < scalars.count && isDigit(scalars[index + 1])) {
                index += 1
                while index < scalars.count {
                    let current = scalars[index]
                    if isWordScalar(current) {
                        index += 1
                    } else if isJoiner(current), index + 1 < scalars.count, isWordScalar(scalars[index + 1]),
                        isWordScalar(scalars[index - 1])
                    {
                        index += 2
                    } else {
                        break
                    }
                }
            } else {
                index += 1
            }
            let piece = String(String.UnicodeScalarView(scalars[begin..<index]))
            let isWord = isWordScalar(scalar) || scalar == "#"
            let lower = String(piece.lowercased().map { $0 == "\u{2019}" ? "'" : $0 })
            tokens.append(
                Token(
                    start: offsets[begin], end: offsets[index], text: piece, lower: lower, isWord: isWord,
                    isCapitalised: scalar.properties.isUppercase, startsClause: pendingClause, startsSentence: pendingSentence)
            )
            pendingSentence = false
            pendingClause = false
            if !isWord {
                switch piece {
                case "!", "?", ";", "…":
                    pendingSentence = true
                    pendingClause = true
                case ".":
                    // "Dr." and "Inc." do not end a sentence.
                    let previous = tokens.count >= 2 ? tokens[tokens.count - 2] : nil
                    if let previous, previous.isWord, Lexicon.abbreviations.contains(previous.lower) {
                        break
                    }
                    pendingSentence = true
                    pendingClause = true
                case ":", "\u{2014}", "\u{2013}", "-", "(", "\"", "\u{201C}", "\u{201D}", "*", "\u{2022}":
                    pendingClause = true
                default:
                    break
                }
            }
        }
        return tokens
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 0x30 && scalar.value <= 0x39
    }

    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let value = scalar.value
            return (value >= 0x30 && value <= 0x39) || (value >= 0x41 && value <= 0x5A) || (value >= 0x61 && value <= 0x7A)
        }
        let properties = scalar.properties
        if properties.isAlphabetic { return true }
        switch properties.generalCategory {
        case .decimalNumber, .nonspacingMark, .spacingMark: return true
        default: return false
        }
    }

    /// Characters that join two word pieces: "don't", "O'Brien", "report.pdf", "car-free", "notes_v2".
    private static func isJoiner(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "'" || scalar == "\u{2019}" || scalar == "." || scalar == "-" || scalar == "_"
    }
}
