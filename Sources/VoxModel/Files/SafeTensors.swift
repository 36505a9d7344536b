#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Reading and writing the safetensors format: an 8-byte little-endian header length, a JSON
/// header `{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}`, then
/// the raw little-endian tensor data. F32, F16 and BF16 tensors are read (widened to F32).
public enum SafeTensors {
    /// Largest header accepted (the format's own limit is 100 MB).
    public static let maxHeaderBytes = 100_000_000

    /// Reads every tensor of the file at `path`, validating the header against the file.
    public static func read(path: String) throws(ModelError) -> [String: Tensor] {
        try read(path: path, including: { _ in true })
    }

    /// Reads the tensors of the file at `path` that `include` accepts, validating the header
    /// against the file. Entries not included are neither converted nor
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

    /// Encodes tensors as a safetensors file (F32, names sorted, 8-byte aligned data).
    public static func encode(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:]) -> [UInt8] {
        var offset = 0
        var fields: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key < $1.key }.map { "\(jsonString($0.key)):\(jsonString($0.value))" }
            fields.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        for (name, tensor) in tensors {
            let size = tensor.values.count * 4
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            fields.append("\(jsonString(name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + size)]}")
            offset += size
        }
        var header = Array(("{" + fields.joined(separator: ",") + "}").utf8)
        while (8 + header.count) % 8 != 0 { header.append(UInt8(ascii: " ")) }
        var bytes = [UInt8]()
        bytes.reserveCapacity(8 + header.count + offset)
        let length = UInt64(header.count)
        for i in 0..<8 { bytes.append(UInt8((length >> (8 * UInt64(i))) & 0xFF)) }
        bytes += header
        var cursor = bytes.count
        bytes += repeatElement(0, count: offset)
        bytes.withUnsafeMutableBytes { raw in
            for (_, tensor) in tensors {
                for value in tensor.values {
                    raw.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: cursor, as: UInt32.self)
                    cursor += 4
                }
            }
        }
        return bytes
    }

    private static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    struct Entry: Decodable {
        let dtype: String
        let shape: [Int]
        let dataOffsets: [Int]
        enum CodingKeys: String, CodingKey {
            case dtype, shape
            case dataOffsets = "data_offsets"
        }
    }

    /// The header: every key but `__metadata__` is a tensor entry.
    struct Header: Decodable {
        let entries: [String: Entry]

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            var entries: [String: Entry] = [:]
            for key in container.allKeys where key.stringValue != "__metadata__" {
                entries[key.stringValue] = try container.decode(Entry.self, forKey: key)
            }
            self.entries = entries
        }
    }
}
