import COpenBLAS

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A NeuroSync-architecture transformer's weights, laid out for inference: immutable and shared
/// by every stream (`Sendable`). Each stream runs windows through its own `InferenceSession`.
///
/// Layout choices: q/k/v projections of each self-attention block are fused into one [3H x H]
/// matrix; the cross-attention k/v projections of all decoder layers are fused into one
/// [layers*2H x H] matrix, since they all read the same encoder output; RoPE tables are
/// precomputed for positions 0..<frameSize.
public final class FaceModel: @unchecked Sendable {
    // Safe: every pointer below is written once in init and only read afterwards.

    /// The configuration.
    public let config: ModelConfig
    /// Parameters held.
    public var parameterCount: Int { config.parameterCount }

    struct Linear: @unchecked Sendable {  // read-only views into the model's arena
        let weight: UnsafePointer<Float>  // [output x input], PyTorch layout
        /// The same weights [input x output] for `vox_linear_f32`, for layers of at most
        /// `packedLimit` weights (kept in cache across a window); `nil` runs OpenBLAS.
        let packed: UnsafePointer<Float>?
        let bias: UnsafePointer<Float>
        let input: Int
        let output: Int
    }

    /// Layers up to this many weights (512 KB) use Voxface's own kernel, larger ones OpenBLAS
    /// (measured: `voxface model bench`, Benchmarks/README.md "Model kernels").
    /// `VOXFACE_GEMM=blas` sends every layer to OpenBLAS.
    static let packedLimit: Int = {
        if let choice = getenv("VOXFACE_GEMM").map({ String(cString: $0) }), choice == "blas" { return 0 }
        return 131_072
    }()

    struct Norm: @unchecked Sendable {
        let weight: UnsafePointer<Float>
        let bias: UnsafePointer<Float>
    }

    struct EncoderLayer {
        let qkv: Linear
        let out: Linear
        let ffn1: Linear
        let ffn2: Linear
        let norm1: Norm
        let norm2: Norm
    }

    struct DecoderLayer {
        let qkv: Linear
        let out: Linear
        let crossQ: Linear
        let crossOut: Linear
        let ffn1: Linear
        let ffn2: Linear
        let norm1: Norm
        let norm2: Norm
        let norm3: Norm
    }

    let embedding: Linear
    let encoder: [EncoderLayer]
    let encoderNorm: Norm
    let decoder: [DecoderLayer]
    /// k and v of every decoder layer's cross-attention: rows [layer][k | v][H].
    let crossKV: Linear
    let decoderNorm: Norm
    let output: Linear
    /// cos/sin of RoPE angles, [frameSize x headDim/2].
    let ropeCos: UnsafePointer<Float>
    let ropeSin: UnsafePointer<Float>
    private let arena: UnsafeMutablePointer<Float>
    /// The k-major copies behind `Linear.packed`.
    private let packedBuffers: [UnsafeMutablePointer<Float>]

