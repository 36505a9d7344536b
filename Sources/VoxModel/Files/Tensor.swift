/// A named float32 tensor as loaded from a model file (row-major, PyTorch shapes).
public struct Tensor: Sendable, Equatable {
    /// Dimensions, outermost first (a Linear weight is [out, in]).
    public var shape: [Int]
    /// Values in row-major order.
    public var values: [Float]

    /// A tensor over `values`; their count must match the shape.
    public init(shape: [Int], values: [Float]) {
        precondition(shape.reduce(1, *) == values.count, "tensor values do not fill its shape")
        self.shape = shape
        self.values = values
    }
}

/// Element types found in model files.
enum TensorDType: String, Sendable {
    case f32 = "F32"
    case f16 = "F16"
    case bf16 = "BF16"

    var size: Int { self == .f32 ? 4 : 2 }

    /// Widens `count` little-endian elements at `bytes` to Float.
    func widen(_ bytes: UnsafeRawPointer, count: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { out, initialized in
            switch self {
            case .f32:
                for i in 0..<count {
                    out[i] = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                }
            case .f16:
                for i in 0..<count {
                    out[i] = Float(Float16(bitPattern: UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))))
                }
            case .bf16:
                for i in 0..<count {
                    let high = UInt32(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
                    out[i] = Float(bitPattern: high << 16)
                }
            }
            initialized = count
        }
    }
}

/// The tensor names and shapes of the NeuroSync architecture for a config: exactly the keys of
/// the reference model's `state_dict()`, in its order.
public enum Architecture {
    /// (name, shape) of every tensor, in `state_dict` order.
    public static func tensors(for c: ModelConfig) -> [(name: String, shape: [Int])] {
        let h = c.hiddenDim
        let f = c.feedForwardDim
        var list: [(String, [Int])] = []
        func linear(_ prefix: String, _ output: Int, _ input: Int) {
            list.append(("\(prefix).weight", [output, input]))
            list.append(("\(prefix).bias", [output]))
        }
        func norm(_ prefix: String) {
            list.append(("\(prefix).weight", [h]))
            list.append(("\(prefix).bias", [h]))
        }
        func attention(_ prefix: String) {
            for part in ["q", "k", "v", "out"] { linear("\(prefix).\(part)_linear", h, h) }
        }
        linear("encoder.embedding", h, c.inputDim)
        for i in 0..<c.layers {
            let p = "encoder.transformer_encoder.\(i)"
            attention("\(p).self_attn")
            linear("\(p).ffn.linear1", f, h)
            linear("\(p).ffn.linear2", h, f)
            norm("\(p).norm1")
            norm("\(p).norm2")
        }
        norm("encoder.layer_norm")
        for i in 0..<c.layers {
            let p = "decoder.transformer_decoder.\(i)"
            attention("\(p).self_attn")
            attention("\(p).multihead_attn")
            linear("\(p).ffn.linear1", f, h)
            linear("\(p).ffn.linear2", h, f)
            norm("\(p).norm1")
            norm("\(p).norm2")
            norm("\(p).norm3")
        }
        linear("decoder.fc_output", c.outputDim, h)
        norm("decoder.layer_norm")
        return list
    }
}
