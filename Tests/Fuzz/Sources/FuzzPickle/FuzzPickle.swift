import FuzzSupport
@testable import VoxModel

/// The restricted state_dict unpickler on the input as the bytes of `data.pkl`, with no zip
/// around it (the type is internal: the fuzz build passes `-enable-testing`). Every opcode,
/// global and shape it does not know must throw; a tensor reference must have one stride per
/// dimension.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPickle(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let pickle = UnsafeRawBufferPointer(start: data, count: size)
    for (name, reference) in (try? StateDictUnpickler(data: pickle, path: "fuzz.pth").stateDict()) ?? [] {
        precondition(reference.shape.count == reference.stride.count, "tensor '\(name)'")
    }
    return 0
}
