import FuzzSupport
import VoxMedia

/// An `OpusDecoder` (libopus behind our wrapper) decoding the input as one packet (at most
/// 1500 bytes, a datagram), then the FEC path (`recover(from:)`) and concealment with it, with a
/// fresh decoder per input. Checks that no call reports more samples than the output holds.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOpus(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let packet = UnsafeRawBufferPointer(start: data, count: min(size, 1500))
    guard let decoder = try? OpusDecoder() else { preconditionFailure("opus_decoder_create failed") }
    let pcm = UnsafeMutableBufferPointer<Float>.allocate(capacity: decoder.maxFrameSamples)
    defer { pcm.deallocate() }
    // The lost packet's length for FEC/PLC comes from the input too: 2.5 to 120 ms.
    let lost = [120, 240, 480, 960, 1920, 2880, 5760][Int(size % 7)]
    for step in 0..<3 {
        let written: Int?
        switch step {
        case 0: written = try? decoder.decode(packet, into: pcm)
        case 1: written = try? decoder.recover(from: packet, samples: lost, into: pcm)
        default: written = try? decoder.conceal(samples: lost, into: pcm)
        }
        if let written { precondition(written >= 0 && written <= pcm.count, "step \(step) wrote \(written)") }
    }
    return 0
}
