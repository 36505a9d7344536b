/// The offline language model: short lines composed from the speaker's personality, mood,
/// memories and the partner's last line. No network and deterministic (the same inputs give
/// the same line); replies made this way say `"generator": "offline"`.
public enum OfflineVoice {
    /// What a line is made from.
    public struct Context: Sendable {
        /// The speaker.
        public var speaker: AvatarProfile
        /// The speaker's mood.
        public var emotions: Emotions
        /// The partner's name, if any.
        public var partner: String?
        /// The partner's last line.
        public var partnerLine: String?
        /// A memory that came to mind.
        public var memory: String?
        /// A shared topic, if any.
        public var topic: String?

        /// A context from its parts.
        public init(
            speaker: AvatarProfile, emotions: Emotions, partner: String? = nil, partnerLine: String? = nil, memory: String? = nil,
            topic: String? = nil
        ) {
            self.speaker = speaker
            self.emotions = emotions
            self.partner = partner
            self.partnerLine = partnerLine
            self.memory = memory
            self.topic = topic
        }
    }

    private static let openers: [String: [String]] = [
        "Happy": ["What a good day this is!", "I'm glad you're here.", "I've been smiling all afternoon."],
        "Sad": ["It's been a heavy day, honestly.", "I miss how things were.", "I don't have much energy today."],
        "Angry": ["Honestly, something's been bugging me.", "I'm not in the best mood.", "Can we keep this short?"],
        "Fearful": ["I'm a bit on edge today.", "Is everything all right?", "I keep worrying about things."],
        "Disgusted": ["Ugh, what a day.", "Some things just rub me the wrong way.", "I've had enough of nonsense today."],
        "Surprised": ["Oh! I didn't expect that.", "Wow, you caught me off guard!", "Now that's something new."],
        "Neutral": ["Hey.", "Hi there.", "Good to see you."],
    ]

    /// One line (one to three short sentences).
    public static func line(_ c: Context) -> String {
        let mood = c.emotions.label
        let variants = openers[mood] ?? openers["Neutral"]!
        let hash = stableHash(c.speaker.name + "|" + (c.partnerLine ?? "") + "|" + (c.topic ?? "") + "|" + mood)
        var parts = [variants[Int(hash % UInt64(variants.count))]]
        if let word = keyword(c.partnerLine, prefer: c.speaker.interests) {
            let agreeable = c.speaker.personality.agreeableness >= 0.5
            parts.append(agreeable ? "You said \(word), and I like that thought." : "About \(word), I'm not so sure.")
        } else if let topic = c.topic ?? c.speaker.interests.first {
            let open = c.speaker.personality.openness >= 0.5
            parts.append(
                open ? "Have you been into \(topic) lately? I could talk about it for hours." : "I've been doing a bit of \(topic).")
        }
        if let memory = c.memory.flatMap(gist) {
            parts.append("It reminds me: \(memory)")
        } else {
            parts.append(humor(c.speaker.humorStyle, hash: hash >> 8))
        }
        return parts.joined(separator: " ")
    }

    private static func humor(_ style: HumorStyle, hash: UInt64) -> String {
        let lines: [String] =
            switch style {
            case .affiliative: ["We should do this more often!", "You always make me laugh."]
            case .selfEnhancing: ["Well, at least the coffee was good.", "I'll look back on this and laugh."]
            case .aggressive: ["Try to keep up.", "Not that you'd understand."]
            case .selfDefeating: ["Knowing me, I'll mess it up anyway.", "I'm hopeless at this, as usual."]
            }
        return lines[Int(hash % UInt64(lines.count))]
    }

    /// What `text` is about: a word of it that is one of `prefer` (the speaker's interests), else
    /// its longest word that is not a common one (at least 4 letters), lower-cased.
    static func keyword(_ text: String?, prefer: [String] = []) -> String? {
        guard let text else { return nil }
        let words = text.lowercased().split { !$0.isLetter }.map(String.init).prefix(64)
        if let interest = words.first(where: { prefer.contains($0) }) { return interest }
        let candidates = words.filter { $0.count >= 4 && !common.contains($0) }
        return candidates.max { $0.count < $1.count }
    }

    /// Words too common to be what a line is about.
    static let common: Set<String> = [
        "about", "after", "again", "also", "been", "before", "being", "could", "didn", "does", "doing", "from", "have", "just",
        "know", "lately", "like", "made", "make", "more", "much", "only", "over", "really", "said", "should", "some", "than",
        "that", "their", "them", "then", "there", "these", "they", "thing", "things", "think", "this", "those", "today", "very",
        "want", "were", "what", "when", "where", "which", "while", "will", "with", "would", "your", "yours", "good", "great",
    ]

    /// The first sentence of a memory, at most 90 characters, cut at a word.
    static func gist(_ memory: String) -> String? {
        let sentence = memory.split(separator: ".", maxSplits: 1).first.map(String.init) ?? memory
        guard !sentence.isEmpty else { return nil }
        if sentence.count <= 90 { return sentence + "." }
        let cut = sentence.prefix(90)
        return (cut.lastIndex(of: " ").map { String(cut[..<$0]) } ?? String(cut)) + "..."
    }

    /// FNV-1a over the UTF-8 bytes: stable across runs (Swift's Hasher is seeded per process).
    static func stableHash(_ text: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            h ^= UInt64(byte)
            h &*= 0x100_0000_01B3
        }
        return h
    }
}
