import VoxMedia

/// The layout of a test RTP packet.
struct RTPShape: Sendable, CustomStringConvertible {
    var csrcCount: Int
    /// Words of header-extension data; nil for no extension.
    var extensionWords: Int?
    /// Padding bytes (RFC 3550 §5.1: the last one holds the count).
    var padding: Int
    var payloadLength: Int

    var headerLength: Int { 12 + 4 * csrcCount + (extensionWords.map { 4 + 4 * $0 } ?? 0) }
    var description: String { "CC=\(csrcCount) ext=\(extensionWords.map(String.init) ?? "none") pad=\(padding) payload=\(payloadLength)" }
}

/// Bytes from hexadecimal text.
func hex(_ text: String) -> [UInt8] {
    let digits = Array(text.utf8)
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
}

/// A version-2 RTP packet, payload type 97, with only a payload.
func rtpPacket(sequence: UInt16, ssrc: UInt32, payload: [UInt8]) -> [UInt8] {
    rtpPacket(sequence: sequence, ssrc: ssrc, shape: RTPShape(csrcCount: 0, extensionWords: nil, padding: 0, payloadLength: 0)) + payload
}

/// A version-2 RTP packet, payload type 97, of the given layout with a counting payload.
func rtpPacket(sequence: UInt16, ssrc: UInt32, shape: RTPShape) -> [UInt8] {
    var first = UInt8(0x80) | UInt8(shape.csrcCount)
    if shape.extensionWords != nil { first |= 0x10 }
    if shape.padding > 0 { first |= 0x20 }
    var bytes: [UInt8] = [first, 97] + bigEndian(UInt32(sequence), bytes: 2) + bigEndian(160 * UInt32(sequence), bytes: 4)
    bytes += bigEndian(ssrc, bytes: 4)
    for csrc in 0..<shape.csrcCount { bytes += bigEndian(UInt32(1000 + csrc), bytes: 4) }
    if let words = shape.extensionWords {
        bytes += [0xBE, 0xDE] + bigEndian(UInt32(words), bytes: 2) + (0..<(4 * words)).map { UInt8($0) }
    }
    bytes += (0..<shape.payloadLength).map { UInt8(truncatingIfNeeded: $0 * 7) }
    if shape.padding > 0 { bytes += [UInt8](repeating: 0, count: shape.padding - 1) + [UInt8(shape.padding)] }
    return bytes
}

func bigEndian(_ value: UInt32, bytes: Int) -> [UInt8] {
    (0..<bytes).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * UInt32($0))) }
}

/// `context.protect` on arrays.
func protect(_ context: inout SRTPContext, _ rtp: [UInt8]) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: rtp.count + SRTPContext.tagLength)
    let count = out.withUnsafeMutableBytes { out in rtp.withUnsafeBytes { context.protect($0, into: out) } }
    return Array(out[..<count])
}

/// `context.unprotect` on arrays.
func unprotect(_ context: inout SRTPContext, _ srtp: [UInt8]) throws(SRTPError) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: max(srtp.count, 1))
    // Array's `withUnsafe…Bytes` rethrow untyped errors, so the result travels as a `Result`.
    let result = out.withUnsafeMutableBytes { out in
        srtp.withUnsafeBytes { packet in Result { () throws(SRTPError) in try context.unprotect(packet, into: out) } }
    }
    return Array(out[..<(try result.get())])
}

/// Whole nanoseconds in a duration.
func nanoseconds(_ duration: Duration) -> Int {
    Int(duration.components.seconds) * 1_000_000_000 + Int(duration.components.attoseconds / 1_000_000_000)
}
