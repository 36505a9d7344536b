import CCrypto
import FoundationEssentials

/// Who a request comes from.
public enum Principal: Sendable, Equatable, CustomStringConvertible {
    /// May manage everything.
    case admin
    /// May create and use streams.
    case client
    /// Owns the avatars and profiles created with its key (their `owner` is the name); may also
    /// create streams and bind them to its own avatars and profiles.
    case user(String)

    /// Role name, for messages and logs.
    public var description: String {
        switch self {
        case .admin: "admin"
        case .client: "client"
        case .user(let name): "user \(name)"
        }
    }
}

/// The API keys of `--api-key-file`: one per line, `admin KEY`, `client KEY` or `user NAME KEY`;
/// `#` starts a comment; blank lines are skipped. Keys are 16-256 characters of letters, digits
/// and `-._~+/=`; names 1-128 characters of letters, digits and `-._@`. Keys are held as SHA-256
/// digests, so a lookup does not compare secrets byte by byte.
public struct APIKeys: Sendable {
    /// Largest key file, bytes.
    public static let maxFileBytes = 1 << 20
    /// Most keys.
    public static let maxKeys = 10_000

    private let principals: [Digest: Principal]

    /// Keys in the file.
    public var count: Int { principals.count }

    /// Reads a key file; the error is one line naming the file and the line.
    public static func load(path: String) throws(KeyFileError) -> APIKeys {
        guard let data = FileManager.default.contents(atPath: path) else { throw KeyFileError("cannot read the key file \(path)") }
        guard data.count <= maxFileBytes else { throw KeyFileError("the key file \(path) is over \(maxFileBytes) bytes") }
        guard let text = String(data: data, encoding: .utf8) else { throw KeyFileError("the key file \(path) is not UTF-8") }
        return try parse(text, source: path)
    }

    /// Parses a key file's text.
    public static func parse(_ text: String, source: String = "key file") throws(KeyFileError) -> APIKeys {
        var principals: [Digest: Principal] = [:]
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            guard !fields.isEmpty else { continue }
            func fail(_ why: String) -> KeyFileError { KeyFileError("\(source) line \(number + 1): \(why)") }
            let principal: Principal
            let key: String
            switch (fields[0], fields.count) {
            case ("admin", 2): (principal, key) = (.admin, fields[1])
            case ("client", 2): (principal, key) = (.client, fields[1])
            case ("user", 3):
                guard isName(fields[1]) else { throw fail("a user name is 1-128 characters of letters, digits and -._@") }
                (principal, key) = (.user(fields[1]), fields[2])
            default: throw fail("expected 'admin KEY', 'client KEY' or 'user NAME KEY'")
            }
            guard isKey(key) else { throw fail("a key is 16-256 characters of letters, digits and -._~+/=") }
            let digest = Digest(key)
            guard principals[digest] == nil else { throw fail("this key is already listed") }
            principals[digest] = principal
            guard principals.count <= maxKeys else { throw fail("more than \(maxKeys) keys") }
        }
        guard !principals.isEmpty else { throw KeyFileError("\(source) holds no keys") }
        return APIKeys(principals: principals)
    }

    /// The principal of `key`, if it is one of the keys.
    public func principal(for key: String) -> Principal? {
        guard isKey(key) else { return nil }
        return principals[Digest(key)]
    }

    private static func isKey(_ s: String) -> Bool {
        (16...256).contains(s.utf8.count) && s.utf8.allSatisfy { c in isAlphanumeric(c) || "-._~+/=".utf8.contains(c) }
    }

    private func isKey(_ s: String) -> Bool { Self.isKey(s) }

    private static func isName(_ s: String) -> Bool {
        (1...128).contains(s.utf8.count) && s.utf8.allSatisfy { c in isAlphanumeric(c) || "-._@".utf8.contains(c) }
    }

    private static func isAlphanumeric(_ c: UInt8) -> Bool {
        (0x30...0x39).contains(c) || (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c)
    }

    /// SHA-256 of a key (libcrypto).
    private struct Digest: Hashable, Sendable {
        let bytes: [UInt8]

        init(_ key: String) {
            var out = [UInt8](repeating: 0, count: 32)
            var length: UInt32 = 0
            let bytes = Array(key.utf8)
            _ = bytes.withUnsafeBufferPointer { input in
                out.withUnsafeMutableBufferPointer { output in
                    EVP_Digest(input.baseAddress, input.count, output.baseAddress, &length, EVP_sha256(), nil)
                }
            }
            self.bytes = out
        }
    }
}

/// A key file that cannot be used: one line.
public struct KeyFileError: Error, CustomStringConvertible, Equatable {
    /// The line.
    public let description: String
    init(_ description: String) { self.description = description }
}
