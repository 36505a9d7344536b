#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Finds and loads a model: a folder holding `config.json` and `model.safetensors` (or
/// `model.pth`), or a single NeuroSync `model.pth`, which then uses the released config.
/// Loading is strict: every tensor the config implies must be present with its exact shape,
/// and nothing else.
public enum ModelLoader {
    /// A loaded model file, before the engine lays its weights out.
    public struct Loaded: Sendable {
        /// The configuration (from config.json or the released default).
        public var config: ModelConfig
        /// Tensors by state_dict name.
        public var tensors: [String: Tensor]
        /// The weights file read.
        public var weightsPath: String
    }

    /// Loads the model at `path` (folder or file) and checks it against its config. With
    /// `checkValues` false the NaN/infinity scan is left to `FaceModel.init`, which does it while
    /// laying the weights out (one pass over 942 MB instead of two).
    public static func load(path: String, checkValues: Bool = true) throws(ModelError) -> Loaded {
        var status = stat()
        guard stat(path, &status) == 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        var config = ModelConfig.released
        let weights: String
        if (status.st_mode & S_IFMT) == S_IFDIR {
            let configPath = path + "/config.json"
            if access(configPath, F_OK) == 0 { config = try readConfig(path: configPath) }
            if access(path + "/model.safetensors", F_OK) == 0 {
                weights = path + "/model.safetensors"
            } else if access(path + "/model.pth", F_OK) == 0 {
                weights = path + "/model.pth"
            } else {
                throw .noWeights(path: path)
            }
        } else {
            weights = path
        }
        try config.validate()
        let tensors = weights.hasSuffix(".safetensors") ? try SafeTensors.read(path: weights) : try TorchCheckpoint.read(path: weights)
        try check(tensors, against: config, checkValues: checkValues)
        return Loaded(config: config, tensors: tensors, weightsPath: weights)
    }

    /// Reads a config.json (at most 1 MB).
    public static func readConfig(path: String) throws(ModelError) -> ModelConfig {
        let file = try MappedFile(path: path)
        guard file.bytes.count <= 1 << 20 else { throw .badConfigFile(path: path, reason: "larger than 1 MB") }
        do {
            return try JSONDecoder().decode(ModelConfig.self, from: Data(file.bytes))
        } catch {
            throw .badConfigFile(path: path, reason: "\(error)")
        }
    }

    /// Strict check: same names, same shapes, and (with `checkValues`) finite values.
    public static func check(_ tensors: [String: Tensor], against config: ModelConfig, checkValues: Bool = true) throws(ModelError) {
        let expected = Architecture.tensors(for: config)
        for (name, shape) in expected {
            guard let tensor = tensors[name] else { throw .missingTensor(name) }
            guard tensor.shape == shape else { throw .wrongShape(tensor: name, expected: shape, found: tensor.shape) }
            if checkValues, !tensor.values.allSatisfy({ $0.isFinite }) { throw .nonFiniteWeights(tensor: name) }
        }
        let names = Set(expected.map(\.name))
        if let extra = tensors.keys.sorted().first(where: { !names.contains($0) }) { throw .unexpectedTensor(extra) }
    }
}
