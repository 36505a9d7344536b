import Foundation
import Testing

@testable import VoxModel

/// The text-encoder fixtures of Fixtures/text (made by Tools/minilm_fixtures.py; README.md there).
enum TextFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/text")
    static let tiny = root.appendingPathComponent("tiny")

    struct TokenizerCases: Decodable {
        let cases: [Case]

        struct Case: Decodable {
            let text: String
            let tiny: [Int32]
            let real: [Int32]
            let maxTokens: Int?

            enum CodingKeys: String, CodingKey {
                case text, tiny, real
                case maxTokens = "max_tokens"
            }
        }
    }

    struct Embeddings: Decodable {
        let sentences: [Sentence]

        struct Sentence: Decodable {
            let text: String
            let ids: [Int32]?
            let tokenCount: Int?
            let embedding: [Float]

            enum CodingKeys: String, CodingKey {
                case text, ids, embedding
                case tokenCount = "token_count"
            }
        }
    }

    static func load<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(contentsOf: root.appendingPathComponent(name)))
    }

    /// The real all-MiniLM-L6-v2, if fetched: in the repository's .build/models (where
    /// Tools/fetch-minilm.sh puts it), else wherever `findDefault` finds a model.
    static let realModel: URL? = {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let folder = repository.appendingPathComponent(".build/models/all-MiniLM-L6-v2")
        if FileManager.default.fileExists(atPath: folder.appendingPathComponent("model.safetensors").path) { return folder }
        return SentenceEncoder.findDefault()
    }()

    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        var dot = 0.0
        var aa = 0.0
        var bb = 0.0
        for (x, y) in zip(a, b) {
            dot += Double(x) * Double(y)
            aa += Double(x) * Double(x)
            bb += Double(y) * Double(y)
        }
        return dot / max((aa * bb).squareRoot(), 1e-30)
    }

    static func maxAbsoluteDifference(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).map { abs($0 - $1) }.max() ?? 0
    }

    /// A scratch copy of the tiny model, removed by the caller.
    static func copyOfTiny() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("voxface-text-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: tiny, to: folder)
        return folder
    }

    /// The tiny model's tensors (without the skipped position_ids buffer), in file order by name.
    static func tinyTensors() throws -> [(name: String, tensor: Tensor)] {
        let tensors = try SafeTensors.read(path: tiny.appendingPathComponent("model.safetensors").path) { !$0.hasSuffix("position_ids") }
        return tensors.keys.sorted().map { ($0, tensors[$0]!) }
    }

    static func write(_ tensors: [(name: String, tensor: Tensor)], to folder: URL) throws {
        try Data(SafeTensors.encode(tensors)).write(to: folder.appendingPathComponent("model.safetensors"))
    }

    /// The error `SentenceEncoder(directory:)` throws for a copy of the tiny model changed by `edit`.
    static func loadError(_ edit: (URL) throws -> Void) throws -> ModelError? {
        let folder = try copyOfTiny()
        defer { try? FileManager.default.removeItem(at: folder) }
        try edit(folder)
        do {
            _ = try SentenceEncoder(directory: folder)
            return nil
        } catch {
            return error
        }
    }

    static func escaped(_ text: String) -> String {
        text.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 ? String($0) : "\\u{\(String($0.value, radix: 16))}" }.joined()
    }
}

/// Parity of the WordPiece tokenizer with transformers' BertTokenizer (exact ids) and of
/// SentenceEncoder with sentence-transformers' Transformer -> Pooling(mean) -> Normalize
/// (PyTorch CPU float32): cosine >= 0.99999 and max |difference| <= 2e-6 on the tiny model,
/// cosine >= 0.999 on all-MiniLM-L6-v2 (when fetched; measured: >= 0.999999).
@Suite struct SentenceEncoderTests {
    static let tinyCosine = 0.999_99
    static let tinyMaxDifference: Float = 2e-6
    static let realCosine = 0.999

