import COpenBLAS

/// A BERT encoder's weights, laid out for inference, and its forward pass to a mean-pooled
/// vector: immutable after init and shared by every caller (`Sendable`); each concurrent pass
/// brings its own `Workspace`.
///
/// Layout: the query, key and value projections of each layer are fused into one [3H x H]
/// matrix, so a layer's projections are one sgemm over all tokens; attention is two sgemms per
/// head (Q K^T and P V) reading the fused activation with a 3H stride. OpenBLAS runs on one
/// thread (BLAS.swift), so concurrent passes each use one core.
final class BertEncoder: @unchecked Sendable {
    // Safe: every pointer below is written once in init and only read afterwards.

    struct Layer {
        let qkv: FaceModel.Linear
        let attentionOutput: FaceModel.Linear
        let attentionNorm: FaceModel.Norm
        let intermediate: FaceModel.Linear
        let output: FaceModel.Linear
        let outputNorm: FaceModel.Norm
    }

    /// The configuration.
    let config: BertConfig
    /// [vocab x H]
    let wordEmbeddings: UnsafePointer<Float>
    /// [positions x H]
    let positionEmbeddings: UnsafePointer<Float>
    /// [types x H]; every token is type 0 (a single segment).
    let tokenTypeEmbeddings: UnsafePointer<Float>
    let embeddingNorm: FaceModel.Norm
    let layers: [Layer]
    private let arena: UnsafeMutablePointer<Float>

    /// Lays out a checkpoint's tensors (names as `BertArchitecture.tensors(for:)` after `prefix`),
    /// checking that every one is present with its shape and finite, and that nothing else is.
    init(config: BertConfig, tensors: [String: Tensor], prefix: String) throws(ModelError) {
        try config.validate()
        try BLAS.require()
        let expected = BertArchitecture.tensors(for: config)
        for (name, shape) in expected {
            guard let tensor = tensors[prefix + name] else { throw .missingTensor(prefix + name) }
            guard tensor.shape == shape else { throw .wrongShape(tensor: prefix + name, expected: shape, found: tensor.shape) }
        }
        let known = Set(expected.map { prefix + $0.name })
        if let extra = tensors.keys.sorted().first(where: { !known.contains($0) && !BertArchitecture.isIgnored($0) }) {
            throw .unexpectedTensor(extra)
        }
        self.config = config
        let h = config.hiddenSize
        let arena = UnsafeMutablePointer<Float>.allocate(capacity: config.parameterCount)
        self.arena = arena
        var cursor = 0
        var nonFinite: String?
        func take(_ names: [String]) -> UnsafePointer<Float> {
            let start = arena + cursor
            for name in names {
                let values = tensors[prefix + name]!.values
                values.withUnsafeBufferPointer { (arena + cursor).initialize(from: $0.baseAddress!, count: $0.count) }
                // NaN and infinity have an all-ones exponent; checked while the values are in cache.
                var bad = false
                for i in cursor..<(cursor + values.count) where arena[i].bitPattern & 0x7F80_0000 == 0x7F80_0000 { bad = true }
                if bad && nonFinite == nil { nonFinite = prefix + name }
                cursor += values.count
            }
            return UnsafePointer(start)
        }
        func linear(_ names: [String], input: Int, output: Int) -> FaceModel.Linear {
            let weight = take(names.map { "\($0).weight" })
            let bias = take(names.map { "\($0).bias" })
            return FaceModel.Linear(weight: weight, packed: nil, bias: bias, input: input, output: output)
        }
        func norm(_ name: String) -> FaceModel.Norm {
            FaceModel.Norm(weight: take(["\(name).weight"]), bias: take(["\(name).bias"]))
        }
        wordEmbeddings = take(["embeddings.word_embeddings.weight"])
        positionEmbeddings = take(["embeddings.position_embeddings.weight"])
        tokenTypeEmbeddings = take(["embeddings.token_type_embeddings.weight"])
        embeddingNorm = norm("embeddings.LayerNorm")
        let layers = (0..<config.layers).map { i in
            let p = "encoder.layer.\(i)"
            let a = "\(p).attention.self"
            return Layer(
                qkv: linear(["\(a).query", "\(a).key", "\(a).value"], input: h, output: 3 * h),
                attentionOutput: linear(["\(p).attention.output.dense"], input: h, output: h),
                attentionNorm: norm("\(p).attention.output.LayerNorm"),
                intermediate: linear(["\(p).intermediate.dense"], input: h, output: config.intermediateSize),
                output: linear(["\(p).output.dense"], input: config.intermediateSize, output: h),
                outputNorm: norm("\(p).output.LayerNorm"))
        }
        precondition(cursor == config.parameterCount, "weight arena miscounted")
        // Thrown while `self.layers` is unset: deinit does not run, the arena is freed here.
        if let nonFinite {
            arena.deallocate()
            throw .nonFiniteWeights(tensor: nonFinite)
        }
        self.layers = layers
    }

