/// Reading and writing NumPy `.npy` files (format versions 1.0 to 3.0) for 2-D matrices.
///
/// Writes version 1.0, little-endian float32 (`<f4`), C order, which `numpy.load` reads.
/// Reads `<f4` and `<f8` 2-D C-order arrays; anything else is a `NumPyFormatError`.
public enum NumPyFormat {
    private static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY
    /// Largest header accepted when reading, in bytes (numpy itself caps headers at 10 000).
    public static let maxHeaderBytes = 65_536

    /// Encodes `matrix` as a complete `.npy` file.
    public static func encode(_ matrix: FeatureMatrix) -> [UInt8] {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(matrix.rows), \(matrix.columns)), }"
        // Pad with spaces so that magic(6) + version(2) + length(2) + header + '\n' is a multiple of 64.
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var bytes = magic + [1, 0]
        let length = UInt16(header.utf8.count)
        bytes += [UInt8(length & 0xFF), UInt8(length >> 8)]
        bytes += Array(header.utf8)
        let headerCount = bytes.count
        bytes += repeatElement(0, count: matrix.values.count * 4)
        bytes.withUnsafeMutableBytes { raw in
            for (i, value) in matrix.values.enumerated() {
                raw.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: headerCount + 4 * i, as: UInt32.self)
            }
        }
        return bytes
    }

    /// Decodes a `.npy` file holding a 2-D `<f4` or `<f8` C-order array (a 1-D array becomes one column).
    public static func decode(_ bytes: [UInt8]) throws(NumPyFormatError) -> FeatureMatrix {
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else { throw .notNumPy }
        let major = bytes[6]
        let headerLength: Int
        let headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw .truncated }
            headerLength = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
            headerStart = 12
        default:
            throw .unsupportedVersion(Int(major))
        }
        guard headerLength <= maxHeaderBytes, headerStart + headerLength <= bytes.count else {
            throw .truncated
        }
        let header = String(decoding: bytes[headerStart..<headerStart + headerLength], as: UTF8.self)
        let wordSize: Int
        if header.contains("'<f4'") {
            wordSize = 4
        } else if header.contains("'<f8'") {
            wordSize = 8
        } else {
            throw .unsupportedHeader(header.trimmingSpaces)
        }
        guard header.contains("'fortran_order': False") else { throw .unsupportedHeader(header.trimmingSpaces) }
        let shape = try parseShape(header)
        let rows = shape[0]
        let columns = shape.count == 2 ? shape[1] : 1
        let (count, overflow) = rows.multipliedReportingOverflow(by: columns)
        guard !overflow, columns > 0 else { throw .unsupportedHeader(header.trimmingSpaces) }
        let dataStart = headerStart + headerLength
        guard bytes.count - dataStart >= count * wordSize else { throw .truncated }
        var values = [Float](repeating: 0, count: count)
        bytes.withUnsafeBytes { raw in
            for i in 0..<count {
                let offset = dataStart + i * wordSize
                if wordSize == 4 {
                    values[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                } else {
                    values[i] = Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))))
                }
            }
        }
        return FeatureMatrix(columns: columns, values: values)
    }

    private static func parseShape(_ header: String) throws(NumPyFormatError) -> [Int] {
        let key = Array("'shape': (".utf8)
        let utf8 = Array(header.utf8)
        guard
            let keyStart = (0...max(0, utf8.count - key.count)).first(where: {
                utf8[$0..<min($0 + key.count, utf8.count)].elementsEqual(key)
            }),
            let close = utf8[(keyStart + key.count)...].firstIndex(of: UInt8(ascii: ")"))
        else { throw .unsupportedHeader(header.trimmingSpaces) }
        let inside = String(decoding: utf8[(keyStart + key.count)..<close], as: UTF8.self)
        let dims = inside.split(separator: ",").map {
            Int($0.filter { !$0.isWhitespace })
        }
        guard (1...2).contains(dims.count), dims.allSatisfy({ $0 != nil && $0! >= 0 }) else {
            throw .unsupportedHeader(header.trimmingSpaces)
        }
        return dims.map { $0! }
    }
}

/// Why a `.npy` file could not be read.
public enum NumPyFormatError: Error, Equatable, CustomStringConvertible {
    /// The bytes do not start with the NumPy magic string.
    case notNumPy
    /// The file ends before its header or data do.
    case truncated
    /// A format version other than 1, 2 or 3.
    case unsupportedVersion(Int)
    /// A dtype, order or shape this reader does not handle.
    case unsupportedHeader(String)

    /// One line for the user.
    public var description: String {
        switch self {
        case .notNumPy: "not a NumPy .npy file"
        case .truncated: "truncated .npy file"
        case .unsupportedVersion(let v): "unsupported .npy format version \(v)"
        case .unsupportedHeader(let h): "unsupported .npy header \(h) (want 1-D or 2-D <f4/<f8, C order)"
        }
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        String(self.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
