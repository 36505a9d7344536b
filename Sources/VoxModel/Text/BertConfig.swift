#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The shape of a BERT encoder, in the names of Hugging Face's `config.json` for BertModel.
///
/// The six sizes are required; `type_vocab_size`, `layer_norm_eps`, `hidden_act` and
/// `position_embedding_type` default to BERT's own defaults (2, 1e-12, "gelu", "absolute").
public struct BertConfig: Sendable, Equatable, Decodable {
    /// Vocabulary entries (rows of the word embedding).
    public var vocabSize: Int
    /// Model width.
    public var hiddenSize: Int
    /// Transformer layers.
    public var layers: Int
    /// Attention heads (must divide `hiddenSize`).
    public var heads: Int
    /// Width of the feed-forward layers.
    public var intermediateSize: Int
    /// Rows of the position embedding: the longest input.
    public var maxPositions: Int
    /// Rows of the token-type (segment) embedding.
    public var typeVocabSize: Int
    /// LayerNorm epsilon.
    public var layerNormEpsilon: Double
    /// Feed-forward activation; only "gelu" (the erf form) is supported.
    public var hiddenActivation: String
    /// Position embedding kind; only "absolute" is supported.
    public var positionEmbeddingType: String

    /// The largest parameter count accepted (4 GB of float32), so a config with absurd sizes is
    /// refused before anything is allocated.
    public static let maxParameters = 1 << 30

    enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size"
        case hiddenSize = "hidden_size"
        case layers = "num_hidden_layers"
        case heads = "num_attention_heads"
        case intermediateSize = "intermediate_size"
        case maxPositions = "max_position_embeddings"
        case typeVocabSize = "type_vocab_size"
        case layerNormEpsilon = "layer_norm_eps"
        case hiddenActivation = "hidden_act"
        case positionEmbeddingType = "position_embedding_type"
    }

    /// A configuration from its parts (not validated; see `validate`).
    public init(
        vocabSize: Int, hiddenSize: Int, layers: Int, heads: Int, intermediateSize: Int, maxPositions: Int,
        typeVocabSize: Int = 2, layerNormEpsilon: Double = 1e-12, hiddenActivation: String = "gelu",
        positionEmbeddingType: String = "absolute"
    ) {
        self.vocabSize = vocabSize
        self.hiddenSize = hiddenSize
        self.layers = layers
        self.heads = heads
        self.intermediateSize = intermediateSize
        self.maxPositions = maxPositions
        self.typeVocabSize = typeVocabSize
        self.layerNormEpsilon = layerNormEpsilon
        self.hiddenActivation = hiddenActivation
        self.positionEmbeddingType = positionEmbeddingType
    }

    /// Decodes a Hugging Face BERT config.json (other keys are ignored).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        vocabSize = try c.decode(Int.self, forKey: .vocabSize)
        hiddenSize = try c.decode(Int.self, forKey: .hiddenSize)
        layers = try c.decode(Int.self, forKey: .layers)
        heads = try c.decode(Int.self, forKey: .heads)
        intermediateSize = try c.decode(Int.self, forKey: .intermediateSize)
        maxPositions = try c.decode(Int.self, forKey: .maxPositions)
        typeVocabSize = try c.decodeIfPresent(Int.self, forKey: .typeVocabSize) ?? 2
        layerNormEpsilon = try c.decodeIfPresent(Double.self, forKey: .layerNormEpsilon) ?? 1e-12
        hiddenActivation = try c.decodeIfPresent(String.self, forKey: .hiddenActivation) ?? "gelu"
        positionEmbeddingType = try c.decodeIfPresent(String.self, forKey: .positionEmbeddingType) ?? "absolute"
    }

    /// Reads a config.json (at most 1 MB).
    public static func read(path: String) throws(ModelError) -> BertConfig {
        let file = try MappedFile(path: path)
        guard file.bytes.count <= 1 << 20 else { throw .badConfigFile(path: path, reason: "larger than 1 MB") }
        do {
            return try JSONDecoder().decode(BertConfig.self, from: Data(file.bytes))
        } catch {
            throw .badConfigFile(path: path, reason: "\(error)")
        }
    }

    /// Size of one attention head.
    public var headSize: Int { hiddenSize / heads }

    /// Learned parameters of the encoder (no pooler).
    public var parameterCount: Int {
        let h = hiddenSize
        let embeddings = (vocabSize + maxPositions + typeVocabSize) * h + 2 * h
        let layer = 4 * (h * h + h) + 2 * h * intermediateSize + intermediateSize + h + 4 * h
        return embeddings + layers * layer
    }

    /// Checks that the numbers describe a model this engine can run.
    public func validate() throws(ModelError) {
        func check(_ ok: Bool, _ reason: String) throws(ModelError) {
            if !ok { throw .invalidConfig(reason) }
        }
        try check((1...4_000_000).contains(vocabSize), "vocab_size \(vocabSize) must be in 1...4000000")
        try check((1...16_384).contains(hiddenSize), "hidden_size \(hiddenSize) must be in 1...16384")
        try check((1...256).contains(layers), "num_hidden_layers \(layers) must be in 1...256")
        try check((1...1024).contains(heads), "num_attention_heads \(heads) must be in 1...1024")
        try check(hiddenSize % heads == 0, "hidden_size \(hiddenSize) is not divisible by num_attention_heads \(heads)")
        try check((1...262_144).contains(intermediateSize), "intermediate_size \(intermediateSize) must be in 1...262144")
        try check((2...65_536).contains(maxPositions), "max_position_embeddings \(maxPositions) must be in 2...65536")
        try check((1...1024).contains(typeVocabSize), "type_vocab_size \(typeVocabSize) must be in 1...1024")
        try check(
            layerNormEpsilon.isFinite && layerNormEpsilon > 0 && layerNormEpsilon < 1,
            "layer_norm_eps \(layerNormEpsilon) must be in (0, 1)")
        try check(hiddenActivation == "gelu", "hidden_act '\(hiddenActivation)' is not supported (only 'gelu')")
        try check(
            positionEmbeddingType == "absolute",
            "position_embedding_type '\(positionEmbeddingType)' is not supported (only 'absolute')")
        try check(
            parameterCount <= Self.maxParameters,
            "\(parameterCount) parameters exceed the limit of \(Self.maxParameters)")
    }
}
