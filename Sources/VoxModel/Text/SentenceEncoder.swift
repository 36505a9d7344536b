import Synchronization

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// Sentence embeddings from a sentence-transformers BERT model such as all-MiniLM-L6-v2:
/// WordPiece tokens, the BERT encoder, the mean of the last hidden states over the tokens, then
/// L2 normalisation, as sentence-transformers' Transformer -> Pooling(mean) -> Normalize.
///
/// A model folder holds `config.json` (Hugging Face BertModel config), `model.safetensors`
/// (BertModel tensor names, bare or under a `bert.` or `0.auto_model.` prefix; float32, float16
/// or bfloat16) and `vocab.txt`; optionally `sentence_bert_config.json` (`max_seq_length`),
/// `1_Pooling/config.json` (must be mean pooling) and `tokenizer_config.json` (must be uncased).
/// `Tools/fetch-minilm.sh` fetches all-MiniLM-L6-v2 into `.build/models/all-MiniLM-L6-v2`.
///
/// Thread safety: immutable weights plus a pool of per-call buffers behind a lock, so any number
/// of threads may call `encode` concurrently; each call runs on its caller's thread (OpenBLAS
/// uses one thread). After warm-up a call reuses buffers; up to `maxIdleWorkspaces` are kept.
public final class SentenceEncoder: Sendable {
    /// The model's shape.
    public let config: BertConfig
    /// Length of an embedding (the hidden size: 384 for all-MiniLM-L6-v2).
    public var dimension: Int { config.hiddenSize }
    /// Most tokens the model reads, `[CLS]` and `[SEP]` included; longer texts are cut (256 for
    /// all-MiniLM-L6-v2, its `max_seq_length`).
    public let maxTokens: Int
    /// The model's tokenizer.
    public let tokenizer: WordPieceTokenizer
    /// Idle buffers kept for reuse (about 4 MB each for all-MiniLM-L6-v2); calls beyond this
    /// many at once allocate and free their own.
    public static let maxIdleWorkspaces = 8
    /// The folder name `Tools/fetch-minilm.sh` writes and `findDefault` looks for.
    public static let defaultModelName = "all-MiniLM-L6-v2"

    private let encoder: BertEncoder
    private let idle = Mutex<[BertEncoder.Workspace]>([])

    /// Loads the model in `directory`; every tensor is checked against config.json by name and
    /// shape, and every problem is a specific `ModelError`.
    public init(directory: URL) throws(ModelError) {
        let folder = directory.path
        let config = try BertConfig.read(path: folder + "/config.json")
        try config.validate()
        if let pooling = try Self.readJSON(PoolingConfig.self, path: folder + "/1_Pooling/config.json") {
            guard pooling.isMeanPooling else {
                throw .invalidConfig("1_Pooling/config.json: only mean pooling (pooling_mode_mean_tokens alone) is supported")
            }
        }
        if let tokenizer = try Self.readJSON(TokenizerConfig.self, path: folder + "/tokenizer_config.json") {
            guard tokenizer.doLowerCase != false, tokenizer.stripAccents != false else {
                throw .invalidConfig("tokenizer_config.json: only uncased tokenizers (do_lower_case, accents stripped) are supported")
            }
        }
        var maxTokens = min(config.maxPositions, 512)
        if let sentence = try Self.readJSON(SentenceConfig.self, path: folder + "/sentence_bert_config.json"),
            let length = sentence.maxSeqLength
        {
            guard length >= 2 else { throw .invalidConfig("sentence_bert_config.json: max_seq_length \(length) must be at least 2") }
            maxTokens = min(length, config.maxPositions)
        }
        let tokenizer = try WordPieceTokenizer(vocabularyFile: URL(fileURLWithPath: folder + "/vocab.txt"))
        guard tokenizer.vocabularySize <= config.vocabSize else {
            throw .invalidConfig("vocab.txt has \(tokenizer.vocabularySize) tokens, more than the model's vocab_size \(config.vocabSize)")
        }
        let weights = folder + "/model.safetensors"
        let tensors = try SafeTensors.read(path: weights, including: { !BertArchitecture.isIgnored($0) })
        let anchor = "embeddings.word_embeddings.weight"
        guard let prefix = BertArchitecture.prefixes.first(where: { tensors[$0 + anchor] != nil }) else {
            throw .missingTensor(anchor)
        }
        self.encoder = try BertEncoder(config: config, tensors: tensors, prefix: prefix)
        self.config = config
        self.maxTokens = maxTokens
        self.tokenizer = tokenizer
    }

