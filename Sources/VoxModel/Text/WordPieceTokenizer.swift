#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// BERT's uncased WordPiece tokenizer: text to the token ids of a `vocab.txt`, as the reference
/// tokenizer of sentence-transformers models does it (transformers' `BertTokenizer`, which is the
/// `tokenizers` library's BertNormalizer + BertPreTokenizer + WordPiece).
///
/// 1. The special tokens `[CLS]`, `[SEP]`, `[UNK]`, `[PAD]` and `[MASK]` written literally in the
///    text (exact case) become their own ids.
/// 2. Basic tokenisation (`BasicTokenizer`): control characters dropped, whitespace normalised,
///    CJK ideographs split off, accents stripped, lowercased, split on whitespace and punctuation.
/// 3. WordPiece: each word is split greedily into the longest vocabulary entries from its start,
///    continuations written `##piece`; a word that cannot be split, or has more than
///    `maxWordCharacters` characters, becomes `[UNK]`.
///
/// A value type that only reads its tables: `Sendable`, any number of threads may use one.
public struct WordPieceTokenizer: Sendable {
    /// Words longer than this many characters (Unicode scalars) become `[UNK]`, as in BERT.
    public static let maxWordCharacters = 100
    /// The largest vocab.txt accepted.
    public static let maxVocabularyBytes = 64 << 20

    /// Entries in the vocabulary (ids are `0..<vocabularySize`).
    public let vocabularySize: Int
    /// Id of `[CLS]`, which starts every encoding.
    public let classifierID: Int32
    /// Id of `[SEP]`, which ends every encoding.
    public let separatorID: Int32
    /// Id of `[UNK]`, for words the vocabulary cannot spell.
    public let unknownID: Int32

    /// Word-initial pieces by their Unicode scalars. Keys are scalar arrays, not Strings: String
    /// equality is canonical equivalence, the reference compares code points.
    private let initialPieces: [[Unicode.Scalar]: Int32]
    /// Continuation pieces (`##x` in vocab.txt) by their scalars without `##`.
    private let continuationPieces: [[Unicode.Scalar]: Int32]
    /// The longest piece, in Unicode scalars: no longer match needs to be tried.
    private let longestPiece: Int
    /// The special tokens recognised in the input text, with their ids.
    private let specialTokens: [(scalars: [Unicode.Scalar], id: Int32)]
    /// Every token, by id (for `tokenize`).
    private let vocabulary: [String]
    /// Long texts go to the basic tokenizer in pieces of about this many characters, cut where
    /// a word surely ends, so only as much text is normalised as the token budget needs.
    private static let chunkCharacters = 4096

    /// Reads a vocab.txt (one token per line, the line number is the id; UTF-8).
    public init(vocabularyFile url: URL) throws(ModelError) {
        let path = url.path
        let file = try MappedFile(path: path)
        guard file.bytes.count <= Self.maxVocabularyBytes else {
            throw .unreadable(path: path, reason: "vocab.txt is larger than \(Self.maxVocabularyBytes >> 20) MB")
        }
        guard let text = String(validating: file.bytes, as: UTF8.self) else {
            throw .unreadable(path: path, reason: "vocab.txt is not valid UTF-8")
        }
        // As transformers reads it (Python text mode, readlines, rstrip("\n")): lines end at \n,
        // \r\n or \r, and a final line end does not start another entry. Split by scalars: "\r\n"
        // is one Character.
        var lines: [String] = []
        var line = String.UnicodeScalarView()
        var afterReturn = false
        for scalar in text.unicodeScalars {
            defer { afterReturn = scalar == "\r" }
            if scalar == "\n" && afterReturn { continue }
            if scalar == "\n" || scalar == "\r" {
                lines.append(String(line))
                line = String.UnicodeScalarView()
            } else {
                line.append(scalar)
            }
        }
        if !line.isEmpty { lines.append(String(line)) }
        try self.init(vocabulary: lines, source: path)
    }

    /// A tokenizer over `vocabulary` (index = id); it must hold `[CLS]`, `[SEP]` and `[UNK]`.
    public init(vocabulary: [String]) throws(ModelError) {
        try self.init(vocabulary: vocabulary, source: "vocabulary")
    }

