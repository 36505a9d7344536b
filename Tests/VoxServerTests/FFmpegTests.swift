import Foundation
import Testing

/// ffmpeg, where installed (`.ci/run` installs it): the README's push command reaches a stream.
let ffmpegPath: String? = ["/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg"].first { FileManager.default.isExecutableFile(atPath: $0) }

extension ServerTests {
    @Suite struct FFmpegTests {
        /// `ffmpeg -re -i speech.wav -c:a libopus -ssrc SSRC -payload_type 97 -f rtp rtp://...`, as
        /// in the README: a Live Link receiver gets 60 frames per second of the file, numbered
        /// consecutively from 0, at rate 60/1.
        @Test(.enabled(if: ffmpegPath != nil, "ffmpeg is not installed"))
        func ffmpegPushReachesLiveLink() async throws {
            let server = try await TestServer()
            let stream = try await server.createStream()
            let receiver = try UDPSocket()
            let added = try await server.request(
                "POST", "/v1/streams/\(stream["id"]!.string!)/livelink",
                body: Array("{\"host\":\"127.0.0.1\",\"port\":\(receiver.port),\"subject\":\"ffmpeg\"}".utf8))
            #expect(added.status == 201)
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
            let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(ffmpeg.terminationStatus == 0, "\(stderr)")
            // 3 s of speech: at least 170 frames (the last few wait for the stall flush).
            #expect(packets.count == 170)
            #expect(packets.map(\.frameNumber) == (0..<Int32(packets.count)).map { $0 })
            #expect(packets.allSatisfy { $0.subject == "ffmpeg" && $0.rate == (60, 1) && $0.values.count == 61 })
            #expect(packets.contains { $0.values.contains { $0 != 0 } })
            let info = try await server.request("GET", "/v1/streams/\(stream["id"]!.string!)").json()
            #expect(info["ingest"]?.string == "rtp")
            #expect((info["counters"]?["rtp_packets"]?.int ?? 0) >= 140)
            await server.stop()
        }
    }
}
