import COpus

/// A libopus decoder for one stream (mono, 48 kHz by default), with in-band FEC recovery and
/// packet-loss concealment. Not thread-safe: libopus decoder state must never serve two streams.
public final class OpusDecoder {
    /// Output rate in Hz.
    public let sampleRate: Int
    /// Longest frame Opus can carry: 120 ms.
    public var maxFrameSamples: Int { sampleRate * 120 / 1000 }
    private let state: OpaquePointer

    /// A decoder producing `sampleRate` Hz mono (8000, 12000, 16000, 24000 or 48000).
    public init(sampleRate: Int = 48_000) throws(OpusError) {
        var error: Int32 = 0
        guard let created = opus_decoder_create(opus_int32(sampleRate), 1, &error), error == OPUS_OK else {
            throw .libopus(code: Int(error), operation: "opus_decoder_create")
        }
        self.sampleRate = sampleRate
        state = created
    }

    deinit { opus_decoder_destroy(state) }

    /// Decodes one packet into `pcm` (at least `maxFrameSamples` long); returns the samples written.
    public func decode(_ packet: UnsafeRawBufferPointer, into pcm: UnsafeMutableBufferPointer<Float>) throws(OpusError) -> Int {
        guard !packet.isEmpty else { throw .emptyPacket }
        guard let out = pcm.baseAddress, pcm.count > 0 else { return 0 }
        let samples = packet.withMemoryRebound(to: UInt8.self) { bytes in
            opus_decode_float(state, bytes.baseAddress, opus_int32(bytes.count), out, Int32(min(pcm.count, maxFrameSamples)), 0)
        }
        guard samples >= 0 else { throw .libopus(code: Int(samples), operation: "opus_decode_float") }
        return Int(samples)
    }

    /// Reconstructs the packet before `next` from `next`'s in-band FEC data (`samples` long, the
    /// lost packet's duration); falls back to concealment inside libopus when `next` has none.
    public func recover(from next: UnsafeRawBufferPointer, samples: Int, into pcm: UnsafeMutableBufferPointer<Float>) throws(OpusError)
        -> Int
    {
        let count = Int32(min(samples, pcm.count, maxFrameSamples))
        guard let out = pcm.baseAddress, count > 0, !next.isEmpty else { return 0 }
        let written = next.withMemoryRebound(to: UInt8.self) { bytes in
            opus_decode_float(state, bytes.baseAddress, opus_int32(bytes.count), out, count, 1)
        }
        guard written >= 0 else { throw .libopus(code: Int(written), operation: "opus_decode_float (FEC)") }
        return Int(written)
    }

    /// Packet-loss concealment for `samples` missing samples.
    public func conceal(samples: Int, into pcm: UnsafeMutableBufferPointer<Float>) throws(OpusError) -> Int {
        let count = Int32(min(samples, pcm.count, maxFrameSamples))
        guard let out = pcm.baseAddress, count > 0 else { return 0 }
        let written = opus_decode_float(state, nil, 0, out, count, 0)
        guard written >= 0 else { throw .libopus(code: Int(written), operation: "opus_decode_float (PLC)") }
        return Int(written)
    }
}

/// A libopus encoder (mono), for load tools and tests.
public final class OpusEncoder {
    /// Input rate in Hz.
    public let sampleRate: Int
    private let state: OpaquePointer
    private var buffer = [UInt8](repeating: 0, count: 1500)

    /// An encoder for speech (`OPUS_APPLICATION_VOIP`) at `bitrate` bits/s, in-band FEC tuned for
    /// `expectedLoss` percent loss when above 0.
    public init(sampleRate: Int = 48_000, bitrate: Int = 32_000, expectedLoss: Int = 0) throws(OpusError) {
        var error: Int32 = 0
        guard let created = opus_encoder_create(opus_int32(sampleRate), 1, OPUS_APPLICATION_VOIP, &error), error == OPUS_OK else {
            throw .libopus(code: Int(error), operation: "opus_encoder_create")
        }
        self.sampleRate = sampleRate
        state = created
        var status = voxopus_encoder_set_bitrate(state, opus_int32(bitrate))
        if status == OPUS_OK && expectedLoss > 0 {
            status = voxopus_encoder_set_inband_fec(state, 1)
            if status == OPUS_OK { status = voxopus_encoder_set_packet_loss_perc(state, opus_int32(expectedLoss)) }
        }
        guard status == OPUS_OK else {
            opus_encoder_destroy(state)
            throw .libopus(code: Int(status), operation: "opus_encoder_ctl")
        }
    }

    deinit { opus_encoder_destroy(state) }

    /// Encodes one frame (2.5, 5, 10, 20, 40 or 60 ms of samples) into a packet.
    public func encode(_ pcm: UnsafeBufferPointer<Float>) throws(OpusError) -> [UInt8] {
        guard let input = pcm.baseAddress else { throw .emptyPacket }
        let written = buffer.withUnsafeMutableBufferPointer { out in
            opus_encode_float(state, input, Int32(pcm.count), out.baseAddress!, opus_int32(out.count))
        }
        guard written > 0 else { throw .libopus(code: Int(written), operation: "opus_encode_float") }
        return Array(buffer[0..<Int(written)])
    }
}

/// A libopus failure or an unusable packet.
public enum OpusError: Error, Equatable, CustomStringConvertible {
    /// libopus returned an error code.
    case libopus(code: Int, operation: String)
    /// A zero-length packet.
    case emptyPacket

    /// One line for logs.
    public var description: String {
        switch self {
        case .libopus(let code, let operation): "\(operation) failed: \(String(cString: opus_strerror(Int32(code)))) (\(code))"
        case .emptyPacket: "empty Opus packet"
        }
    }
}
