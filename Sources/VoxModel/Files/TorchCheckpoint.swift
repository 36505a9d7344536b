/// Reads a PyTorch `torch.save` checkpoint of a plain state_dict directly, without Python: a zip
/// holding `<name>/data.pkl` (the pickle, parsed by `StateDictUnpickler`, which runs no code) and
/// `<name>/data/<key>` (raw little-endian storages). Only float32/16 and bfloat16 tensors are
/// accepted, and every view must lie inside its storage.
public enum TorchCheckpoint {
    /// Largest data.pkl accepted (a state_dict's pickle is tens of kilobytes).
    public static let maxPickleBytes = 64 << 20

    /// Every tensor of the checkpoint at `path`, widened to float32.
    public static func read(path: String) throws(ModelError) -> [String: Tensor] {
        let file = try MappedFile(path: path)
        let archive = try ZipArchive(file) { .badCheckpoint(path: path, reason: $0) }
        guard let pickleName = archive.names.first(where: { $0.hasSuffix("/data.pkl") && !$0.dropLast(9).contains("/") }),
            let pickle = archive.entries[pickleName]
        else { throw .badCheckpoint(path: path, reason: "no <name>/data.pkl entry (not a torch.save zip)") }
        guard pickle.size <= maxPickleBytes else {
            throw .badCheckpoint(path: path, reason: "data.pkl is \(pickle.size) bytes, over the \(maxPickleBytes) limit")
        }
        let prefix = String(pickleName.dropLast("data.pkl".count))
        let bytes = UnsafeRawBufferPointer(rebasing: file.bytes[pickle.dataOffset..<(pickle.dataOffset + pickle.size)])
        let references = try StateDictUnpickler(data: bytes, path: path).stateDict()
        var tensors: [String: Tensor] = [:]
        for (name, reference) in references {
            guard let dtype = TensorDType(rawValue: reference.dtype) else {
                throw .unsupportedDType(tensor: name, dtype: reference.dtype)
            }
            guard let storage = archive.entries[prefix + "data/" + reference.storageKey] else {
                throw .badCheckpoint(path: path, reason: "tensor '\(name)': storage '\(reference.storageKey)' is not in the archive")
            }
            guard storage.size == reference.storageElements * dtype.size else {
                throw .badCheckpoint(
                    path: path,
                    reason:
                        "tensor '\(name)': storage holds \(storage.size) bytes, not \(reference.storageElements) \(dtype.rawValue) values")
            }
            // Only C-contiguous views (what state_dicts hold); the view must fit its storage.
            let count = reference.shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }
            var expectedStride = 1
            for (size, stride) in zip(reference.shape, reference.stride).reversed() {
                guard size == 1 || stride == expectedStride else {
                    throw .badCheckpoint(path: path, reason: "tensor '\(name)' is not contiguous (stride \(reference.stride))")
                }
                expectedStride *= size
            }
            guard count != Int.max, reference.offset + count <= reference.storageElements else {
                throw .badCheckpoint(path: path, reason: "tensor '\(name)' reaches past the end of its storage")
            }
            let start = file.bytes.baseAddress! + storage.dataOffset + reference.offset * dtype.size
            tensors[name] = Tensor(shape: reference.shape, values: dtype.widen(start, count: count))
        }
        return tensors
    }
}