    private init(vocabulary: [String], source: String) throws(ModelError) {
        guard vocabulary.count <= Int(Int32.max) else { throw .unreadable(path: source, reason: "too many tokens") }
        var initial: [[Unicode.Scalar]: Int32] = [:]
        var continuation: [[Unicode.Scalar]: Int32] = [:]
        var longest = 1
        let marker: [Unicode.Scalar] = ["#", "#"]
        for (index, token) in vocabulary.enumerated() {
            // Scalars, not Characters: in "##\u{93E}" the vowel sign joins the second "#" into one Character.
            let scalars = Array(token.unicodeScalars)
            // A repeated token keeps its last line, as a dictionary built from the file does.
            if scalars.count > 2 && scalars.starts(with: marker) {
                continuation[Array(scalars.dropFirst(2))] = Int32(index)
                longest = max(longest, scalars.count - 2)
            } else {
                initial[scalars] = Int32(index)
                longest = max(longest, scalars.count)
            }
        }
        func id(_ token: String) throws(ModelError) -> Int32 {
            guard let id = initial[Array(token.unicodeScalars)] else {
                throw .unreadable(path: source, reason: "the vocabulary has no \(token) token")
            }
            return id
        }
        classifierID = try id("[CLS]")
        separatorID = try id("[SEP]")
        unknownID = try id("[UNK]")
        specialTokens = ["[CLS]", "[SEP]", "[UNK]", "[PAD]", "[MASK]"].compactMap { token in
            let scalars = Array(token.unicodeScalars)
            return initial[scalars].map { (scalars, $0) }
        }
        vocabularySize = vocabulary.count
        self.vocabulary = vocabulary
        initialPieces = initial
        continuationPieces = continuation
        longestPiece = longest
    }

    /// `[CLS]`, the text's word pieces, `[SEP]`: at most `maxTokens` ids (the pieces are cut
    /// first; `[CLS]` and `[SEP]` always stay). Text well past the cut is not even read.
    public func encode(_ text: String, maxTokens: Int = 256) -> [Int32] {
        precondition(maxTokens >= 2, "an encoding needs room for [CLS] and [SEP]")
        var ids: [Int32] = [classifierID]
        let budget = maxTokens - 1
        forEachSegment(of: text) { segment in
            switch segment {
            case .special(let id):
                ids.append(id)
            case .text(let scalars):
                BasicTokenizer.forEachWord(in: scalars) { word in
                    appendPieces(of: word, to: &ids)
                    return ids.count < budget
                }
            }
            return ids.count < budget
        }
        if ids.count > budget { ids.removeLast(ids.count - budget) }
        ids.append(separatorID)
        return ids
    }

    /// The word pieces of `text` as vocabulary strings (`##` continuations, `[UNK]`), without
    /// `[CLS]`/`[SEP]` or truncation: for logs and tests.
    public func tokenize(_ text: String) -> [String] {
        encode(text, maxTokens: .max).dropFirst().dropLast().map { vocabulary[Int($0)] }
    }

    private enum Segment {
        case special(Int32)
        case text([Unicode.Scalar])
    }

    /// Splits the raw text around the special tokens written in it (exact, case-sensitive match,
    /// before any normalisation, as the reference's added-token matching), and long stretches
    /// of text where a word ends. `body` returns false to stop.
    private func forEachSegment(of text: String, _ body: (Segment) -> Bool) {
        let scalars = text.unicodeScalars
        var pending: [Unicode.Scalar] = []
        var i = scalars.startIndex
        while i < scalars.endIndex {
            let scalar = scalars[i]
            if scalar == "[", let special = specialTokens.first(where: { scalars[i...].starts(with: $0.scalars) }) {
                if !pending.isEmpty {
                    guard body(.text(pending)) else { return }
                    pending.removeAll(keepingCapacity: true)
                }
                guard body(.special(special.id)) else { return }
                i = scalars.index(i, offsetBy: special.scalars.count)
                continue
            }
            pending.append(scalar)
            if pending.count >= Self.chunkCharacters && BasicTokenizer.isSafeCut(after: scalar) {
                guard body(.text(pending)) else { return }
                pending.removeAll(keepingCapacity: true)
            }
            i = scalars.index(after: i)
        }
        if !pending.isEmpty { _ = body(.text(pending)) }
    }

    /// WordPiece: greedy longest match from the start of the word; all-or-nothing.
    /// The whole word is always split (a later piece may turn it into one `[UNK]`); the caller
    /// cuts at its budget.
    private func appendPieces(of word: [Unicode.Scalar], to ids: inout [Int32]) {
        guard word.count <= Self.maxWordCharacters else {
            ids.append(unknownID)
            return
        }
        let first = ids.count
        var start = 0
        while start < word.count {
            var end = min(word.count, start + longestPiece)
            var found: Int32?
            while end > start {
                if let id = (start == 0 ? initialPieces : continuationPieces)[Array(word[start..<end])] {
                    found = id
                    break
                }
                end -= 1
            }
            guard let found else {
                ids.removeLast(ids.count - first)
                ids.append(unknownID)
                return
            }
            ids.append(found)
            start = end
        }
    }
}
