import Foundation
import Testing

/// ffmpeg, where installed (`.ci/run` installs it): the README's push command reaches a stream.
let ffmpegPath: String? = ["/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg"].first { FileManager.default.isExecutableFile(atPath: $0) }

extension ServerTests {
    @Suite struct FFmpegTests {
        /// `ffmpeg -re -i speech.wav -ac 1 -ar 48000 -c:a libopus -ssrc SSRC -payload_type 97 -f rtp
        /// rtp://...`, the README's line: a Live Link receiver gets 60 frames per second of the
        /// file, numbered consecutively from 0, at rate 60/1. When ffmpeg ends, the stream closes by
        /// itself with the default 10 s idle timeout (`idle`, about 10 s after the last packet; it
        /// used to stream neutral frames for ever), its subscriber is told and the target stops.
        @Test(.enabled(if: ffmpegPath != nil, "ffmpeg is not installed"))
        func ffmpegPushReachesLiveLink() async throws {
            let server = try await TestServer()
            let stream = try await server.createStream()
            let receiver = try UDPSocket()
            let added = try await server.request(
                "POST", "/v1/streams/\(stream["id"]!.string!)/livelink",
                body: Array("{\"host\":\"127.0.0.1\",\"port\":\(receiver.port),\"subject\":\"ffmpeg\"}".utf8))
            #expect(added.status == 201)
            let id = stream["id"]!.string!
            let subscriber = FrameSubscriber(url: stream["frames_url"]!.string!)
            try await Task.sleep(for: .milliseconds(200))
            let ffmpeg = Process()
            ffmpeg.executableURL = URL(fileURLWithPath: ffmpegPath!)
            ffmpeg.arguments = [
                "-nostdin", "-loglevel", "error", "-re", "-i", fixturePath("speech.wav"), "-ac", "1", "-ar", "48000", "-c:a", "libopus",
                "-ssrc", "\(stream["ssrc"]!.int!)", "-payload_type", "97", "-f", "rtp", "rtp://127.0.0.1:\(server.rtp)",
            ]
            ffmpeg.standardOutput = FileHandle.nullDevice
            let errors = Pipe()
            ffmpeg.standardError = errors
            try ffmpeg.run()
            var packets: [LiveLinkPacket] = []
            while let datagram = await receiver.receive(timeout: 2), let packet = LiveLinkPacket(datagram) {
                packets.append(packet)
                if packets.count == 170 { break }
            }
            ffmpeg.waitUntilExit()
            let lastPacket = ContinuousClock.now
            let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(ffmpeg.terminationStatus == 0, "\(stderr)")
            // 3 s of speech: at least 170 frames (the last few wait for the stall flush).
            #expect(packets.count == 170)
            #expect(packets.map(\.frameNumber) == (0..<Int32(packets.count)).map { $0 })
            #expect(packets.allSatisfy { $0.subject == "ffmpeg" && $0.rate == (60, 1) && $0.values.count == 61 })
            #expect(packets.contains { $0.values.contains { $0 != 0 } })
            try await Task.sleep(for: .seconds(1))
            let info = try await server.request("GET", "/v1/streams/\(id)").json()
            #expect(info["ingest"]?.string == "rtp")
            #expect(info["state"]?.string == "live")
            // The end of the file is the sender stopping, not packet loss.
            // ffmpeg sends in bursts (five packets every 93 ms): none is concealed early and dropped late.
            #expect(info["counters"]?["jitter"]?["lost"]?.int == 0, "\(info)")
            #expect(info["counters"]?["jitter"]?["late"]?.int == 0, "\(info)")
            #expect((info["counters"]?["jitter"]?["stall_concealed"]?.int ?? 0) > 0)
            #expect(info["settings"]?["idle_timeout_s"]?.double == 10)
            #expect((info["counters"]?["rtp_packets"]?.int ?? 0) >= 140)

            // The sender is gone: the stream closes `idle` 10 s after its last packet.
            let result = try await subscriber.finished(timeout: 20)
            let closedAfter = ContinuousClock.now - lastPacket
            #expect(result.texts.last?.contains("\"idle\"") == true, "\(result.texts)")
            #expect(closedAfter > .seconds(9) && closedAfter < .seconds(14), "closed \(closedAfter) after the last packet")
            // Frames flowed at 60 fps until then, consecutively, and no more.
            #expect(result.frames.map(\.index) == (0..<UInt64(result.frames.count)).map { $0 })
            #expect(result.frames.count < 60 * 16, "\(result.frames.count) frames")
            #expect(try await server.request("GET", "/v1/streams/\(id)").status == 404)
            #expect(try await server.metric("voxface_streams_closed_total{reason=\"idle\"}") == 1)
            // The Live Link target stopped with the stream: what was in flight drains, then nothing.
            while await receiver.receive(timeout: 0.2) != nil {}
            #expect(await receiver.receive(timeout: 1) == nil, "Live Link packets after the stream closed")
            await server.stop()
        }
    }
}