    @Test func tokenizerMatchesReferenceOnTheReducedVocabulary() throws {
        let tokenizer = try WordPieceTokenizer(vocabularyFile: TextFixtures.tiny.appendingPathComponent("vocab.txt"))
        let cases = try TextFixtures.load(TextFixtures.TokenizerCases.self, "tokenizer_cases.json").cases
        #expect(cases.count >= 50)
        for c in cases {
            let ids = tokenizer.encode(c.text, maxTokens: c.maxTokens ?? 256)
            #expect(ids == c.tiny, "\(TextFixtures.escaped(String(c.text.prefix(80)))): \(tokenizer.tokenize(c.text).prefix(40))")
        }
    }

    @Test func tokenizerMatchesReferenceOnTheRealVocabulary() throws {
        guard let model = TextFixtures.realModel else {
            print("skipped: all-MiniLM-L6-v2 not found (run Tools/fetch-minilm.sh); real-vocabulary tokenizer parity not tested")
            return
        }
        let tokenizer = try WordPieceTokenizer(vocabularyFile: model.appendingPathComponent("vocab.txt"))
        #expect(tokenizer.vocabularySize == 30522)
        for c in try TextFixtures.load(TextFixtures.TokenizerCases.self, "tokenizer_cases.json").cases {
            let ids = tokenizer.encode(c.text, maxTokens: c.maxTokens ?? 256)
            #expect(ids == c.real, "\(TextFixtures.escaped(String(c.text.prefix(80)))): \(tokenizer.tokenize(c.text).prefix(40))")
        }
    }

