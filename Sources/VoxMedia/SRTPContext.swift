import CCrypto

/// One direction of one SRTP stream (RFC 3711) protected with AES_CM_128_HMAC_SHA1_80: AES-128 in
/// counter mode over the payload and an 80-bit HMAC-SHA1 tag over header, payload and ROC.
///
/// One context serves one SSRC, whose rollover counter and replay window it holds: it adopts the
/// SSRC given to `init`, or else that of the first packet it authenticates, and refuses any other
/// with `.unexpectedSSRC`. A receiver calls `unprotect`, a sender `protect`; the two keep separate
/// counters, so give each direction its own context. SRTCP is not handled.
///
/// Thread safety: `~Copyable`, so it has one owner, and both operations are `mutating`, so calls
/// never overlap; it is `Sendable` so that owner may be a `Mutex` or an actor. After `init` the
/// packet path allocates nothing in Swift (OpenSSL 3.0's HMAC restart makes two small allocations).
public struct SRTPContext: ~Copyable, @unchecked Sendable {
    // Safe to be Sendable: the OpenSSL contexts are touched only from `mutating` methods, which the
    // exclusivity rules give to a single caller at a time, and `~Copyable` forbids sharing a copy.

    /// Bytes of the authentication tag (80 bits) after the encrypted payload.
    public static let tagLength = 10
    /// The smallest SRTP packet: a 12-byte RTP header and the tag.
    public static let minimumLength = SRTPHeaderLayout.fixedLength + tagLength

    private let cipher: AESCounterMode
    private let mac: HMACSHA1
    /// The session salt as the two big-endian halves of a counter block: salt × 2^16.
    private let saltHigh: UInt64
    private let saltLow: UInt64

    /// The SSRC this context serves; nil until the first packet authenticates.
    public private(set) var ssrc: UInt32?
    /// Indices of authenticated received packets (ROC, replay window).
    public private(set) var receiveWindow = SRTPReplayWindow()
    /// Indices of packets protected so far (the sender's ROC).
    public private(set) var sendWindow = SRTPReplayWindow()

    /// Derives the session keys from `masterKey` (key derivation rate 0). `ssrc` pins the source.
    public init(masterKey: SRTPMasterKey, ssrc: UInt32? = nil) throws(SRTPKeyError) {
        try self.init(sessionKeys: masterKey.sessionKeys(), ssrc: ssrc)
    }

    /// Uses session keys directly (for test vectors). `ssrc` pins the source.
    public init(sessionKeys: SRTPSessionKeys, ssrc: UInt32? = nil) throws(SRTPKeyError) {
        // Both set up before either is stored: a noncopyable field cannot be half-initialised.
        let cipher = try AESCounterMode(key: sessionKeys.encryptionKey)
        let mac = try HMACSHA1(key: sessionKeys.authenticationKey)
        self.cipher = cipher
        self.mac = mac
        let salt = sessionKeys.salt.map(UInt64.init)
        saltHigh = (0..<8).reduce(0) { $0 << 8 | salt[$1] }
        saltLow = (8..<14).reduce(0) { $0 << 8 | salt[$1] } << 16
        self.ssrc = ssrc
    }