    /// The unit-length embedding of `text` (cut to `maxTokens` tokens); an empty text is the
    /// embedding of `[CLS] [SEP]`.
    public func encode(_ text: String) -> [Float] {
        encode(tokens: tokenizer.encode(text, maxTokens: maxTokens))
    }

    /// Tokens the model reads for `text`: `[CLS]` and `[SEP]` included, at most `maxTokens`.
    public func tokenCount(_ text: String) -> Int {
        tokenizer.encode(text, maxTokens: maxTokens).count
    }

    /// The unit-length embedding of token ids as `WordPieceTokenizer.encode` gives them
    /// (2...`maxTokens` ids, each below `config.vocabSize`).
    public func encode(tokens: [Int32]) -> [Float] {
        precondition(tokens.count >= 1 && tokens.count <= maxTokens, "\(tokens.count) tokens, the model takes 1...\(maxTokens)")
        let workspace = idle.withLock { $0.popLast() } ?? BertEncoder.Workspace(config: config, capacity: maxTokens)
        defer {
            idle.withLock { pool in
                if pool.count < Self.maxIdleWorkspaces { pool.append(workspace) }
            }
        }
        var embedding = [Float](repeating: 0, count: dimension)
        embedding.withUnsafeMutableBufferPointer { encoder.meanPooled(tokens, workspace: workspace, into: $0.baseAddress!) }
        // As torch.nn.functional.normalize: v / max(|v|, 1e-12).
        let norm = embedding.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
        let inverse = 1 / max(norm, 1e-12)
        for i in embedding.indices { embedding[i] *= inverse }
        return embedding
    }

    /// Floating-point operations of the matrix products for a text of `tokens` tokens (for
    /// benchmarks: GFLOP/s against the machine's sgemm peak).
    public func flops(tokens: Int) -> Double { encoder.flops(tokens: tokens) }

    // MARK: - Optional sentence-transformers files

    private struct PoolingConfig: Decodable {
        var mean: Bool?
        var cls: Bool?
        var max: Bool?
        var meanSqrtLength: Bool?
        var isMeanPooling: Bool { mean == true && cls != true && max != true && meanSqrtLength != true }

        enum CodingKeys: String, CodingKey {
            case mean = "pooling_mode_mean_tokens"
            case cls = "pooling_mode_cls_token"
            case max = "pooling_mode_max_tokens"
            case meanSqrtLength = "pooling_mode_mean_sqrt_len_tokens"
        }
    }

    private struct TokenizerConfig: Decodable {
        var doLowerCase: Bool?
        var stripAccents: Bool?

        enum CodingKeys: String, CodingKey {
            case doLowerCase = "do_lower_case"
            case stripAccents = "strip_accents"
        }
    }

    private struct SentenceConfig: Decodable {
        var maxSeqLength: Int?

        enum CodingKeys: String, CodingKey {
            case maxSeqLength = "max_seq_length"
        }
    }

    /// The decoded file, nil when there is no such file; a file that cannot be read or decoded throws.
    private static func readJSON<T: Decodable>(_ type: T.Type, path: String) throws(ModelError) -> T? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let file = try MappedFile(path: path)
        guard file.bytes.count <= 1 << 20 else { throw .badConfigFile(path: path, reason: "larger than 1 MB") }
        do {
            return try JSONDecoder().decode(T.self, from: Data(file.bytes))
        } catch {
            throw .badConfigFile(path: path, reason: "\(error)")
        }
    }
}
