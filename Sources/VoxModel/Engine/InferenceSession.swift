import COpenBLAS

/// One stream's state for running windows through a shared `FaceModel`: every buffer a window
/// needs, allocated once at init, so `run` allocates nothing.
///
/// Not thread-safe: a session belongs to one stream (or one thread) at a time; any number of
/// sessions may share one model concurrently.
public final class InferenceSession {
    /// The shared weights.
    public let model: FaceModel
    private let x: UnsafeMutablePointer<Float>  // L x H, the running activation
    private let memory: UnsafeMutablePointer<Float>  // L x H, the encoder output
    private let qkv: UnsafeMutablePointer<Float>  // L x 3H
    private let context: UnsafeMutablePointer<Float>  // L x H, attention output before out_linear
    private let projected: UnsafeMutablePointer<Float>  // L x H
    private let hidden: UnsafeMutablePointer<Float>  // L x 4H
    private let crossKV: UnsafeMutablePointer<Float>  // L x layers*2H
    private let scores: UnsafeMutablePointer<Float>  // L x L
    private let allocations: [UnsafeMutablePointer<Float>]

    /// A session for windows of up to `model.config.frameSize` frames.
    public init(model: FaceModel) {
        self.model = model
        let c = model.config
        let l = c.frameSize
        let h = c.hiddenDim
        func buffer(_ count: Int) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: count)
            p.initialize(repeating: 0, count: count)
            return p
        }
        x = buffer(l * h)
        memory = buffer(l * h)
        qkv = buffer(l * 3 * h)
        context = buffer(l * h)
        projected = buffer(l * h)
        hidden = buffer(l * c.feedForwardDim)
        crossKV = buffer(l * c.layers * 2 * h)
        scores = buffer(l * l)
        allocations = [x, memory, qkv, context, projected, hidden, crossKV, scores]
    }

    deinit {
        for p in allocations { p.deallocate() }
    }

    /// Runs one window: `input` is [length x inputDim] row-major, `output` receives
    /// [length x outputDim]. Positions (for RoPE) count from 0 within the window. `length` may be
    /// anything in 1...frameSize (the batch pipeline always pads to frameSize, as the reference does).
    public func run(input: UnsafePointer<Float>, length: Int, output: UnsafeMutablePointer<Float>) {
        let c = model.config
        precondition(length >= 1 && length <= c.frameSize, "window of \(length) frames, model takes 1...\(c.frameSize)")
        let h = c.hiddenDim
        Kernels.linear(input, rows: length, model.embedding, into: x)
        for layer in model.encoder {
            selfAttention(layer.qkv, layer.out, rows: length)
            Kernels.addAndNormalize(x, projected, rows: length, width: h, layer.norm1)
            feedForward(layer.ffn1, layer.ffn2, rows: length)
            Kernels.addAndNormalize(x, projected, rows: length, width: h, layer.norm2)
        }
        Kernels.addAndNormalize(x, nil, rows: length, width: h, model.encoderNorm)
        memory.update(from: x, count: length * h)
        // The decoder's input is the encoder output, which is also every layer's memory.
        Kernels.linear(memory, rows: length, model.crossKV, into: crossKV)
        let kvStride = c.layers * 2 * h
        for (i, layer) in model.decoder.enumerated() {
            selfAttention(layer.qkv, layer.out, rows: length)
            Kernels.addAndNormalize(x, projected, rows: length, width: h, layer.norm1)
            // Cross-attention: q from the decoder state, k and v (precomputed) from the memory.
            Kernels.linear(x, rows: length, layer.crossQ, into: qkv)
            let keyOffset = i * 2 * h
            // RoPE on this layer's keys (each layer's slice is used once per window).
            Kernels.rope(
                crossKV, rows: length, stride: kvStride, offset: keyOffset, heads: c.heads, headDim: c.headDim,
                cos: model.ropeCos, sin: model.ropeSin)
            attend(
                query: qkv, queryStride: h, key: crossKV + keyOffset, value: crossKV + keyOffset + h, keyStride: kvStride,
                rows: length, ropeOnQuery: true)
            Kernels.linear(context, rows: length, layer.crossOut, into: projected)
            Kernels.addAndNormalize(x, projected, rows: length, width: h, layer.norm2)
            feedForward(layer.ffn1, layer.ffn2, rows: length)
            Kernels.addAndNormalize(x, projected, rows: length, width: h, layer.norm3)
        }
        Kernels.addAndNormalize(x, nil, rows: length, width: h, model.decoderNorm)
        Kernels.linear(x, rows: length, model.output, into: output)
    }

    /// Self-attention of `x`: fused q/k/v projection, RoPE on q and k, attention, out projection
    /// into `projected`.
    private func selfAttention(_ qkvLayer: FaceModel.Linear, _ outLayer: FaceModel.Linear, rows: Int) {
        let c = model.config
        let h = c.hiddenDim
        Kernels.linear(x, rows: rows, qkvLayer, into: qkv)
        Kernels.rope(qkv, rows: rows, stride: 3 * h, offset: h, heads: c.heads, headDim: c.headDim, cos: model.ropeCos, sin: model.ropeSin)
        attend(query: qkv, queryStride: 3 * h, key: qkv + h, value: qkv + 2 * h, keyStride: 3 * h, rows: rows, ropeOnQuery: true)
        Kernels.linear(context, rows: rows, outLayer, into: projected)
    }

    /// Scaled dot-product attention per head into `context` (RoPE applied to the query first).
    private func attend(
        query: UnsafeMutablePointer<Float>, queryStride: Int, key: UnsafePointer<Float>, value: UnsafePointer<Float>,
        keyStride: Int, rows: Int, ropeOnQuery: Bool
    ) {
        let c = model.config
        let d = c.headDim
        if ropeOnQuery {
            Kernels.rope(
                query, rows: rows, stride: queryStride, offset: 0, heads: c.heads, headDim: d, cos: model.ropeCos, sin: model.ropeSin)
        }
        let scale = 1 / Float(d).squareRoot()
        for head in 0..<c.heads {
            let q = query + head * d
            let k = key + head * d
            let v = value + head * d
            cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(rows), Int32(d),
                scale, q, Int32(queryStride), k, Int32(keyStride), 0, scores, Int32(rows))
            Kernels.softmax(scores, rows: rows, width: rows)
            cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(d), Int32(rows),
                1, scores, Int32(rows), v, Int32(keyStride), 0, context + head * d, Int32(c.hiddenDim))
        }
    }

    /// projected = W2 * relu(W1 * x + b1) + b2.
    private func feedForward(_ first: FaceModel.Linear, _ second: FaceModel.Linear, rows: Int) {
        Kernels.linear(x, rows: rows, first, into: hidden)
        Kernels.relu(hidden, count: rows * first.output)
        Kernels.linear(hidden, rows: rows, second, into: projected)
    }
}
