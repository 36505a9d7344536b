#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension SafeTensors {
    /// Reads the tensors of the file at `path` that `include` accepts, validating the header
    /// against the file as `read(path:)` does. Entries not included are neither converted nor
    /// checked for their dtype: a BERT checkpoint's int64 `position_ids` buffer can be skipped.
    static func read(path: String, including include: (String) -> Bool) throws(ModelError) -> [String: Tensor] {
        let file = try MappedFile(path: path)
        let bytes = file.bytes
        func fail(_ reason: String) -> ModelError { .badSafetensors(path: path, reason: reason) }
        guard bytes.count >= 8 else { throw fail("file is \(bytes.count) bytes, shorter than the 8-byte header length") }
        let headerLength = file.uint(at: 0, width: 8)
        guard headerLength <= UInt64(maxHeaderBytes) else {
            throw fail("header length \(headerLength) exceeds the \(maxHeaderBytes)-byte limit")
        }
        guard 8 + Int(headerLength) <= bytes.count else {
            throw fail("header length \(headerLength) runs past the end of the \(bytes.count)-byte file")
        }
        let dataStart = 8 + Int(headerLength)
        let header: [String: Entry]
        do {
            header = try JSONDecoder().decode(Header.self, from: Data(bytes[8..<dataStart])).entries
        } catch {
            throw fail("header is not the expected JSON: \(error)")
        }
        let dataLength = bytes.count - dataStart
        var tensors: [String: Tensor] = [:]
        for (name, entry) in header where include(name) {
            guard let dtype = TensorDType(rawValue: entry.dtype) else { throw .unsupportedDType(tensor: name, dtype: entry.dtype) }
            guard entry.shape.allSatisfy({ $0 >= 0 }), entry.dataOffsets.count == 2 else {
                throw fail("tensor '\(name)' has a negative dimension or malformed data_offsets")
            }
            let (count, overflow) = entry.shape.reduce((1, false)) { acc, d in
                let (p, o) = acc.0.multipliedReportingOverflow(by: d)
                return (p, acc.1 || o)
            }
            let (size, sizeOverflow) = count.multipliedReportingOverflow(by: dtype.size)
            let begin = entry.dataOffsets[0]
            let end = entry.dataOffsets[1]
            guard !overflow, !sizeOverflow, begin >= 0, end >= begin, end <= dataLength else {
                throw fail("tensor '\(name)' data_offsets [\(begin), \(end)] fall outside the \(dataLength) data bytes")
            }
            guard end - begin == size else {
                throw fail("tensor '\(name)' has \(end - begin) bytes, its shape \(entry.shape) of \(entry.dtype) needs \(size)")
            }
            tensors[name] = Tensor(shape: entry.shape, values: dtype.widen(bytes.baseAddress! + dataStart + begin, count: count))
        }
        return tensors
    }
}
