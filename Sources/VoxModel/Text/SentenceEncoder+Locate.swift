import VoxCore

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension SentenceEncoder {
    /// The environment variable naming a model folder; when set, no other folder is searched.
    public static let environmentVariable = "VOXFACE_TEXT_MODEL"

    /// The folders `findDefault` tries, in order: `$VOXFACE_TEXT_MODEL` alone when set; else
    /// `.build/models/all-MiniLM-L6-v2` under the current directory (where `Tools/fetch-minilm.sh`
    /// puts it), then `../models/all-MiniLM-L6-v2` beside the running executable (which lives in
    /// `.build/release` or `.build/debug`).
    public static func candidates(environment: [String: String] = ProcessInfo.processInfo.environment) -> [URL] {
        if let chosen = environment[environmentVariable], !chosen.isEmpty {
            return [URL(fileURLWithPath: chosen)]
        }
        var result = [
            URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".build/models/\(defaultModelName)")
        ]
        if let executable = ExecutablePath.directory() {
            result.append(URL(fileURLWithPath: executable).appendingPathComponent("../models/\(defaultModelName)").standardizedFileURL)
        }
        return result
    }

    /// The first of `candidates` holding config.json, model.safetensors and vocab.txt, if any.
    public static func findDefault(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        candidates(environment: environment).first { folder in
            ["config.json", "model.safetensors", "vocab.txt"].allSatisfy { access(folder.path + "/" + $0, R_OK) == 0 }
        }
    }
}
