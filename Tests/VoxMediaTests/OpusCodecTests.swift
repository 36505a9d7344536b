import Foundation
import Testing
import VoxDSP
import VoxMedia

@Suite struct OpusCodecTests {
    /// 2 s of the speech fixture at 48 kHz.
    static func speech48k() throws -> [Float] {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("VoxDSPTests/Fixtures/audio/speech.wav").path
        let audio = try AudioFileReader().read(path: path)
        return Array(Resampler.resample(audio.samples, from: audio.sampleRate, to: 48_000).prefix(96_000))
    }

    static func energy(_ x: ArraySlice<Float>) -> Double { x.reduce(0) { $0 + Double($1 * $1) } }

    @Test func roundTripsSpeechIn20msPackets() throws {
        let pcm = try Self.speech48k()
        let encoder = try OpusEncoder(bitrate: 32_000)
        let decoder = try OpusDecoder()
        var decoded: [Float] = []
        var out = [Float](repeating: 0, count: decoder.maxFrameSamples)
        for start in stride(from: 0, to: pcm.count - 959, by: 960) {
            let packet = try pcm[start..<start + 960].withUnsafeBufferPointer { try encoder.encode($0) }
            #expect(packet.count > 0 && packet.count < 400)
            let n = try packet.withUnsafeBytes { raw in try out.withUnsafeMutableBufferPointer { try decoder.decode(raw, into: $0) } }
            #expect(n == 960)
            decoded += out[0..<n]
        }
        #expect(decoded.count == pcm.count)
        // Opus delays by 312 samples at 48 kHz (its look-ahead); compare the aligned signals' energy.
        let ratio = Self.energy(decoded[(312 + 4800)..<90_000]) / Self.energy(pcm[4800..<(90_000 - 312)])
        #expect(ratio > 0.7 && ratio < 1.3, "energy ratio \(ratio)")
    }

    @Test func recoversALostPacketFromFECAndConceals() throws {
        let pcm = try Self.speech48k()
        let encoder = try OpusEncoder(bitrate: 32_000, expectedLoss: 20)
        let decoder = try OpusDecoder()
        var packets: [[UInt8]] = []
        for start in stride(from: 0, to: 48_000, by: 960) {
            packets.append(try pcm[start..<start + 960].withUnsafeBufferPointer { try encoder.encode($0) })
        }
        var out = [Float](repeating: 0, count: decoder.maxFrameSamples)
        for (i, packet) in packets.enumerated() {
            if i == 20 { continue }  // lost
            if i == 21 {
                let recovered = try packet.withUnsafeBytes { raw in
                    try out.withUnsafeMutableBufferPointer { try decoder.recover(from: raw, samples: 960, into: $0) }
                }
                #expect(recovered == 960)
                #expect(Self.energy(out[0..<960]) > 0, "FEC produced audio")
            }
            _ = try packet.withUnsafeBytes { raw in try out.withUnsafeMutableBufferPointer { try decoder.decode(raw, into: $0) } }
        }
        let concealed = try out.withUnsafeMutableBufferPointer { try decoder.conceal(samples: 960, into: $0) }
        #expect(concealed == 960)
    }

    @Test func garbagePayloadsAreErrorsNotCrashes() throws {
        let decoder = try OpusDecoder()
        var out = [Float](repeating: 0, count: decoder.maxFrameSamples)
        #expect(throws: OpusError.emptyPacket) {
            try [UInt8]().withUnsafeBytes { raw in try out.withUnsafeMutableBufferPointer { try decoder.decode(raw, into: $0) } }
        }
        var state: UInt32 = 7
        var failures = 0
        for _ in 0..<2000 {
            let count = Int(state % 200) + 1
            var bytes = [UInt8](repeating: 0, count: count)
            for i in 0..<count {
                state = state &* 1_664_525 &+ 1_013_904_223
                bytes[i] = UInt8(truncatingIfNeeded: state >> 24)
            }
            do {
                let n = try bytes.withUnsafeBytes { raw in try out.withUnsafeMutableBufferPointer { try decoder.decode(raw, into: $0) } }
                #expect(n <= decoder.maxFrameSamples)
            } catch {
                failures += 1
            }
        }
        #expect(failures > 0, "some random payloads must be rejected by libopus")
    }
}
