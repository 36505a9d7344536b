import VoxCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The face model that ships in the package (Sources/VoxModel/DefaultModel: config.json +
/// model.safetensors, trained by Tools/train/): what `voxface serve` and `voxface process` run
/// when no model is given.
///
/// It is found, in order: in the SwiftPM resource folder next to the running executable
/// (`voxface_VoxModel.resources/DefaultModel`, where `swift build` puts it), in
/// `../share/voxface/default-model` beside the executable (an installed layout), and in the
/// source tree this file was compiled from (a binary copied elsewhere, while the checkout exists).
public enum DefaultModel {
    /// A short name for logs and the API.
    public static let name = "default model (Voxface, trained on synthetic speech; Tools/train)"

    /// The folders searched, in order.
    public static var candidates: [String] {
        var result: [String] = []
        if let directory = ExecutablePath.directory() {
            result.append(directory + "/voxface_VoxModel.resources/DefaultModel")
            result.append(directory + "/../share/voxface/default-model")
        }
        result.append(sourceDirectory() + "/../DefaultModel")
        return result
    }

    /// The first candidate folder that holds both files, if any.
    public static func locate() -> String? {
        candidates.first { access($0 + "/config.json", R_OK) == 0 && access($0 + "/model.safetensors", R_OK) == 0 }
    }

    /// Loads the shipped model; `.noDefaultModel` when no candidate folder holds it.
    public static func load() throws(ModelError) -> FaceModel {
        guard let path = locate() else { throw .noDefaultModel(searched: candidates) }
        let loaded = try ModelLoader.load(path: path, checkValues: false)  // FaceModel checks while laying out
        return try FaceModel(config: loaded.config, tensors: loaded.tensors)
    }

    private static func sourceDirectory(file: String = #filePath) -> String {
        guard let slash = file.lastIndex(of: "/") else { return "." }
        return String(file[..<slash])
    }
}