    /// Lays out checked tensors (names and shapes as `Architecture.tensors(for:)`).
    public init(config: ModelConfig, tensors: [String: Tensor]) throws(ModelError) {
        try config.validate()
        try ModelLoader.check(tensors, against: config, checkValues: false)
        try BLAS.require()
        self.config = config
        let h = config.hiddenDim
        let half = config.headDim / 2
        let total = config.parameterCount + 2 * config.frameSize * half
        arena = .allocate(capacity: total)
        var cursor = 0
        let arena = self.arena
        var nonFinite: String?
        func take(_ parts: [String]) -> UnsafePointer<Float> {
            let start = arena + cursor
            for name in parts {
                let values = tensors[name]!.values
                values.withUnsafeBufferPointer { (arena + cursor).update(from: $0.baseAddress!, count: $0.count) }
                // NaN and infinity have an all-ones exponent; checked while the values are in cache.
                var bad = false
                for i in cursor..<(cursor + values.count) where arena[i].bitPattern & 0x7F80_0000 == 0x7F80_0000 { bad = true }
                if bad && nonFinite == nil { nonFinite = name }
                cursor += values.count
            }
            return UnsafePointer(start)
        }
        var packedBuffers: [UnsafeMutablePointer<Float>] = []
        func linear(_ prefixes: [String], input: Int, output: Int) -> Linear {
            let weight = take(prefixes.map { "\($0).weight" })
            let bias = take(prefixes.map { "\($0).bias" })
            var packed: UnsafePointer<Float>?
            if input * output <= Self.packedLimit {
                let buffer = UnsafeMutablePointer<Float>.allocate(capacity: input * output)
                for o in 0..<output {
                    for i in 0..<input { buffer[i * output + o] = weight[o * input + i] }
                }
                packedBuffers.append(buffer)
                packed = UnsafePointer(buffer)
            }
            return Linear(weight: weight, packed: packed, bias: bias, input: input, output: output)
        }
        func norm(_ prefix: String) -> Norm {
            Norm(weight: take(["\(prefix).weight"]), bias: take(["\(prefix).bias"]))
        }
        embedding = linear(["encoder.embedding"], input: config.inputDim, output: h)
        encoder = (0..<config.layers).map { i in
            let p = "encoder.transformer_encoder.\(i)"
            let a = "\(p).self_attn"
            return EncoderLayer(
                qkv: linear(["\(a).q_linear", "\(a).k_linear", "\(a).v_linear"], input: h, output: 3 * h),
                out: linear(["\(a).out_linear"], input: h, output: h),
                ffn1: linear(["\(p).ffn.linear1"], input: h, output: config.feedForwardDim),
                ffn2: linear(["\(p).ffn.linear2"], input: config.feedForwardDim, output: h),
                norm1: norm("\(p).norm1"), norm2: norm("\(p).norm2"))
        }
        encoderNorm = norm("encoder.layer_norm")
        decoder = (0..<config.layers).map { i in
            let p = "decoder.transformer_decoder.\(i)"
            let a = "\(p).self_attn"
            let c = "\(p).multihead_attn"
            return DecoderLayer(
                qkv: linear(["\(a).q_linear", "\(a).k_linear", "\(a).v_linear"], input: h, output: 3 * h),
                out: linear(["\(a).out_linear"], input: h, output: h),
                crossQ: linear(["\(c).q_linear"], input: h, output: h),
                crossOut: linear(["\(c).out_linear"], input: h, output: h),
                ffn1: linear(["\(p).ffn.linear1"], input: h, output: config.feedForwardDim),
                ffn2: linear(["\(p).ffn.linear2"], input: config.feedForwardDim, output: h),
                norm1: norm("\(p).norm1"), norm2: norm("\(p).norm2"), norm3: norm("\(p).norm3"))
        }
        var kvParts: [String] = []
        for i in 0..<config.layers {
            let c = "decoder.transformer_decoder.\(i).multihead_attn"
            kvParts += ["\(c).k_linear", "\(c).v_linear"]
        }
        crossKV = linear(kvParts, input: h, output: config.layers * 2 * h)
        decoderNorm = norm("decoder.layer_norm")
        output = linear(["decoder.fc_output"], input: h, output: config.outputDim)
        // RoPE as the reference computes it in float32: div = exp(-ln(10000) * 2i / d),
        // angle = position * div, then sin and cos of that float32 angle.
        let cosTable = arena + cursor
        let sinTable = arena + cursor + config.frameSize * half
        let logBase = Float(log(10000.0))
        for i in 0..<half {
            let div = Float(exp(Double(-logBase * Float(2 * i) / Float(config.headDim))))
            for position in 0..<config.frameSize {
                let angle = Float(position) * div
                cosTable[position * half + i] = Float(cos(Double(angle)))
                sinTable[position * half + i] = Float(sin(Double(angle)))
            }
        }
        cursor += 2 * config.frameSize * half
        precondition(cursor == total, "weight arena miscounted")
        if let nonFinite {
            arena.deallocate()
            for buffer in packedBuffers { buffer.deallocate() }
            throw .nonFiniteWeights(tensor: nonFinite)
        }
        self.packedBuffers = packedBuffers
        ropeCos = UnsafePointer(cosTable)
        ropeSin = UnsafePointer(sinTable)
    }

    deinit {
        arena.deallocate()
        for buffer in packedBuffers { buffer.deallocate() }
    }

    /// The BLAS library in use and its kernels, for logs and benchmark reports.
    public static var blasDescription: String { BLAS.description }
}
