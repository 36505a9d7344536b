/// Turns text into a vector whose cosine with another text's vector says how alike they are.
public protocol TextEmbedder: Sendable {
    /// What computes the vectors (shown in /health and in the replies).
    var name: String { get }
    /// Whether this is the offline stand-in (no sentence-encoder weights were found).
    var isOffline: Bool { get }
    /// Length of every vector.
    var dimension: Int { get }
    /// The text's vector, unit length (all zero for a text with nothing to read).
    func embed(_ text: String) -> [Float]
}

/// The offline encoder, used when the sentence encoder's weights are absent: hashed words, word
/// pairs and character trigrams (so "recommender" and "recommendation" share most features)
/// plus a hand-made taxonomy of interests, so "hiking" and "climbing" land near each other
/// even without shared letters. Deterministic, about 20 µs for a sentence.
///
/// Layout of the 384 dimensions: 320 hashed features (weight 0.6 of the squared norm) and 64
/// taxonomy slots (0.4).
public struct HashedTextEmbedder: TextEmbedder {
    /// See ``TextEmbedder``.
    public var name: String { "offline-hashed-ngrams-v1" }
    /// See ``TextEmbedder``.
    public var isOffline: Bool { true }
    /// See ``TextEmbedder``.
    public var dimension: Int { Self.hashed + InterestTaxonomy.slots }
    private static let hashed = 320

    /// The encoder.
    public init() {}

    /// See ``TextEmbedder``.
    public func embed(_ text: String) -> [Float] {
        var hashedPart = [Float](repeating: 0, count: Self.hashed)
        var taxonomy = [Float](repeating: 0, count: InterestTaxonomy.slots)
        let words = Self.words(text)
        for (i, word) in words.enumerated() {
            add(&hashedPart, word, weight: 1)
            if i > 0 { add(&hashedPart, words[i - 1] + " " + word, weight: 0.7) }
            let padded = Array(("<" + word + ">").utf8)
            if padded.count >= 3 {
                let each = 0.6 / Float(padded.count - 2)
                for j in 0...(padded.count - 3) { add(&hashedPart, padded[j..<(j + 3)], weight: each) }
            }
            for slot in InterestTaxonomy.slots(of: word) { taxonomy[slot] += 1 }
            if i > 0 { for slot in InterestTaxonomy.slots(of: words[i - 1] + " " + word) { taxonomy[slot] += 1.5 } }
        }
        normalize(&hashedPart, to: 0.6)
        normalize(&taxonomy, to: 0.4)
        var out = hashedPart + taxonomy
        normalize(&out, to: 1)
        return out
    }

    /// Lower-cased words of letters and digits, common English function words left out, a
    /// plural `s` dropped.
    static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        func flush() {
            defer { current = "" }
            guard !current.isEmpty, !stopWords.contains(current) else { return }
            if current.count > 4, current.hasSuffix("s"), !current.hasSuffix("ss") { current.removeLast() }
            words.append(current)
        }
        for ch in text.lowercased() {
            if ch.isLetter || ch.isNumber { current.append(ch) } else { flush() }
            if words.count >= 4096 { break }
        }
        flush()
        return words
    }

    private func add(_ v: inout [Float], _ feature: String, weight: Float) { add(&v, Array(feature.utf8)[...], weight: weight) }

    private func add(_ v: inout [Float], _ bytes: ArraySlice<UInt8>, weight: Float) {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        v[Int(h % UInt64(Self.hashed))] += (h >> 63) == 0 ? weight : -weight
    }

    private static let stopWords: Set<String> = [
        "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "i", "in", "is", "it", "its", "me", "my",
        "of", "on", "or", "our", "that", "the", "this", "to", "we", "with", "you", "your", "am", "about", "into", "who", "what",
        "love", "like", "enjoy", "work", "working", "also", "very", "really",
    ]
}

/// Normalises `v` to length `length` (leaves an all-zero vector alone).
func normalize(_ v: inout [Float], to length: Float) {
    var sum: Float = 0
    for x in v { sum += x * x }
    guard sum > 0 else { return }
    let scale = length / sum.squareRoot()
    for i in v.indices { v[i] *= scale }
}
