import FuzzSupport
import VoxCore
import VoxMedia

/// The Live Link Face decoder `voxload` reads the server's datagrams with
/// (`LiveLinkFacePacket(_:)`), on hostile datagrams. A datagram it accepts must be exactly one
/// well-formed packet; when it is one Voxface could have written (version 6, 61 values, names
/// of 1 to 256 bytes of valid UTF-8), encoding what was decoded gives the same bytes back.
/// (A first version compared any packet whose re-encoding had the same length; CI's 20 s pass
/// found a name with a truncated UTF-8 sequence, repaired to U+FFFD of the same length. The
/// input is kept as the seed `invalid-utf8-name`.)
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLiveLink(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let datagram = UnsafeRawBufferPointer(start: data, count: min(size, 65_507))
    guard let packet = LiveLinkFacePacket(datagram) else { return 0 }
    // Names are at most 256 bytes on the wire; invalid UTF-8 decodes to at most 3 bytes a byte.
    precondition(packet.deviceID.utf8.count <= 3 * LiveLinkFaceEncoder.maxNameBytes)
    precondition(packet.subject.utf8.count <= 3 * LiveLinkFaceEncoder.maxNameBytes)
    // Names that are not valid UTF-8 decode repaired (U+FFFD), which is right for a receiver but
    // does not give the same bytes back; only packets with valid names are re-encoded.
    guard validUTF8Names(datagram) else { return 0 }
    guard packet.version == LiveLinkFaceEncoder.version, packet.values.count == LiveLinkFaceEncoder.valueCount,
        let encoder = try? LiveLinkFaceEncoder(
            deviceID: packet.deviceID, subject: packet.subject, frameRate: (packet.frameRateNumerator, packet.frameRateDenominator))
    else { return 0 }
    var model = [Float](repeating: 0, count: FaceChannels.names.count)
    for slot in 0..<LiveLinkFaceEncoder.valueCount { model[FaceChannels.modelColumnForLiveLinkSlot[slot]] = packet.values[slot] }
    var encoded: [UInt8] = []
    model.withUnsafeBufferPointer {
        encoder.encode(frameNumber: packet.frameNumber, subFrame: packet.subFrame, modelValues: $0, into: &encoded)
    }
    precondition(encoded.elementsEqual(datagram), "a decoded packet does not encode back to its bytes")
    return 0
}

/// True when both length-prefixed names of an accepted datagram are valid UTF-8.
private func validUTF8Names(_ datagram: UnsafeRawBufferPointer) -> Bool {
    var offset = 1
    for _ in 0..<2 {
        let length = Int(
            UInt32(datagram[offset]) << 24 | UInt32(datagram[offset + 1]) << 16 | UInt32(datagram[offset + 2]) << 8
                | UInt32(datagram[offset + 3]))
        offset += 4
        guard String(validating: UnsafeRawBufferPointer(rebasing: datagram[offset..<offset + length]), as: UTF8.self) != nil else {
            return false
        }
        offset += length
    }
    return true
}