    /// Authenticates, replay-checks and decrypts one SRTP packet, writing the plain RTP packet
    /// (header and payload, without the tag) to `out` and returning its length.
    ///
    /// `out` needs `packet.count - tagLength` bytes and may be the very memory of `packet`
    /// (decryption in place), but must not partly overlap it. The ROC, the replay window and the
    /// SSRC change only once the tag has been verified.
    public mutating func unprotect(_ packet: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) throws(SRTPError) -> Int {
        let count = packet.count
        guard count >= Self.minimumLength else { throw .tooShort(count) }
        let end = count - Self.tagLength
        precondition(out.count >= end, "unprotect: output buffer of \(out.count) bytes for a \(end)-byte RTP packet")
        precondition(Self.sameOrDisjoint(packet, UnsafeRawBufferPointer(out)), "unprotect: output partly overlaps input")
        let header = try SRTPHeaderLayout.parse(packet, end: end)
        if let ssrc, header.ssrc != ssrc { throw .unexpectedSSRC(header.ssrc) }
        guard let index = receiveWindow.estimate(sequence: header.sequence), receiveWindow.verdict(for: index) == .fresh else {
            throw .replayed(sequence: header.sequence)
        }

        // Tag check over header || encrypted payload || ROC, in constant time.
        var digest = Self.emptyDigest
        let authenticated = withUnsafeMutableBytes(of: &digest) { digest in
            guard tag(UnsafeRawBufferPointer(rebasing: packet[..<end]), index: index, into: digest) else { return false }
            return CRYPTO_memcmp(digest.baseAddress, packet.baseAddress! + end, Self.tagLength) == 0
        }
        guard authenticated else { throw .authenticationFailed }

        if UnsafeRawPointer(out.baseAddress) != packet.baseAddress {
            out.copyMemory(from: UnsafeRawBufferPointer(rebasing: packet[..<header.length]))
        }
        let payload = header.length..<end
        guard
            crypt(
                UnsafeRawBufferPointer(rebasing: packet[payload]), into: UnsafeMutableRawBufferPointer(rebasing: out[payload]),
                ssrc: header.ssrc, index: index)
        else { throw .openSSL("EVP_EncryptUpdate") }
        receiveWindow.accept(index)
        ssrc = header.ssrc
        return end
    }

    /// Encrypts and tags one RTP packet, writing the SRTP packet to `out` and returning its length
    /// (`rtp.count + tagLength`). The ROC follows the sequence numbers: a wrap from 65535 to 0
    /// increments it.
    ///
    /// For our own packets: a malformed header, another SSRC than the context's, a short `out` or
    /// an `out` that partly overlaps `rtp` are programming errors and trap. `out` may be the
    /// memory of `rtp` with room for the tag (protection in place).
    public mutating func protect(_ rtp: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) -> Int {
        let end = rtp.count
        precondition(out.count >= end + Self.tagLength, "protect: output buffer of \(out.count) bytes for \(end + Self.tagLength)")
        precondition(Self.sameOrDisjoint(rtp, UnsafeRawBufferPointer(out)), "protect: output partly overlaps input")
        let header: SRTPHeaderLayout
        do { header = try SRTPHeaderLayout.parse(rtp, end: end) } catch { preconditionFailure("protect: \(error)") }
        if let ssrc { precondition(header.ssrc == ssrc, "protect: SSRC \(header.ssrc) on a context for \(ssrc)") }
        // A packet older than the first one sent (a resend across the start) keeps ROC 0.
        let index = sendWindow.estimate(sequence: header.sequence) ?? UInt64(header.sequence)

        if UnsafeRawPointer(out.baseAddress) != rtp.baseAddress {
            out.copyMemory(from: UnsafeRawBufferPointer(rebasing: rtp[..<header.length]))
        }
        let payload = header.length..<end
        let encrypted = crypt(
            UnsafeRawBufferPointer(rebasing: rtp[payload]), into: UnsafeMutableRawBufferPointer(rebasing: out[payload]),
            ssrc: header.ssrc, index: index)
        precondition(encrypted, "protect: OpenSSL EVP_EncryptUpdate failed")
        var digest = Self.emptyDigest
        let tagged = withUnsafeMutableBytes(of: &digest) { digest in
            guard tag(UnsafeRawBufferPointer(rebasing: out[..<end]), index: index, into: digest) else { return false }
            UnsafeMutableRawBufferPointer(rebasing: out[end..<end + Self.tagLength])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: digest[..<Self.tagLength]))
            return true
        }
        precondition(tagged, "protect: OpenSSL HMAC failed")
        sendWindow.accept(index)
        ssrc = header.ssrc
        return end + Self.tagLength
    }

    /// Room for a full HMAC-SHA1 output on the stack (20 bytes).
    private static var emptyDigest: (UInt64, UInt64, UInt32) { (0, 0, 0) }

    /// HMAC-SHA1 of `authenticated` || ROC (big-endian, RFC 3711 §4.2).
    private func tag(_ authenticated: UnsafeRawBufferPointer, index: UInt64, into digest: UnsafeMutableRawBufferPointer) -> Bool {
        var roc = UInt32(truncatingIfNeeded: index >> 16).bigEndian
        return withUnsafeBytes(of: &roc) { mac.authenticate(authenticated, $0, into: digest) }
    }

    /// AES-CM over a payload: counter block = salt × 2^16 XOR SSRC × 2^64 XOR index × 2^16 (§4.1.1).
    private func crypt(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, ssrc: UInt32, index: UInt64)
        -> Bool
    {
        var block = ((saltHigh ^ UInt64(ssrc)).bigEndian, (saltLow ^ index << 16).bigEndian)
        return withUnsafeBytes(of: &block) { cipher.apply(iv: $0, input: input, output: output) }
    }

    /// True when `b` starts where `a` does, or the two do not overlap.
    private static func sameOrDisjoint(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard let start = a.baseAddress, let other = b.baseAddress, start != other else { return true }
        return start + a.count <= other || other + b.count <= start
    }
}

