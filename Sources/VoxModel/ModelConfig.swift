#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The shape of a NeuroSync-architecture model, in NeuroSync's own `config.json` names.
///
/// Defaults are the released model: input 256, hidden 1024, 8 encoder + 8 decoder layers,
/// 16 heads, 68 outputs, 128-frame windows with 32 frames of overlap.
public struct ModelConfig: Sendable, Equatable, Codable {
    /// Features per input frame.
    public var inputDim: Int
    /// Model width.
    public var hiddenDim: Int
    /// Encoder layers, and as many decoder layers.
    public var layers: Int
    /// Attention heads (must divide `hiddenDim`, head size even for RoPE).
    public var heads: Int
    /// Outputs per frame.
    public var outputDim: Int
    /// Window length in frames.
    public var frameSize: Int
    /// Frames shared by consecutive windows in the batch pipeline.
    public var overlap: Int

    /// The released NeuroSync model's configuration.
    public static let released = ModelConfig(
        inputDim: 256, hiddenDim: 1024, layers: 8, heads: 16, outputDim: 68, frameSize: 128, overlap: 32)
    /// A small configuration for benchmarks: hidden 256, 4 + 4 layers, 4 heads.
    public static let small = ModelConfig(
        inputDim: 256, hiddenDim: 256, layers: 4, heads: 4, outputDim: 68, frameSize: 128, overlap: 32)

    /// A configuration from its parts (not validated; see `validate`).
    public init(inputDim: Int, hiddenDim: Int, layers: Int, heads: Int, outputDim: Int, frameSize: Int, overlap: Int) {
        self.inputDim = inputDim
        self.hiddenDim = hiddenDim
        self.layers = layers
        self.heads = heads
        self.outputDim = outputDim
        self.frameSize = frameSize
        self.overlap = overlap
    }

    enum CodingKeys: String, CodingKey {
        case inputDim = "input_dim"
        case hiddenDim = "hidden_dim"
        case layers = "n_layers"
        case heads = "num_heads"
        case outputDim = "output_dim"
        case frameSize = "frame_size"
        case overlap
    }

    /// Decodes a config.json; missing keys take the released model's values.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = Self.released
        inputDim = try c.decodeIfPresent(Int.self, forKey: .inputDim) ?? d.inputDim
        hiddenDim = try c.decodeIfPresent(Int.self, forKey: .hiddenDim) ?? d.hiddenDim
        layers = try c.decodeIfPresent(Int.self, forKey: .layers) ?? d.layers
        heads = try c.decodeIfPresent(Int.self, forKey: .heads) ?? d.heads
        outputDim = try c.decodeIfPresent(Int.self, forKey: .outputDim) ?? d.outputDim
        frameSize = try c.decodeIfPresent(Int.self, forKey: .frameSize) ?? d.frameSize
        overlap = try c.decodeIfPresent(Int.self, forKey: .overlap) ?? d.overlap
    }

    /// Size of one head.
    public var headDim: Int { hiddenDim / heads }
    /// Width of the feed-forward layers (4 x hidden).
    public var feedForwardDim: Int { 4 * hiddenDim }

    /// Checks that the numbers describe a model this engine can run.
    public func validate() throws(ModelError) {
        func check(_ ok: Bool, _ reason: String) throws(ModelError) {
            if !ok { throw .invalidConfig(reason) }
        }
        try check((1...65_536).contains(inputDim), "input_dim \(inputDim) must be in 1...65536")
        try check((2...65_536).contains(hiddenDim), "hidden_dim \(hiddenDim) must be in 2...65536")
        try check((1...256).contains(layers), "n_layers \(layers) must be in 1...256")
        try check((1...1024).contains(heads), "num_heads \(heads) must be in 1...1024")
        try check(hiddenDim % heads == 0, "hidden_dim \(hiddenDim) is not divisible by num_heads \(heads)")
        try check(headDim % 2 == 0, "head size \(headDim) (hidden_dim / num_heads) must be even for RoPE")
        try check(hiddenDim % 8 == 0, "hidden_dim \(hiddenDim) must be a multiple of 8")
        try check((1...65_536).contains(outputDim), "output_dim \(outputDim) must be in 1...65536")
        try check((1...8192).contains(frameSize), "frame_size \(frameSize) must be in 1...8192")
        try check(overlap >= 0 && overlap < frameSize, "overlap \(overlap) must be in 0..<frame_size (\(frameSize))")
    }

    /// Learned parameters.
    public var parameterCount: Int {
        let h = hiddenDim
        let f = feedForwardDim
        let attention = 4 * (h * h + h)
        let ffn = h * f + f + f * h + h
        let norm = 2 * h
        let encoderLayer = attention + ffn + 2 * norm
        let decoderLayer = 2 * attention + ffn + 3 * norm
        return inputDim * h + h + layers * (encoderLayer + decoderLayer) + 2 * norm + h * outputDim + outputDim
    }

    /// Floating-point operations (2 per multiply-add) of the matrix products in one window of
    /// `length` frames.
    public func flopsPerWindow(length: Int? = nil) -> Double {
        let l = Double(length ?? frameSize)
        let h = Double(hiddenDim)
        let f = Double(feedForwardDim)
        let linear = { (input: Double, output: Double) in 2 * l * input * output }
        let attentionCore = 2 * (2 * l * l * h)  // QK^T and AV over all heads
        let attention = 4 * linear(h, h) + attentionCore
        let ffn = linear(h, f) + linear(f, h)
        let layersFlops = Double(layers) * ((attention + ffn) + (2 * attention + ffn))
        return linear(Double(inputDim), h) + layersFlops + linear(h, Double(outputDim))
    }

    /// The config as NeuroSync's config.json.
    public func json() -> String {
        """
        {"input_dim": \(inputDim), "hidden_dim": \(hiddenDim), "n_layers": \(layers), "num_heads": \(heads), \
        "output_dim": \(outputDim), "frame_size": \(frameSize), "overlap": \(overlap)}

        """
    }
}
