/// Why a model cannot be loaded or run. Every case names what is wrong; `description` is one line.
public enum ModelError: Error, Equatable, CustomStringConvertible {
    /// The path does not exist or cannot be read.
    case unreadable(path: String, reason: String)
    /// A folder without model.safetensors or model.pth.
    case noWeights(path: String)
    /// The shipped default model was not found in any of the searched folders.
    case noDefaultModel(searched: [String])
    /// config.json is not valid JSON of the expected shape.
    case badConfigFile(path: String, reason: String)
    /// The numbers in the config cannot describe a runnable model.
    case invalidConfig(String)
    /// The file is not a valid safetensors file.
    case badSafetensors(path: String, reason: String)
    /// The file is not a valid PyTorch zip checkpoint.
    case badCheckpoint(path: String, reason: String)
    /// The checkpoint's pickle asks for something a plain state_dict never needs.
    case forbiddenPickle(path: String, reason: String)
    /// A tensor's element type is not float32, float16 or bfloat16.
    case unsupportedDType(tensor: String, dtype: String)
    /// A tensor the architecture needs is absent.
    case missingTensor(String)
    /// A tensor the architecture does not have.
    case unexpectedTensor(String)
    /// A tensor's shape differs from the config's.
    case wrongShape(tensor: String, expected: [Int], found: [Int])
    /// A tensor holds NaN or infinity.
    case nonFiniteWeights(tensor: String)
    /// OpenBLAS could not be loaded.
    case blasUnavailable(String)
    /// A window's input has the wrong width or length.
    case badInput(String)

    /// One line for the user.
    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "\(path): cannot read model: \(reason)"
        case .noWeights(let path): "\(path): no model.safetensors or model.pth in this folder"
        case .noDefaultModel(let searched):
            "the default model (config.json + model.safetensors) was not found; searched: \(searched.joined(separator: ", ")); give --model"
        case .badConfigFile(let path, let reason): "\(path): invalid config.json: \(reason)"
        case .invalidConfig(let reason): "invalid model config: \(reason)"
        case .badSafetensors(let path, let reason): "\(path): invalid safetensors file: \(reason)"
        case .badCheckpoint(let path, let reason): "\(path): invalid PyTorch checkpoint: \(reason)"
        case .forbiddenPickle(let path, let reason): "\(path): refused: \(reason) (only plain state_dicts are loaded)"
        case .unsupportedDType(let tensor, let dtype): "tensor '\(tensor)': unsupported dtype \(dtype) (want F32, F16 or BF16)"
        case .missingTensor(let name): "tensor '\(name)' is missing"
        case .unexpectedTensor(let name): "unexpected tensor '\(name)'"
        case .wrongShape(let tensor, let expected, let found):
            "tensor '\(tensor)' has wrong shape: expected \(expected), found \(found)"
        case .nonFiniteWeights(let tensor): "tensor '\(tensor)' holds NaN or infinite values"
        case .blasUnavailable(let reason): "OpenBLAS unavailable: \(reason)"
        case .badInput(let reason): "bad model input: \(reason)"
        }
    }
}