/// The RTP header fields SRTP needs (RFC 3550 §5.1), read in place.
struct SRTPHeaderLayout {
    /// Bytes of the fixed RTP header.
    static let fixedLength = 12

    /// Bytes of fixed header, CSRC list and header extension: the encrypted part starts here.
    /// Padding (the P bit) is part of the encrypted payload (RFC 3711 §3.1).
    var length: Int
    /// The 16-bit sequence number.
    var sequence: UInt16
    /// The synchronisation source.
    var ssrc: UInt32

    /// Reads the header at the start of `bytes`, whose first `end` bytes are RTP (the tag follows).
    static func parse(_ bytes: UnsafeRawBufferPointer, end: Int) throws(SRTPError) -> SRTPHeaderLayout {
        guard end >= fixedLength else { throw .tooShort(bytes.count) }
        func u16(_ i: Int) -> Int { Int(bytes[i]) << 8 | Int(bytes[i + 1]) }
        let first = bytes[0]
        guard first >> 6 == 2 else { throw .malformed("RTP version \(first >> 6), expected 2") }
        var length = fixedLength + 4 * Int(first & 0x0F)
        guard length <= end else { throw .malformed("CSRC list of \(first & 0x0F) entries runs past the packet") }
        if first & 0x10 != 0 {
            guard length + 4 <= end else { throw .malformed("header extension runs past the packet") }
            length += 4 + 4 * u16(length + 2)
            guard length <= end else { throw .malformed("header extension runs past the packet") }
        }
        return SRTPHeaderLayout(
            length: length, sequence: UInt16(u16(2)), ssrc: UInt32(u16(8)) << 16 | UInt32(u16(10)))
    }
}

/// Why an SRTP packet was dropped; `reason` names the counter it goes to.
public enum SRTPError: Error, Equatable, CustomStringConvertible {
    /// Shorter than a 12-byte RTP header plus the 10-byte tag.
    case tooShort(Int)
    /// Not RTP version 2, or the CSRC list or header extension runs into the tag.
    case malformed(String)
    /// The tag does not match: another key, or a corrupted or forged packet.
    case authenticationFailed
    /// Already accepted, or too old for the 64-packet replay window.
    case replayed(sequence: UInt16)
    /// From another SSRC than the one this context serves.
    case unexpectedSSRC(UInt32)
    /// An OpenSSL call failed on a packet that had authenticated; names the call.
    case openSSL(String)

    /// A bounded label for drop counters.
    public var reason: String {
        switch self {
        case .tooShort: "srtp_short"
        case .malformed: "srtp_malformed"
        case .authenticationFailed: "srtp_auth"
        case .replayed: "srtp_replay"
        case .unexpectedSSRC: "srtp_ssrc"
        case .openSSL: "srtp_crypto"
        }
    }

    /// One line for logs.
    public var description: String {
        switch self {
        case .tooShort(let count): "SRTP packet of \(count) bytes is shorter than a 12-byte header and a 10-byte tag"
        case .malformed(let why): "SRTP packet is malformed: \(why)"
        case .authenticationFailed: "SRTP authentication tag does not match"
        case .replayed(let sequence): "SRTP packet \(sequence) is a replay or older than the replay window"
        case .unexpectedSSRC(let ssrc): "SRTP packet from unexpected SSRC \(ssrc)"
        case .openSSL(let call): "OpenSSL \(call) failed"
        }
    }
}
