import CCrypto

/// The master key and master salt of the SRTP suite AES_CM_128_HMAC_SHA1_80 (RFC 3711 §8.2).
///
/// SDES (RFC 4568 §6.1) and ffmpeg's `-srtp_out_params`/`-srtp_in_params` carry it as the base64
/// of the 16 key bytes followed by the 14 salt bytes. `description` never prints the secret.
public struct SRTPMasterKey: Sendable, Equatable, CustomStringConvertible {
    /// Bytes of the AES-128 master key.
    public static let keyLength = 16
    /// Bytes of the master salt (112 bits).
    public static let saltLength = 14
    /// Bytes of key and salt together, as SDES encodes them.
    public static let encodedLength = keyLength + saltLength

    /// The master key.
    public let key: [UInt8]
    /// The master salt.
    public let salt: [UInt8]

    /// Wraps a key and a salt of the right lengths.
    public init(key: [UInt8], salt: [UInt8]) throws(SRTPKeyError) {
        guard key.count == Self.keyLength else { throw .wrongLength(what: "master key", got: key.count, expected: Self.keyLength) }
        guard salt.count == Self.saltLength else {
            throw .wrongLength(what: "master salt", got: salt.count, expected: Self.saltLength)
        }
        self.key = key
        self.salt = salt
    }

    /// A fresh key and salt from OpenSSL's CSPRNG (`RAND_bytes`).
    public static func random() throws(SRTPKeyError) -> SRTPMasterKey {
        var bytes = [UInt8](repeating: 0, count: encodedLength)
        let status = bytes.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32($0.count)) }
        guard status == 1 else { throw .openSSL("RAND_bytes") }
        return try SRTPMasterKey(key: Array(bytes[..<keyLength]), salt: Array(bytes[keyLength...]))
    }

    /// The three SRTP session keys (RFC 3711 §4.3.1 with key derivation rate 0: derived once).
    public func sessionKeys() throws(SRTPKeyError) -> SRTPSessionKeys {
        let prf = try AESCounterMode(key: key)
        func derive(label: UInt8, count: Int) throws(SRTPKeyError) -> [UInt8] {
            // x = (label || r) XOR master salt with r = 0 (rate 0): the label lands on salt byte 7,
            // the first of the 7-byte key_id right-aligned in the 14-byte salt; IV = x * 2^16.
            var iv = salt + [0, 0]
            iv[7] ^= label
            var stream = [UInt8](repeating: 0, count: count)
            let ok = iv.withUnsafeBytes { iv in
                stream.withUnsafeMutableBytes { prf.apply(iv: iv, input: UnsafeRawBufferPointer($0), output: $0) }
            }
            guard ok else { throw .openSSL("EVP_EncryptUpdate") }
            return stream
        }
        return try SRTPSessionKeys(
            encryptionKey: derive(label: 0, count: SRTPSessionKeys.encryptionKeyLength),
            authenticationKey: derive(label: 1, count: SRTPSessionKeys.authenticationKeyLength),
            salt: derive(label: 2, count: SRTPSessionKeys.saltLength))
    }

    /// Redacted: keys must never reach a log.
    public var description: String { "SRTPMasterKey(<redacted>)" }
}

/// The session keys one SRTP context works with (RFC 3711 §4.3, labels 0, 1 and 2; SRTCP's are not derived).
public struct SRTPSessionKeys: Sendable, Equatable, CustomStringConvertible {
    /// Bytes of the AES-128 session encryption key.
    public static let encryptionKeyLength = 16
    /// Bytes of the HMAC-SHA1 session authentication key (n_a = 160 bits).
    public static let authenticationKeyLength = 20
    /// Bytes of the session salt (112 bits).
    public static let saltLength = 14

    /// k_e, the AES key of the payload keystream.
    public let encryptionKey: [UInt8]
    /// k_a, the HMAC-SHA1 key of the authentication tag.
    public let authenticationKey: [UInt8]
    /// k_s, mixed into every packet's counter block.
    public let salt: [UInt8]

    /// Wraps session keys given directly (RFC 3711 Appendix B.2 gives them this way).
    public init(encryptionKey: [UInt8], authenticationKey: [UInt8], salt: [UInt8]) throws(SRTPKeyError) {
        guard encryptionKey.count == Self.encryptionKeyLength else {
            throw .wrongLength(what: "session encryption key", got: encryptionKey.count, expected: Self.encryptionKeyLength)
        }
        guard authenticationKey.count == Self.authenticationKeyLength else {
            throw .wrongLength(what: "session authentication key", got: authenticationKey.count, expected: Self.authenticationKeyLength)
        }
        guard salt.count == Self.saltLength else {
            throw .wrongLength(what: "session salt", got: salt.count, expected: Self.saltLength)
        }
        self.encryptionKey = encryptionKey
        self.authenticationKey = authenticationKey
        self.salt = salt
    }

    /// Redacted: keys must never reach a log.
    public var description: String { "SRTPSessionKeys(<redacted>)" }
}

/// Why SRTP keying material could not be read or set up.
public enum SRTPKeyError: Error, Equatable, CustomStringConvertible {
    /// The text is not base64 (RFC 4648 alphabet); `offset` is the first offending character.
    case invalidBase64(offset: Int)
    /// A key, salt or decoded inline key has the wrong number of bytes.
    case wrongLength(what: String, got: Int, expected: Int)
    /// An OpenSSL call failed (out of memory, or a libcrypto without AES-CTR/HMAC); names the call.
    case openSSL(String)

    /// One line for logs.
    public var description: String {
        switch self {
        case .invalidBase64(let offset): "SRTP key is not valid base64 (character \(offset))"
        case .wrongLength(let what, let got, let expected): "SRTP \(what) has \(got) bytes, expected \(expected)"
        case .openSSL(let call): "OpenSSL \(call) failed"
        }
    }
}
