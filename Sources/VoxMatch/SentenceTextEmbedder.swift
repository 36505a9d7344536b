public import VoxModel

/// The sentence encoder (all-MiniLM-L6-v2 on our engine) as the matchmaking service's encoder.
public struct SentenceTextEmbedder: TextEmbedder {
    /// The encoder.
    public let encoder: SentenceEncoder
    /// See ``TextEmbedder``.
    public let name: String
    /// See ``TextEmbedder``.
    public var isOffline: Bool { false }
    /// See ``TextEmbedder``.
    public var dimension: Int { encoder.dimension }

    /// The encoder under `name` (shown in /health and the replies).
    public init(encoder: SentenceEncoder, name: String = SentenceEncoder.defaultModelName) {
        self.encoder = encoder
        self.name = name
    }

    /// A text with nothing to read gives zeros (as the offline encoder does), not the
    /// embedding of an empty sentence.
    public func embed(_ text: String) -> [Float] {
        guard text.contains(where: { $0.isLetter || $0.isNumber }) else { return [Float](repeating: 0, count: dimension) }
        return encoder.encode(text)
    }
}
