import FuzzSupport
import VoxMedia

/// The fixed master key of RFC 3711 B.3 (key || salt), so every input meets the same context.
private let masterKey = fixed { () throws(SRTPKeyError) in
    try SRTPMasterKey(
        key: [0xE1, 0xF9, 0x7A, 0x0D, 0x3E, 0x01, 0x8B, 0xE0, 0xD6, 0x4F, 0xA3, 0x2C, 0x06, 0xDE, 0x41, 0x39],
        salt: [0x0E, 0xC6, 0x75, 0xAD, 0x49, 0x8A, 0xFE, 0xEB, 0xB6, 0x96, 0x0B, 0x3A, 0xAB, 0xE6])
}

/// `SRTPContext.unprotect` on hostile bytes and the replay window/ROC logic on real traffic:
/// 1. the whole input as one SRTP packet (a forged tag must throw, never trap);
/// 2. packets protected by a sender from sequence numbers in the input (records of
///    `[seq hi][seq lo][flags]`: bit 0 flips a payload byte, bit 1 delivers twice), unprotected
///    by a receiver in that order; an accepted packet must decrypt to exactly what was sent, a
///    tampered one must never be accepted;
/// 3. `SRTPMasterKey(base64:)` on the input as text; an accepted key must round-trip.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSRTP(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    var receiver = fixed { () throws(SRTPKeyError) in try SRTPContext(masterKey: masterKey) }
    let out = UnsafeMutableRawBufferPointer.allocate(byteCount: max(size, 64), alignment: 8)
    defer { out.deallocate() }
    if let length = try? receiver.unprotect(input.bytes, into: out) {
        precondition(length == size - SRTPContext.tagLength)
    }

    var sender = fixed { () throws(SRTPKeyError) in try SRTPContext(masterKey: masterKey, ssrc: 0x1234_5678) }
    var replay = fixed { () throws(SRTPKeyError) in try SRTPContext(masterKey: masterKey) }
    var srtp = [UInt8](repeating: 0, count: 64)
    var plain = [UInt8](repeating: 0, count: 64)
    var records = 0
    while records < 200, let high = input.byte(), let low = input.byte(), let flags = input.byte() {
        records += 1
        let sequence = UInt16(high) << 8 | UInt16(low)
        let rtp = RTPPacket.encode(
            payloadType: 111, sequence: sequence, timestamp: UInt32(sequence) &* 960, ssrc: 0x1234_5678,
            payload: [flags, high, low, 0x55])
        let length = rtp.withUnsafeBytes { rtp in srtp.withUnsafeMutableBytes { sender.protect(rtp, into: $0) } }
        precondition(length == rtp.count + SRTPContext.tagLength)
        let tampered = flags & 1 != 0
        if tampered { srtp[RTPPacket.minimumHeader + 1] ^= 0x01 }
        for _ in 0..<(flags & 2 != 0 ? 2 : 1) {
            let result = srtp.withUnsafeBytes { packet in
                plain.withUnsafeMutableBytes { try? replay.unprotect(UnsafeRawBufferPointer(rebasing: packet[..<length]), into: $0) }
            }
            guard let result else { continue }
            precondition(!tampered, "a tampered packet (sequence \(sequence)) was accepted")
            precondition(result == rtp.count && Array(plain[..<result]) == rtp, "sequence \(sequence) decrypted wrongly")
        }
    }

    let text = String(decoding: UnsafeRawBufferPointer(start: data, count: min(size, 256)), as: UTF8.self)
    if let key = try? SRTPMasterKey(base64: text) {
        precondition((try? SRTPMasterKey(base64: key.base64)) == key, "base64 round trip")
    }
    return 0
}

/// The value of a setup step that cannot fail for the harness's constants (a failure is a bug).
private func fixed<T: ~Copyable>(_ make: () throws(SRTPKeyError) -> T) -> T {
    do { return try make() } catch { preconditionFailure("SRTP setup: \(error)") }
}