    deinit { arena.deallocate() }

    /// Buffers for one forward pass of up to `capacity` tokens. Belongs to one pass at a time.
    final class Workspace: @unchecked Sendable {
        // Safe: a workspace is handed to one caller at a time (SentenceEncoder's pool).
        let capacity: Int
        let x: UnsafeMutablePointer<Float>  // T x H, the running activation
        let qkv: UnsafeMutablePointer<Float>  // T x 3H
        let context: UnsafeMutablePointer<Float>  // T x H, attention output before its projection
        let projected: UnsafeMutablePointer<Float>  // T x H
        let intermediate: UnsafeMutablePointer<Float>  // T x I
        let scores: UnsafeMutablePointer<Float>  // T x T, one head at a time

        init(config: BertConfig, capacity: Int) {
            let h = config.hiddenSize
            self.capacity = capacity
            func buffer(_ count: Int) -> UnsafeMutablePointer<Float> {
                let p = UnsafeMutablePointer<Float>.allocate(capacity: count)
                p.initialize(repeating: 0, count: count)
                return p
            }
            x = buffer(capacity * h)
            qkv = buffer(capacity * 3 * h)
            context = buffer(capacity * h)
            projected = buffer(capacity * h)
            intermediate = buffer(capacity * config.intermediateSize)
            scores = buffer(capacity * capacity)
        }

        deinit {
            for p in [x, qkv, context, projected, intermediate, scores] { p.deallocate() }
        }
    }

    /// Runs `ids` (one sequence, all tokens attended, token type 0, positions from 0) through the
    /// encoder and writes the mean of the last hidden states over the tokens to `pooled` [H].
    func meanPooled(_ ids: [Int32], workspace w: Workspace, into pooled: UnsafeMutablePointer<Float>) {
        let t = ids.count
        let h = config.hiddenSize
        let heads = config.heads
        let d = config.headSize
        let epsilon = Float(config.layerNormEpsilon)
        precondition(t >= 1 && t <= w.capacity && t <= config.maxPositions, "\(t) tokens for a workspace of \(w.capacity)")
        for (position, id) in ids.enumerated() {
            precondition(id >= 0 && Int(id) < config.vocabSize, "token id \(id) outside the vocabulary")
            let row = w.x + position * h
            let word = wordEmbeddings + Int(id) * h
            let place = positionEmbeddings + position * h
            for i in 0..<h { row[i] = word[i] + place[i] + tokenTypeEmbeddings[i] }
        }
        Kernels.addAndNormalize(w.x, nil, rows: t, width: h, embeddingNorm, epsilon: epsilon)
        let scale = 1 / Float(d).squareRoot()
        for layer in layers {
            Kernels.linear(w.x, rows: t, layer.qkv, into: w.qkv)
            for head in 0..<heads {
                let q = w.qkv + head * d
                let k = w.qkv + h + head * d
                let v = w.qkv + 2 * h + head * d
                BLAS.sgemm(CblasNoTrans, CblasTrans, t, t, d, scale, q, 3 * h, k, 3 * h, 0, w.scores, t)
                Kernels.softmax(w.scores, rows: t, width: t)
                BLAS.sgemm(CblasNoTrans, CblasNoTrans, t, d, t, 1, w.scores, t, v, 3 * h, 0, w.context + head * d, h)
            }
            Kernels.linear(w.context, rows: t, layer.attentionOutput, into: w.projected)
            Kernels.addAndNormalize(w.x, w.projected, rows: t, width: h, layer.attentionNorm, epsilon: epsilon)
            Kernels.linear(w.x, rows: t, layer.intermediate, into: w.intermediate)
            Kernels.gelu(w.intermediate, count: t * config.intermediateSize)
            Kernels.linear(w.intermediate, rows: t, layer.output, into: w.projected)
            Kernels.addAndNormalize(w.x, w.projected, rows: t, width: h, layer.outputNorm, epsilon: epsilon)
        }
        pooled.initialize(repeating: 0, count: h)
        for r in 0..<t {
            let row = w.x + r * h
            for i in 0..<h { pooled[i] += row[i] }
        }
        let inverse = 1 / Float(t)
        for i in 0..<h { pooled[i] *= inverse }
    }

    /// Floating-point operations (2 per multiply-add) of the matrix products for `tokens` tokens.
    func flops(tokens: Int) -> Double {
        let t = Double(tokens)
        let h = Double(config.hiddenSize)
        let f = Double(config.intermediateSize)
        let perLayer = 2 * t * h * (3 * h) + 2 * t * h * h + 2 * 2 * t * h * f + 2 * 2 * t * t * h
        return Double(config.layers) * perLayer
    }
}
