import VoxModel

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// config.json as `ModelLoader.readConfig(path:)` reads it (JSONDecoder into `ModelConfig`, keys
/// missing take the released values), then `validate()`; for a valid config the derived sizes
/// (`headDim`, `parameterCount`, `flopsPerWindow`) and a `json()` round trip must not trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModelConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let config = try? JSONDecoder().decode(ModelConfig.self, from: Data(bytes: data, count: size)) else { return 0 }
    guard (try? config.validate()) != nil else { return 0 }
    _ = config.headDim
    _ = config.parameterCount
    _ = config.flopsPerWindow()
    let again = try? JSONDecoder().decode(ModelConfig.self, from: Data(config.json().utf8))
    precondition(again == config, "json() round trip")
    return 0
}
