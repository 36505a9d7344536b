import FuzzSupport
import VoxModel

/// `SafeTensors.read(path:)` (8-byte length, JSON header, offsets checked against the file) on the
/// input as a whole file. Its only public entry point takes a path, so the input goes through a
/// scratch file in /dev/shm. Checks that every tensor read has as many values as its shape says.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafetensors(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let tensors = withScratchFile(UnsafeRawBufferPointer(start: data, count: size)) { try? SafeTensors.read(path: $0) }
    for (name, tensor) in tensors ?? [:] {
        precondition(tensor.values.count == tensor.shape.reduce(1, *), "tensor '\(name)'")
    }
    return 0
}
