/// An RTP packet header (RFC 3550) parsed in place, with the payload located but not copied.
///
/// Everything from the network is checked: version 2, the CSRC list, the header extension and
/// the padding must all fit inside the datagram, and the payload must not be empty.
public struct RTPPacket: Sendable, Equatable {
    /// Always 2.
    public var version: Int
    /// The marker bit.
    public var marker: Bool
    /// Payload type (dynamic types are 96...127; ffmpeg sends Opus as 97).
    public var payloadType: Int
    /// Sequence number (wraps at 2^16).
    public var sequence: UInt16
    /// Media timestamp in clock-rate units (48 kHz for Opus, RFC 7587; wraps at 2^32).
    public var timestamp: UInt32
    /// Synchronisation source.
    public var ssrc: UInt32
    /// Contributing sources listed.
    public var csrcCount: Int
    /// The header extension's profile-defined identifier, when present.
    public var extensionProfile: UInt16?
    /// Bytes of the datagram that hold the payload (padding excluded).
    public var payload: Range<Int>

    /// Smallest possible RTP header.
    public static let minimumHeader = 12

    /// Parses a datagram.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(RTPError) -> RTPPacket {
        let count = bytes.count
        guard count >= minimumHeader else { throw .tooShort(count) }
        let first = bytes[0]
        let version = Int(first >> 6)
        guard version == 2 else { throw .badVersion(version) }
        let hasPadding = first & 0x20 != 0
        let hasExtension = first & 0x10 != 0
        let csrcCount = Int(first & 0x0F)
        let second = bytes[1]
        var offset = minimumHeader + 4 * csrcCount
        guard offset <= count else { throw .csrcOverflow(csrcCount: csrcCount, length: count) }
        var profile: UInt16?
        if hasExtension {
            guard offset + 4 <= count else { throw .extensionOverflow(length: count) }
            profile = UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
            let words = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            offset += 4 + 4 * words
            guard offset <= count else { throw .extensionOverflow(length: count) }
        }
        var end = count
        if hasPadding {
            let padding = Int(bytes[count - 1])
            guard padding >= 1, padding <= count - offset else { throw .badPadding(padding) }
            end -= padding
        }
        guard end > offset else { throw .emptyPayload }
        func u16(_ i: Int) -> UInt16 { UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1]) }
        func u32(_ i: Int) -> UInt32 { UInt32(u16(i)) << 16 | UInt32(u16(i + 2)) }
        return RTPPacket(
            version: version, marker: second & 0x80 != 0, payloadType: Int(second & 0x7F), sequence: u16(2), timestamp: u32(4),
            ssrc: u32(8), csrcCount: csrcCount, extensionProfile: profile, payload: offset..<end)
    }

    /// Writes a minimal RTP header (no CSRC, extension or padding) followed by `payload`.
    public static func encode(
        payloadType: Int, sequence: UInt16, timestamp: UInt32, ssrc: UInt32, marker: Bool = false, payload: [UInt8]
    ) -> [UInt8] {
        var bytes: [UInt8] = [0x80, UInt8(payloadType & 0x7F) | (marker ? 0x80 : 0)]
        bytes += [UInt8(sequence >> 8), UInt8(sequence & 0xFF)]
        bytes += [UInt8(timestamp >> 24), UInt8((timestamp >> 16) & 0xFF), UInt8((timestamp >> 8) & 0xFF), UInt8(timestamp & 0xFF)]
        bytes += [UInt8(ssrc >> 24), UInt8((ssrc >> 16) & 0xFF), UInt8((ssrc >> 8) & 0xFF), UInt8(ssrc & 0xFF)]
        return bytes + payload
    }
}

/// Why a datagram is not an acceptable RTP packet; each is counted and the datagram dropped.
public enum RTPError: Error, Equatable, CustomStringConvertible {
    /// Fewer than 12 bytes.
    case tooShort(Int)
    /// Version field other than 2.
    case badVersion(Int)
    /// The CSRC list runs past the datagram.
    case csrcOverflow(csrcCount: Int, length: Int)
    /// The header extension runs past the datagram.
    case extensionOverflow(length: Int)
    /// The padding count is zero or larger than the payload.
    case badPadding(Int)
    /// No payload bytes.
    case emptyPayload

    /// One line for logs.
    public var description: String {
        switch self {
        case .tooShort(let n): "RTP datagram of \(n) bytes is shorter than the 12-byte header"
        case .badVersion(let v): "RTP version \(v), expected 2"
        case .csrcOverflow(let c, let n): "RTP CSRC list of \(c) entries runs past the \(n)-byte datagram"
        case .extensionOverflow(let n): "RTP header extension runs past the \(n)-byte datagram"
        case .badPadding(let p): "RTP padding of \(p) bytes is invalid"
        case .emptyPayload: "RTP packet has no payload"
        }
    }
}