    @Test func truncationKeepsClassifierAndSeparator() throws {
        let tokenizer = try WordPieceTokenizer(vocabulary: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "a", "##a", "b"])
        #expect(tokenizer.encode("a b a b", maxTokens: 4) == [2, 4, 6, 3])
        #expect(tokenizer.encode("", maxTokens: 2) == [2, 3])
        #expect(tokenizer.encode("aaa c", maxTokens: 2) == [2, 3])
        #expect(tokenizer.encode("aaa c") == [2, 4, 5, 5, 1, 3])
        #expect(tokenizer.tokenize("aab b") == ["[UNK]", "b"])  // "##b" is missing: the whole word is [UNK]
        #expect(throws: ModelError.self) { try WordPieceTokenizer(vocabulary: ["[CLS]", "[SEP]"]) }
    }

    /// Lines end at \n, \r\n or \r, as Python's text mode reads vocab.txt; no entry after the last.
    @Test func vocabularyFilesWithAnyLineEndsRead() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("voxface-vocab-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("[PAD]\r\n[UNK]\r\n[CLS]\r[SEP]\nhello\r\n##s\r\n".utf8).write(to: file)
        let tokenizer = try WordPieceTokenizer(vocabularyFile: file)
        #expect(tokenizer.vocabularySize == 6)
        #expect(tokenizer.encode("Hellos, hello") == [2, 4, 5, 1, 4, 3])
    }

    @Test func tinyModelMatchesReference() throws {
        let encoder = try SentenceEncoder(directory: TextFixtures.tiny)
        #expect(encoder.dimension == 32 && encoder.maxTokens == 64)
        var worstCosine = 1.0
        var worstDifference: Float = 0
        for sentence in try TextFixtures.load(TextFixtures.Embeddings.self, "tiny_embeddings.json").sentences {
            #expect(encoder.tokenizer.encode(sentence.text, maxTokens: encoder.maxTokens) == sentence.ids)
            let embedding = encoder.encode(sentence.text)
            let cosine = TextFixtures.cosine(embedding, sentence.embedding)
            let difference = TextFixtures.maxAbsoluteDifference(embedding, sentence.embedding)
            worstCosine = min(worstCosine, cosine)
            worstDifference = max(worstDifference, difference)
            #expect(cosine >= Self.tinyCosine, "\(sentence.text.prefix(40)): cosine \(cosine)")
            #expect(difference <= Self.tinyMaxDifference, "\(sentence.text.prefix(40)): max |difference| \(difference)")
        }
        print("tiny model vs sentence-transformers: min cosine \(worstCosine), max |difference| \(worstDifference)")
    }

    @Test func realModelMatchesReference() throws {
        guard let model = TextFixtures.realModel else {
            print("skipped: all-MiniLM-L6-v2 not found (run Tools/fetch-minilm.sh); real-model parity not tested")
            return
        }
        let encoder = try SentenceEncoder(directory: model)
        #expect(encoder.dimension == 384 && encoder.maxTokens == 256)
        var worstCosine = 1.0
        var worstDifference: Float = 0
        for sentence in try TextFixtures.load(TextFixtures.Embeddings.self, "minilm_embeddings.json").sentences {
            #expect(encoder.tokenCount(sentence.text) == sentence.tokenCount)
            let embedding = encoder.encode(sentence.text)
            let cosine = TextFixtures.cosine(embedding, sentence.embedding)
            worstCosine = min(worstCosine, cosine)
            worstDifference = max(worstDifference, TextFixtures.maxAbsoluteDifference(embedding, sentence.embedding))
            #expect(cosine >= Self.realCosine, "\(sentence.text.prefix(40)): cosine \(cosine)")
        }
        print("all-MiniLM-L6-v2 vs sentence-transformers: min cosine \(worstCosine), max |difference| \(worstDifference)")
    }

    @Test func embeddingsHaveUnitLength() throws {
        let encoder = try SentenceEncoder(directory: TextFixtures.tiny)
        for text in ["", "\u{1F600}", "\u{0}\u{7}", "UX designer", String(repeating: "word ", count: 500)] {
            let embedding = encoder.encode(text)
            let norm = embedding.reduce(0) { $0 + $1 * $1 }.squareRoot()
            #expect(embedding.count == 32 && embedding.allSatisfy(\.isFinite))
            #expect(abs(norm - 1) < 1e-5, "\(TextFixtures.escaped(String(text.prefix(20)))): norm \(norm)")
        }
        #expect(encoder.tokenCount(String(repeating: "word ", count: 500)) == 64)
        #expect(encoder.tokenCount("") == 2)
    }

    @Test func concurrentEncodesEqualSerialOnes() throws {
        let encoder = try SentenceEncoder(directory: TextFixtures.tiny)
        let texts = try TextFixtures.load(TextFixtures.Embeddings.self, "tiny_embeddings.json").sentences.map(\.text)
        let serial = texts.map { encoder.encode($0) }
        let rounds = 64
        let results = Results(count: rounds)
        DispatchQueue.concurrentPerform(iterations: rounds) { round in
            let i = round % texts.count
            results.set(round, encoder.encode(texts[i]))
        }
        for round in 0..<rounds {
            let difference = TextFixtures.maxAbsoluteDifference(results.get(round), serial[round % texts.count])
            #expect(difference <= 1e-6, "round \(round): max |difference| \(difference)")
        }
    }

    /// Bare BertModel names, `bert.` and `0.auto_model.` prefixes all load, to the same embedding.
    @Test func prefixedCheckpointsLoad() throws {
        let reference = try SentenceEncoder(directory: TextFixtures.tiny).encode("Backend engineer")
        for prefix in ["bert.", "0.auto_model."] {
            let folder = try TextFixtures.copyOfTiny()
            defer { try? FileManager.default.removeItem(at: folder) }
            let tensors = try TextFixtures.tinyTensors().map { (name: prefix + $0.name, tensor: $0.tensor) }
            let pooler = Tensor(shape: [32, 32], values: [Float](repeating: 0.5, count: 32 * 32))
            try TextFixtures.write(tensors + [(prefix + "pooler.dense.weight", pooler)], to: folder)
            #expect(try SentenceEncoder(directory: folder).encode("Backend engineer") == reference)
        }
    }

    @Test func missingFilesAreNamed() throws {
        for file in ["config.json", "model.safetensors", "vocab.txt"] {
            let error = try TextFixtures.loadError { try FileManager.default.removeItem(at: $0.appendingPathComponent(file)) }
            guard case .unreadable(let path, _) = error else {
                Issue.record("missing \(file): \(String(describing: error))")
                continue
            }
            #expect(path.hasSuffix("/" + file))
        }
    }

    @Test func wrongTensorsAreNamed() throws {
        let name = "encoder.layer.1.intermediate.dense.weight"
        let wrongShape = try TextFixtures.loadError { folder in
            let tensors = try TextFixtures.tinyTensors().map { entry in
                entry.name == name ? (entry.name, Tensor(shape: [32, 64], values: entry.tensor.values)) : entry
            }
            try TextFixtures.write(tensors, to: folder)
        }
        #expect(wrongShape == .wrongShape(tensor: name, expected: [64, 32], found: [32, 64]))
        let missing = try TextFixtures.loadError { try TextFixtures.write(TextFixtures.tinyTensors().filter { $0.name != name }, to: $0) }
        #expect(missing == .missingTensor(name))
        let extra = try TextFixtures.loadError { folder in
            try TextFixtures.write(TextFixtures.tinyTensors() + [("cls.predictions.bias", Tensor(shape: [1], values: [0]))], to: folder)
        }
        #expect(extra == .unexpectedTensor("cls.predictions.bias"))
        let nonFinite = try TextFixtures.loadError { folder in
            let tensors = try TextFixtures.tinyTensors().map { entry in
                var tensor = entry.tensor
                if entry.name == name { tensor.values[7] = .nan }
                return (entry.name, tensor)
            }
            try TextFixtures.write(tensors, to: folder)
        }
        #expect(nonFinite == .nonFiniteWeights(tensor: name))
        let unrelated = try TextFixtures.loadError { folder in
            try TextFixtures.write([("decoder.weight", Tensor(shape: [1], values: [0]))], to: folder)
        }
        #expect(unrelated == .missingTensor("embeddings.word_embeddings.weight"))
    }

    @Test func corruptSafetensorsAreRefused() throws {
        let cases: [(String, (URL) throws -> Void)] = [
            (
                "truncated",
                { folder in
                    let file = folder.appendingPathComponent("model.safetensors")
                    let bytes = try Data(contentsOf: file)
                    try bytes.prefix(bytes.count / 2).write(to: file)
                }
            ),
            ("garbage", { try Data(repeating: 0xFF, count: 64).write(to: $0.appendingPathComponent("model.safetensors")) }),
            ("empty", { try Data().write(to: $0.appendingPathComponent("model.safetensors")) }),
            (
                "bad JSON header",
                { folder in
                    var bytes = Data([16, 0, 0, 0, 0, 0, 0, 0])
                    bytes.append(contentsOf: Array("{not json at all".utf8))
                    try bytes.write(to: folder.appendingPathComponent("model.safetensors"))
                }
            ),
        ]
        for (label, edit) in cases {
            let error = try TextFixtures.loadError(edit)
            guard case .badSafetensors = error else {
                Issue.record("\(label): \(String(describing: error))")
                continue
            }
        }
    }

    @Test func badConfigsAreRefused() throws {
        func withConfig(_ edit: @escaping ([String: Any]) -> [String: Any]) throws -> ModelError? {
            try TextFixtures.loadError { folder in
                let file = folder.appendingPathComponent("config.json")
                let json = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as! [String: Any]
                try JSONSerialization.data(withJSONObject: edit(json)).write(to: file)
            }
        }
        func set(_ key: String, _ value: Any) throws -> ModelError? {
            try withConfig { json in
                var json = json
                json[key] = value
                return json
            }
        }
        let absurd: [(String, Any)] = [
            ("hidden_size", 1_000_000_000), ("hidden_size", -32), ("num_attention_heads", 5), ("num_hidden_layers", 0),
            ("vocab_size", Int.max), ("intermediate_size", 0), ("max_position_embeddings", 1 << 40), ("layer_norm_eps", -1),
            ("hidden_act", "relu"), ("position_embedding_type", "relative_key"), ("type_vocab_size", 0),
        ]
        for (key, value) in absurd {
            let error = try set(key, value)
            guard case .invalidConfig = error else {
                Issue.record("\(key) = \(value): \(String(describing: error))")
                continue
            }
        }
        // Sane numbers that disagree with the weights.
        #expect(
            try set("intermediate_size", 48)
                == .wrongShape(tensor: "encoder.layer.0.intermediate.dense.weight", expected: [48, 32], found: [64, 32]))
        #expect(try set("num_hidden_layers", 3) == .missingTensor("encoder.layer.2.attention.self.query.weight"))
        // Fewer embedding rows than vocab.txt has tokens.
        guard case .invalidConfig = try set("vocab_size", 100) else {
            Issue.record("vocab_size below vocab.txt accepted")
            return
        }
        guard case .badConfigFile = try withConfig({ $0.filter { $0.key != "hidden_size" } }) else {
            Issue.record("config without hidden_size accepted")
            return
        }
        let notJSON = try TextFixtures.loadError { try Data("hidden_size: 32".utf8).write(to: $0.appendingPathComponent("config.json")) }
        guard case .badConfigFile = notJSON else {
            Issue.record("a config.json that is not JSON: \(String(describing: notJSON))")
            return
        }
    }

    @Test func unsupportedPipelinesAreRefused() throws {
        let cls = try TextFixtures.loadError { folder in
            let json = #"{"word_embedding_dimension": 32, "pooling_mode_cls_token": true, "pooling_mode_mean_tokens": false}"#
            try Data(json.utf8).write(to: folder.appendingPathComponent("1_Pooling/config.json"))
        }
        guard case .invalidConfig = cls else {
            Issue.record("CLS pooling accepted: \(String(describing: cls))")
            return
        }
        let cased = try TextFixtures.loadError {
            try Data(#"{"do_lower_case": false}"#.utf8).write(to: $0.appendingPathComponent("tokenizer_config.json"))
        }
        guard case .invalidConfig = cased else {
            Issue.record("a cased tokenizer accepted: \(String(describing: cased))")
            return
        }
        let noClassifier = try TextFixtures.loadError {
            try Data("[PAD]\n[UNK]\n[SEP]\na\n".utf8).write(to: $0.appendingPathComponent("vocab.txt"))
        }
        guard case .unreadable(_, let reason) = noClassifier else {
            Issue.record("a vocabulary without [CLS] accepted: \(String(describing: noClassifier))")
            return
        }
        #expect(reason.contains("[CLS]"))
    }

    @Test func findDefaultLooksWhereTheFetchScriptWrites() throws {
        let chosen = SentenceEncoder.findDefault(environment: ["VOXFACE_TEXT_MODEL": TextFixtures.tiny.path])
        #expect(chosen?.standardizedFileURL == TextFixtures.tiny.standardizedFileURL)
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("voxface-text-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect(SentenceEncoder.findDefault(environment: ["VOXFACE_TEXT_MODEL": empty.path]) == nil)
        let candidates = SentenceEncoder.candidates(environment: [:]).map(\.path)
        #expect(candidates.first == FileManager.default.currentDirectoryPath + "/.build/models/all-MiniLM-L6-v2")
        #expect(candidates.count == 2 && candidates[1].hasSuffix("/models/all-MiniLM-L6-v2"))
    }
}

/// Slots written by concurrent tasks, one each.
private final class Results: @unchecked Sendable {
    // Safe: each index is written by one task, and read after concurrentPerform returns.
    private var slots: [[Float]]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: [], count: count) }

    func set(_ index: Int, _ value: [Float]) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    func get(_ index: Int) -> [Float] {
        lock.lock()
        defer { lock.unlock() }
        return slots[index]
    }
}
