import Foundation

/// A `multipart/form-data` body (RFC 7578) split into its parts: bounded, linear, and strict
/// enough to refuse what it cannot read with a clear reason. Plain logic over bytes.
public struct Multipart {
    /// One part.
    public struct Part: Equatable, Sendable {
        /// The `name` of its Content-Disposition.
        public var name: String
        /// Its `filename`, for a file.
        public var filename: String?
        /// Its Content-Type.
        public var contentType: String?
        /// Its bytes.
        public var body: [UInt8]
    }

    /// Most parts read.
    public static let maxParts = 32
    /// Largest header block of a part.
    public static let maxHeaderBytes = 8192

    /// Why a body could not be split.
    public struct Failure: Error, Equatable, Sendable {
        /// What is wrong, in one line.
        public var reason: String
    }

    /// The boundary of a `multipart/form-data; boundary=...` content type, nil for others.
    public static func boundary(_ contentType: String) -> String? {
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.first?.lowercased() == "multipart/form-data" else { return nil }
        for p in parts.dropFirst() where p.lowercased().hasPrefix("boundary=") {
            var b = String(p.dropFirst("boundary=".count))
            if b.hasPrefix("\""), b.hasSuffix("\""), b.count >= 2 { b = String(b.dropFirst().dropLast()) }
            return (1...70).contains(b.utf8.count) ? b : nil
        }
        return nil
    }

    /// The parts of `body`.
    public static func parts(_ body: [UInt8], boundary: String) throws(Failure) -> [Part] {
        let dash = Array(("--" + boundary).utf8)
        let delimiter = Array(("\r\n--" + boundary).utf8)
        guard body.starts(with: dash) else { throw Failure(reason: "the body does not start with the boundary") }
        var i = dash.count
        var out: [Part] = []
        while true {
            // After a boundary: "--" ends the body, CRLF starts a part.
            if i + 2 <= body.count, body[i] == 0x2D, body[i + 1] == 0x2D { return out }
            guard i + 2 <= body.count, body[i] == 0x0D, body[i + 1] == 0x0A else {
                throw Failure(reason: "a boundary is not followed by CRLF")
            }
            i += 2
            guard let headerEnd = find(Array("\r\n\r\n".utf8), in: body, from: i, limit: maxHeaderBytes) else {
                throw Failure(reason: "a part's headers do not end (or exceed \(maxHeaderBytes) bytes)")
            }
            let headers = String(decoding: body[i..<headerEnd], as: UTF8.self)
            guard let end = find(delimiter, in: body, from: headerEnd + 4, limit: nil) else {
                throw Failure(reason: "a part is not closed by the boundary")
            }
            var part = Part(name: "", filename: nil, contentType: nil, body: Array(body[(headerEnd + 4)..<end]))
            for line in headers.split(separator: "\r\n") {
                let pair = line.split(separator: ":", maxSplits: 1)
                guard pair.count == 2 else { continue }
                let key = pair[0].trimmingCharacters(in: .whitespaces).lowercased()
                let value = pair[1].trimmingCharacters(in: .whitespaces)
                if key == "content-type" { part.contentType = value }
                if key == "content-disposition" {
                    part.name = parameter("name", in: value) ?? ""
                    part.filename = parameter("filename", in: value)
                }
            }
            out.append(part)
            guard out.count <= maxParts else { throw Failure(reason: "more than \(maxParts) parts") }
            i = end + delimiter.count
        }
    }

    /// The value of parameter `name` in a header value such as `form-data; name="file"`.
    public static func parameter(_ name: String, in value: String) -> String? {
        for p in value.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            let kv = p.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, kv[0].lowercased() == name else { continue }
            var v = String(kv[1])
            if v.hasPrefix("\""), v.hasSuffix("\""), v.count >= 2 { v = String(v.dropFirst().dropLast()) }
            return v
        }
        return nil
    }

    /// First index of `needle` in `hay` at or after `from` (within `limit` bytes when given).
    public static func find(_ needle: [UInt8], in hay: [UInt8], from: Int, limit: Int?) -> Int? {
        guard let first = needle.first, hay.count >= needle.count else { return nil }
        let last = min(hay.count - needle.count, limit.map { from + $0 } ?? Int.max)
        var i = from
        while i <= last {
            if hay[i] == first {
                var j = 1
                while j < needle.count && hay[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}
