// The full Foundation, not FoundationEssentials: on Linux only it has canonical decomposition
// (NFD, `decomposedStringWithCanonicalMapping`), which accent stripping needs.
import Foundation

/// BERT's basic tokenisation for uncased models, before WordPiece: text to lowercase words.
///
/// The rules are those of the `tokenizers` library's BertNormalizer (clean_text,
/// handle_chinese_chars, strip_accents, lowercase) and BertPreTokenizer, which transformers'
/// `BertTokenizer` and sentence-transformers run. Where that differs from the original
/// Python BERT tokenizer, this follows `tokenizers`:
/// - character classes are Unicode 8.0's, as in the `unicode_categories` tables `tokenizers`
///   uses (`referenceCategory`): a character assigned later counts as unassigned there, so it
///   is neither dropped, stripped nor split off here either;
/// - dropped: U+0000, U+FFFD and control/format/private-use characters (Cc, Cf, Co) except tab,
///   newline and carriage return; unassigned code points (Cn) are kept;
/// - whitespace is the Unicode White_Space property (so U+2028 separates words);
/// - lowercasing maps each character on its own (no final-sigma rule: "Σ" is always "σ");
/// - accents: NFD, then every nonspacing mark (Mn) is removed;
/// - CJK ideographs are the ranges of `isCJKIdeograph`, with `tokenizers`' 0x2B920 start for
///   the fifth range (the original has 0x2B820).
enum BasicTokenizer {
    /// Calls `body` with each word of `text` in order until it returns false.
    static func forEachWord(in text: [Unicode.Scalar], _ body: ([Unicode.Scalar]) -> Bool) {
        var cleaned = String.UnicodeScalarView()
        var ascii = true
        for scalar in text {
            let value = scalar.value
            if value == 0x09 || value == 0x0A || value == 0x0D {
                cleaned.append(" ")
            } else if value == 0 || value == 0xFFFD || isControl(scalar) {
                continue
            } else if scalar.properties.isWhitespace {
                cleaned.append(" ")
            } else if isCJKIdeograph(value) {
                cleaned.append(" ")
                cleaned.append(scalar)
                cleaned.append(" ")
                ascii = false
            } else {
                cleaned.append(scalar)
                ascii = ascii && value < 0x80
            }
        }
        let decomposed = ascii ? String(cleaned) : String(cleaned).decomposedStringWithCanonicalMapping
        var word: [Unicode.Scalar] = []
        word.reserveCapacity(32)
        /// Hands the word over; false when the caller wants no more.
        func flush() -> Bool {
            guard !word.isEmpty else { return true }
            defer { word.removeAll(keepingCapacity: true) }
            return body(word)
        }
        /// Appends one normalised character: whitespace ends a word, punctuation is a word of its own.
        func add(_ scalar: Unicode.Scalar) -> Bool {
            if scalar == " " || scalar.properties.isWhitespace { return flush() }
            if isPunctuation(scalar) {
                guard flush() else { return false }
                word.append(scalar)
                return flush()
            }
            word.append(scalar)
            return true
        }
        for scalar in decomposed.unicodeScalars {
            if scalar.value < 0x80 {
                guard add(lowercaseASCII(scalar)) else { return }
            } else if referenceCategory(scalar) != .nonspacingMark {
                for lower in scalar.properties.lowercaseMapping.unicodeScalars {
                    guard add(lower) else { return }
                }
            }
        }
        _ = flush()
    }

    /// Whether text may be cut after `scalar` and the halves tokenised apart with the same
    /// words: ASCII whitespace and punctuation and CJK ideographs always end a word, and NFD
    /// never moves a mark across a character that does not decompose into one with marks.
    static func isSafeCut(after scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return value == 0x20 || value == 0x09 || value == 0x0A || value == 0x0D || (value < 0x80 && isPunctuation(scalar))
            || isCJKIdeograph(value)
    }

    @inline(__always)
    static func lowercaseASCII(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        (0x41...0x5A).contains(scalar.value) ? Unicode.Scalar(UInt8(scalar.value + 0x20)) : scalar
    }

    /// Cc, Cf, Co and Cs but tab, newline and carriage return (counted as whitespace).
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: return false
        case 0..<0x20, 0x7F: return true
        case 0x20..<0x7F: return false
        default:
            switch referenceCategory(scalar) {
            case .control, .format, .privateUse, .surrogate: return true
            default: return false
            }
        }
    }

    /// BERT's punctuation: all of ASCII's non-alphanumeric printable characters (so `$+<=>^`|~`
    /// too, which Unicode calls symbols) and every Unicode punctuation category (P*).
    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 33...47, 58...64, 91...96, 123...126: return true
        case 0..<128: return false
        default:
            switch referenceCategory(scalar) {
            case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
                .finalPunctuation, .otherPunctuation:
                return true
            default: return false
            }
        }
    }

    /// The general category in Unicode 8.0, the version of the reference's tables: characters
    /// assigned since are unassigned, and the seven whose category has changed since (measured
    /// against `tokenizers` 0.23 over every code point) keep their 8.0 category.
    static func referenceCategory(_ scalar: Unicode.Scalar) -> Unicode.GeneralCategory {
        switch scalar.value {
        case 0x166D, 0x111C9: return .otherPunctuation  // So and Mn today
        case 0x1734, 0x1171E: return .nonspacingMark  // Mc today
        case 0x1885, 0x1886: return .otherLetter  // Mn today
        case 0xA9BD: return .spacingMark  // Mn today
        default:
            guard let age = scalar.properties.age, age.major < 8 || (age.major == 8 && age.minor == 0) else { return .unassigned }
            return scalar.properties.generalCategory
        }
    }

    /// The CJK Unified Ideographs blocks (and compatibility ideographs) BERT splits into single
    /// characters; Hiragana, Katakana and Hangul are not among them.
    static func isCJKIdeograph(_ value: UInt32) -> Bool {
        switch value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
            0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }
}
