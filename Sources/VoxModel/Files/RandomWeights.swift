import VoxCore

/// Seeded random weights for any config, initialised as PyTorch initialises a fresh model
/// (Linear weights and biases uniform in +-1/sqrt(in_features), LayerNorm weight 1 and bias 0).
/// Used for benchmarks and as a placeholder model; deterministic for a seed.
public enum RandomWeights {
    /// Tensors for every name of `Architecture.tensors(for: config)`.
    public static func tensors(for config: ModelConfig, seed: UInt64 = 0x5EED) -> [String: Tensor] {
        var generator = SplitMix64(seed: seed)
        var tensors: [String: Tensor] = [:]
        for (name, shape) in Architecture.tensors(for: config) {
            let count = shape.reduce(1, *)
            var values = [Float](repeating: 0, count: count)
            let isNorm = name.contains("norm")
            if isNorm {
                if name.hasSuffix(".weight") { values = [Float](repeating: 1, count: count) }
            } else {
                let fanIn = name.hasSuffix(".weight") ? shape[1] : Self.fanIn(of: name, config: config)
                let bound = 1 / Float(fanIn).squareRoot()
                for i in 0..<count { values[i] = (Float(generator.nextUnit()) * 2 - 1) * bound }
            }
            tensors[name] = Tensor(shape: shape, values: values)
        }
        return tensors
    }

    /// A model with random weights.
    public static func model(for config: ModelConfig, seed: UInt64 = 0x5EED) throws(ModelError) -> FaceModel {
        try FaceModel(config: config, tensors: tensors(for: config, seed: seed))
    }

    private static func fanIn(of bias: String, config: ModelConfig) -> Int {
        if bias.hasPrefix("encoder.embedding") { return config.inputDim }
        if bias.contains("linear2") { return config.feedForwardDim }
        return config.hiddenDim
    }
}
