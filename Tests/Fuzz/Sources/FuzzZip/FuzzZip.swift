import FuzzSupport
import VoxModel

/// `TorchCheckpoint.read(path:)` on the input as a whole file: the zip reader (EOCD search,
/// zip64 records, central directory, local headers), then the unpickler and the storage views
/// when the archive holds a `<name>/data.pkl`. Its only public entry point takes a path, so the
/// input goes through a scratch file in /dev/shm. Checks tensor sizes against their shapes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzZip(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let tensors = withScratchFile(UnsafeRawBufferPointer(start: data, count: size)) { try? TorchCheckpoint.read(path: $0) }
    for (name, tensor) in tensors ?? [:] {
        precondition(tensor.values.count == tensor.shape.reduce(1, *), "tensor '\(name)'")
    }
    return 0
}
