extension SRTPMasterKey {
    /// Reads the base64 of key || salt (40 characters), as SDES writes it after `inline:` (RFC 4568
    /// §6.1; strip the `inline:` prefix and any `|lifetime|MKI` first) and as ffmpeg's
    /// `-srtp_out_params` takes it.
    public init(base64 text: String) throws(SRTPKeyError) {
        let bytes = try Self.decodeBase64(text)
        guard bytes.count == Self.encodedLength else {
            throw .wrongLength(what: "inline key", got: bytes.count, expected: Self.encodedLength)
        }
        try self.init(key: Array(bytes[..<Self.keyLength]), salt: Array(bytes[Self.keyLength...]))
    }

    /// key || salt in base64: 40 characters, never padded since 30 bytes are ten 3-byte groups.
    public var base64: String { Self.encodeBase64(key + salt) }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// The 6-bit value of one RFC 4648 base64 character.
    private static func sextet(_ c: UInt8) -> UInt32? {
        switch c {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): UInt32(c - UInt8(ascii: "A"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): UInt32(c - UInt8(ascii: "a")) + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(c - UInt8(ascii: "0")) + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }

    /// Strict decoding: standard alphabet, at most two trailing `=` (then the length is a multiple of
    /// 4), and unused low bits of the last character zero, so each key has exactly one spelling.
    static func decodeBase64(_ text: String) throws(SRTPKeyError) -> [UInt8] {
        let chars = Array(text.utf8)
        var end = chars.count
        while end > 0, chars.count - end < 2, chars[end - 1] == UInt8(ascii: "=") { end -= 1 }
        // One leftover character carries only 6 bits: not a whole byte.
        guard end % 4 != 1 else { throw .invalidBase64(offset: end - 1) }
        guard end == chars.count || chars.count % 4 == 0 else { throw .invalidBase64(offset: end) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(end / 4 * 3 + 2)
        var accumulator: UInt32 = 0
        var bits = 0
        for offset in 0..<end {
            guard let value = sextet(chars[offset]) else { throw .invalidBase64(offset: offset) }
            accumulator = accumulator << 6 | value  // `<<` drops the bits already emitted.
            bits += 6
            if bits >= 8 {
                bits -= 8
                bytes.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        guard accumulator & ((1 << UInt32(bits)) - 1) == 0 else { throw .invalidBase64(offset: end - 1) }
        return bytes
    }

    /// Standard base64 with `=` padding.
    static func encodeBase64(_ bytes: [UInt8]) -> String {
        var text: [UInt8] = []
        text.reserveCapacity((bytes.count + 2) / 3 * 4)
        var start = 0
        while start < bytes.count {
            let count = min(3, bytes.count - start)
            var group: UInt32 = 0
            for i in 0..<3 { group = group << 8 | (i < count ? UInt32(bytes[start + i]) : 0) }
            // `count` bytes fill `count + 1` characters; the rest of the quartet is padding.
            for i in 0..<4 { text.append(i <= count ? alphabet[Int(group >> UInt32(18 - 6 * i) & 63)] : UInt8(ascii: "=")) }
            start += 3
        }
        return String(decoding: text, as: UTF8.self)
    }
}
