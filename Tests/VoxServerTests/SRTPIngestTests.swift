import Foundation
import Testing
import VoxMedia

extension ServerTests {
    /// SRTP ingest (`"srtp": true`): ffmpeg's own SRTP output, keyed with what the creation reply
    /// gives, drives the stream; plain, forged and replayed packets are dropped and counted.
    @Suite struct SRTPIngestTests {
        @Test(.enabled(if: ffmpegPath != nil, "ffmpeg is not installed"))
        func ffmpegSRTPDrivesAStream() async throws {
            let server = try await TestServer()
            defer { Task { await server.stop() } }
            let stream = try await server.createStream("{\"srtp\": true}")
            let id = stream["id"]!.string!
            let srtp = try #require(stream["srtp"]?.object)
            #expect(srtp["suite"]?.string == "AES_CM_128_HMAC_SHA1_80")
            let key = try #require(srtp["key"]?.string)
            #expect(try SRTPMasterKey(base64: key).base64 == key)
            #expect(stream["settings"]?["srtp"] == .bool(true))
            // The key is given once: the stream's listing does not carry it.
            let listed = try await server.request("GET", "/v1/streams/\(id)")
            #expect(!listed.text.contains(key))

            let subscriber = FrameSubscriber(url: stream["frames_url"]!.string!)
            let control = try UDPSocket()  // ffmpeg's SRTCP reports go here, not to the RTP port
            let ffmpeg = Process()
            ffmpeg.executableURL = URL(fileURLWithPath: ffmpegPath!)
            ffmpeg.arguments = [
                "-nostdin", "-loglevel", "error", "-re", "-i", fixturePath("speech.wav"), "-ac", "1", "-ar", "48000", "-c:a", "libopus",
                "-ssrc", "\(stream["ssrc"]!.int!)", "-payload_type", "97", "-f", "rtp", "-srtp_out_suite", "AES_CM_128_HMAC_SHA1_80",
                "-srtp_out_params", key, "srtp://127.0.0.1:\(server.rtp)?rtcpport=\(control.port)",
            ]
            ffmpeg.standardOutput = FileHandle.nullDevice
            let errors = Pipe()
            ffmpeg.standardError = errors
            try ffmpeg.run()
            try await subscriber.waitForFrames(150, timeout: 20)
            ffmpeg.waitUntilExit()
            let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(ffmpeg.terminationStatus == 0, "\(stderr)")
            let frames = subscriber.snapshot.frames
            #expect(frames.contains { $0.values.contains { $0 != 0 } }, "the frames move")

            let info = try await server.request("GET", "/v1/streams/\(id)").json()
            #expect((info["counters"]?["rtp_packets"]?.int ?? 0) >= 140, "\(info)")
            for reason in ["srtp_auth", "srtp_replay", "srtp_malformed"] {
                #expect(info["counters"]?["rtp_dropped"]?[reason]?.int == 0, "\(reason): \(info)")
            }
            #expect(info["counters"]?["jitter"]?["lost"]?.int == 0, "\(info)")
            // Decrypted: libopus took every payload (ciphertext would not decode).
            #expect(info["counters"]?["opus_errors"]?.int == 0, "\(info)")
        }

        @Test func plainForgedAndReplayedPacketsAreDroppedAndCounted() async throws {
            let server = try await TestServer()
            defer { Task { await server.stop() } }
            let stream = try await server.createStream("{\"srtp\": true}")
            let id = stream["id"]!.string!
            let ssrc = UInt32(stream["ssrc"]!.int!)
            let key = try SRTPMasterKey(base64: try #require(stream["srtp"]?["key"]?.string))
            let plain = try await server.createStream()
            #expect(plain["srtp"] == nil && plain["settings"]?["srtp"] == .bool(false))

            let pcm = try speech48k()
            let encoder = try OpusEncoder()
            var sender = try SRTPContext(masterKey: key)
            var forger = try SRTPContext(masterKey: SRTPMasterKey.random())
            let socket = try UDPSocket()
            var output = [UInt8](repeating: 0, count: 2048)
            let began = ContinuousClock.now
            for k in 0..<100 {
                let payload = try pcm[k * 960..<(k + 1) * 960].withUnsafeBufferPointer { try encoder.encode($0) }
                let rtp = RTPPacket.encode(payloadType: 97, sequence: UInt16(k), timestamp: UInt32(k * 960), ssrc: ssrc, payload: payload)
                // Bad packets carry a sequence number not yet received (a seen one is a replay
                // before its tag is checked, as RFC 3711 orders the checks).
                let ahead = RTPPacket.encode(
                    payloadType: 97, sequence: UInt16(k + 500), timestamp: UInt32(k * 960), ssrc: ssrc, payload: payload)
                func protect(_ packet: [UInt8], _ context: inout SRTPContext) -> [UInt8] {
                    let n = packet.withUnsafeBytes { r in output.withUnsafeMutableBytes { context.protect(r, into: $0) } }
                    return Array(output[..<n])
                }
                let srtp = protect(rtp, &sender)
                socket.send(srtp, to: server.rtp)
                if k % 10 == 1 { socket.send(srtp, to: server.rtp) }  // replayed
                if k % 10 == 2 { socket.send(ahead + Array(repeating: 0, count: 10), to: server.rtp) }  // plain RTP
                if k % 10 == 3 { socket.send(protect(ahead, &forger), to: server.rtp) }  // another key
                if k % 10 == 4 { socket.send(Array(srtp[..<15]), to: server.rtp) }  // cut short
                try await Task.sleep(until: began + .milliseconds(20 * (k + 1)))
            }
            try await Task.sleep(for: .milliseconds(300))
            let info = try await server.request("GET", "/v1/streams/\(id)").json()
            let dropped = info["counters"]?["rtp_dropped"]
            #expect(info["counters"]?["rtp_packets"]?.int == 100, "\(info)")
            #expect(dropped?["srtp_replay"]?.int == 10, "\(info)")
            #expect(dropped?["srtp_auth"]?.int == 20, "\(info)")
            #expect(dropped?["srtp_malformed"]?.int == 10, "\(info)")
            #expect(info["counters"]?["jitter"]?["lost"]?.int == 0, "\(info)")
            #expect(try await server.metric("voxface_rtp_dropped_total{reason=\"srtp_auth\"}") == 20)
            #expect(try await server.metric("voxface_rtp_dropped_total{reason=\"srtp_replay\"}") == 10)
        }
    }
}
