/// How a user writes, measured on their own messages (never expires; the twin's replies and
/// recommendations are written in it).
public struct StyleProfile: Sendable, Equatable, Codable {
    /// Messages measured.
    public var messages: Int
    /// Mean words per sentence.
    public var sentenceLength: Double
    /// Distinct words over all words (type-token ratio over the first 5,000 words).
    public var vocabulary: Double
    /// 0 (casual: contractions, slang, lower-case starts, "!!") to 1 (formal).
    public var formality: Double
    /// Emoji per message.
    public var emojiRate: Double
    /// Fraction of messages that end with "!".
    public var exclamationRate: Double
    /// Fraction of messages that ask something.
    public var questionRate: Double
    /// Words the user uses most that are not common English (at most 10).
    public var signatureWords: [String]

    enum CodingKeys: String, CodingKey {
        case messages, vocabulary, formality
        case sentenceLength = "sentence_length"
        case emojiRate = "emoji_rate"
        case exclamationRate = "exclamation_rate"
        case questionRate = "question_rate"
        case signatureWords = "signature_words"
    }

    /// A short description for a language model's instructions.
    public var summary: String {
        let register = formality > 0.6 ? "formal" : formality < 0.4 ? "casual" : "neutral"
        let length = sentenceLength < 9 ? "short" : sentenceLength > 18 ? "long" : "medium-length"
        var s = "writes \(register), \(length) sentences (about \(Int(sentenceLength.rounded())) words)"
        if emojiRate >= 0.2 { s += ", uses emoji" }
        if exclamationRate >= 0.2 { s += ", often exclaims" }
        if !signatureWords.isEmpty { s += "; favourite words: " + signatureWords.prefix(5).joined(separator: ", ") }
        return s
    }
}

/// Accumulates a ``StyleProfile`` from messages (mergeable across ingestions: it keeps counts,
/// not texts).
public struct StyleAccumulator: Sendable, Equatable, Codable {
    var messages = 0
    var sentences = 0
    var words = 0
    var typeWords = 0
    var types: Set<String> = []
    var casualMarks = 0
    var formalMarks = 0
    var emoji = 0
    var exclamations = 0
    var questions = 0
    var counts: [String: Int] = [:]

    /// Nothing measured yet.
    public init() {}

    /// Measures one message.
    public mutating func add(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return }
        messages += 1
        let sentenceCount = max(1, Chunker.sentences(trimmed).count)
        sentences += sentenceCount
        var list: [String] = []
        var current = ""
        for scalar in trimmed.unicodeScalars {
            if scalar.properties.isEmojiPresentation || (scalar.properties.isEmoji && scalar.value > 0x2000) { emoji += 1 }
            if scalar.properties.isAlphabetic || scalar == "'" || scalar == "’" {
                current.unicodeScalars.append(scalar)
            } else if !current.isEmpty {
                list.append(current.lowercased())
                current = ""
            }
        }
        if !current.isEmpty { list.append(current.lowercased()) }
        words += list.count
        for w in list {
            if typeWords < 5000 {
                typeWords += 1
                types.insert(w)
            }
            if w.contains("'") || w.contains("’") || Self.slang.contains(w) { casualMarks += 1 }
            if Self.formal.contains(w) { formalMarks += 1 }
            if w.count >= 4, !Self.common.contains(w), counts.count < 20_000 || counts[w] != nil { counts[w, default: 0] += 1 }
        }
        if let first = trimmed.first, first.isLowercase { casualMarks += 1 }
        if trimmed.contains("!!") || trimmed.contains("?!") { casualMarks += 1 }
        if trimmed.hasSuffix("!") { exclamations += 1 }
        if trimmed.contains("?") { questions += 1 }
    }

    /// Adds another accumulator's counts.
    public mutating func merge(_ other: StyleAccumulator) {
        messages += other.messages
        sentences += other.sentences
        words += other.words
        for w in other.types where typeWords < 5000 {
            if types.insert(w).inserted { typeWords += 1 }
        }
        casualMarks += other.casualMarks
        formalMarks += other.formalMarks
        emoji += other.emoji
        exclamations += other.exclamations
        questions += other.questions
        for (w, n) in other.counts { counts[w, default: 0] += n }
    }

    /// The profile (nil before any message).
    public var profile: StyleProfile? {
        guard messages > 0 else { return nil }
        let perWord = Double(formalMarks - casualMarks) / Double(max(words, 1))
        let signature = counts.filter { $0.value >= 2 }.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        return StyleProfile(
            messages: messages, sentenceLength: round2(Double(words) / Double(max(sentences, 1))),
            vocabulary: round2(Double(types.count) / Double(max(typeWords, 1))),
            formality: round2(min(1, max(0, 0.5 + 8 * perWord))), emojiRate: round2(Double(emoji) / Double(messages)),
            exclamationRate: round2(Double(exclamations) / Double(messages)), questionRate: round2(Double(questions) / Double(messages)),
            signatureWords: signature.prefix(10).map(\.key))
    }

    private static let slang: Set<String> = [
        "lol", "haha", "hahaha", "omg", "gonna", "wanna", "gotta", "yeah", "yep", "nope", "btw", "tbh", "idk", "thx", "ok", "okay",
        "cool", "awesome", "hey", "hi", "ya", "u", "ur", "lmao", "kinda", "sorta", "yay", "ugh", "wow",
    ]
    private static let formal: Set<String> = [
        "therefore", "however", "furthermore", "regards", "sincerely", "consequently", "accordingly", "moreover", "hence",
        "kindly", "dear", "please", "regarding", "nevertheless", "thus", "whereas",
    ]
    private static let common: Set<String> = [
        "that", "this", "with", "have", "from", "they", "will", "would", "there", "their", "what", "about", "which", "when", "your",
        "were", "been", "just", "like", "them", "then", "than", "some", "more", "also", "into", "only", "over", "very", "really",
        "think", "know", "want", "going", "good", "great", "time", "next", "week", "can't", "don't", "it's", "i'm", "that's",
        "could", "should", "here", "where", "still", "make", "does", "doing", "sure", "need", "maybe", "much", "well", "after",
        "before", "today", "tomorrow", "yeah", "okay", "thanks", "let's", "we're", "you're", "i'll", "i've", "didn't", "isn't",
    ]
}

func round2(_ x: Double) -> Double { (x * 100).rounded() / 100 }
