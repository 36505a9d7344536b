import FuzzSupport
import VoxCore
import VoxMedia

/// The Live Link Face decoder `voxload` reads the server's datagrams with
/// (`LiveLinkFacePacket(_:)`), on hostile datagrams. A datagram it accepts must be exactly one
/// well-formed packet; when it is one Voxface could have written (version 6, 61 values, names
/// of 1 to 256 bytes of valid UTF-8), encoding what was decoded gives the same bytes back.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLiveLink(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let datagram = UnsafeRawBufferPointer(start: data, count: min(size, 65_507))
    guard let packet = LiveLinkFacePacket(datagram) else { return 0 }
    // Names are at most 256 bytes on the wire; invalid UTF-8 decodes to at most 3 bytes a byte.
    precondition(packet.deviceID.utf8.count <= 3 * LiveLinkFaceEncoder.maxNameBytes)
    precondition(packet.subject.utf8.count <= 3 * LiveLinkFaceEncoder.maxNameBytes)
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
    // Names that were not valid UTF-8 come back repaired (and longer): only exact names compare.
    guard encoded.count == datagram.count else { return 0 }
    precondition(encoded.elementsEqual(datagram), "a decoded packet does not encode back to its bytes")
    return 0
}
