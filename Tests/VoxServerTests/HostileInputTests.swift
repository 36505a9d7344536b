import HummingbirdWSClient
import Logging
import NIOCore
import NIOPosix
import NIOWebSocket
import Synchronization
import Testing
import VoxMedia
import VoxTestSupport

@testable import VoxServer

/// Bad input everywhere: each gets a clear error or a counted drop, and nothing else is disturbed.
extension ServerTests {
    @Suite struct HostileInputTests {
        @Test func controlAPIRefusesBadRequestsWithJSONErrors() async throws {
            let server = try await TestServer {
                $0.maxUploadBytes = 1 << 20
                $0.maxLiveLinkTargets = 16
            }
            func expectError(_ reply: HTTPReply, _ status: Int, _ code: String) throws {
                #expect(reply.status == status, "\(reply.text)")
                #expect(try reply.json()["error"]?["code"]?.string == code, "\(reply.text)")
            }
            try expectError(try await server.request("POST", "/v1/streams", body: Array("{not json".utf8)), 400, "bad_json")
            try expectError(try await server.request("POST", "/v1/streams", body: Array("{\"hopp\": 3}".utf8)), 400, "bad_settings")
            try expectError(try await server.request("POST", "/v1/streams", body: Array("{\"hop\": 0}".utf8)), 400, "bad_settings")
            try expectError(
                try await server.request("POST", "/v1/streams", body: Array("{\"hop\": 100, \"lookahead\": 40}".utf8)), 400, "bad_settings")
            try expectError(try await server.request("POST", "/v1/streams", body: Array("{\"hop\": \"six\"}".utf8)), 400, "bad_settings")
            try expectError(try await server.request("POST", "/v1/streams", body: Array("{\"payload_type\": 8}".utf8)), 400, "bad_settings")
            try expectError(
                try await server.request("POST", "/v1/streams", body: Array("{\"latency_profile\": \"fast\"}".utf8)), 400, "bad_settings")
            try expectError(
                try await server.request("POST", "/v1/streams", body: Array("{\"latency_profile\": 1}".utf8)), 400, "bad_settings")
            for phase in ["-1", "4", "\"auto\"", "1.5"] {
                try expectError(
                    try await server.request("POST", "/v1/streams", body: Array("{\"hop\": 4, \"window_phase\": \(phase)}".utf8)), 400,
                    "bad_settings")
            }
            try expectError(
                try await server.request("POST", "/v1/streams", body: [UInt8](repeating: 0x20, count: 200_000)), 413, "body_too_large")
            try expectError(try await server.request("GET", "/v1/streams/nope"), 404, "stream_not_found")
            try expectError(try await server.request("DELETE", "/v1/streams/nope"), 404, "stream_not_found")
            let id = try await server.createStream("{}")["id"]!.string!
            try expectError(
                try await server.request("POST", "/v1/streams/\(id)/livelink", body: Array("{\"host\":\"not a host\"}".utf8)), 400,
                "bad_target")
            try expectError(
                try await server.request("POST", "/v1/streams/\(id)/livelink", body: Array("{\"host\":\"127.0.0.1\",\"port\":70000}".utf8)),
                400,
                "bad_target")
            try expectError(
                try await server.request("POST", "/v1/streams/\(id)/livelink", body: Array("{\"port\":1}".utf8)), 400, "bad_target")
            for _ in 0..<16 {
                #expect(
                    try await server.request("POST", "/v1/streams/\(id)/livelink", body: Array("{\"host\":\"localhost\"}".utf8)).status
                        == 201)
            }
            try expectError(
                try await server.request("POST", "/v1/streams/\(id)/livelink", body: Array("{\"host\":\"localhost\"}".utf8)), 409,
                "too_many_targets")
            try expectError(try await server.request("DELETE", "/v1/streams/\(id)/livelink/zzzz"), 404, "target_not_found")
            // NeuroSync endpoint: garbage, empty, oversize.
            try expectError(try await server.request("POST", "/audio_to_blendshapes", body: Array("RIFF garbage".utf8)), 422, "bad_audio")
            try expectError(try await server.request("POST", "/audio_to_blendshapes"), 400, "empty_body")
            try expectError(
                try await server.request("POST", "/audio_to_blendshapes", body: [UInt8](repeating: 1, count: 2 << 20)), 413,
                "body_too_large")
            #expect(try await server.request("DELETE", "/v1/streams/\(id)").status == 204)
            #expect(try await server.request("GET", "/v1/streams/\(id)").status == 404)
            #expect(try await server.request("GET", "/health").json()["status"]?.string == "ok")
            await server.stop()
        }

        /// NeuroSync clients post a WAV and get the batch pipeline's frames.
        @Test func audioToBlendshapesAnswersLikeNeuroSync() async throws {
            let server = try await TestServer()
            let wav = try readFile(fixturePath("speech.wav"))
            let reply = try await server.request("POST", "/audio_to_blendshapes", body: wav)
            #expect(reply.status == 200)
            let body = try reply.json()
            let frames = try #require(body["blendshapes"]?.array)
            #expect(body["num_frames"]?.int == frames.count && body["frame_rate"]?.int == 60)
            #expect(frames.count > 170 && frames.count <= 181 && frames.allSatisfy { $0.array?.count == 68 }, "\(frames.count) frames")
            await server.stop()
        }

        /// Malformed datagrams, unknown SSRCs, a second source, wrong payload types and garbage Opus:
        /// each dropped and counted by reason, while a good stream keeps its frames flowing.
        @Test func badRTPIsCountedAndOtherStreamsAreUndisturbed() async throws {
            let server = try await TestServer()
            let good = try await server.createStream()
            let ssrc = UInt32(good["ssrc"]!.int!)
            let victim = try await server.createStream("{\"payload_type\": 111}")
            let victimSSRC = UInt32(victim["ssrc"]!.int!)
            let receiver = try UDPSocket()
            _ = try await server.request(
                "POST", "/v1/streams/\(good["id"]!.string!)/livelink",
                body: Array("{\"host\":\"127.0.0.1\",\"port\":\(receiver.port)}".utf8))
            let pcm = try speech48k()
            let encoder = try OpusEncoder()
            let sender = try UDPSocket()
            let intruder = try UDPSocket()
            let hostile: [[UInt8]] = [
                [0x80, 97, 0, 1],  // short
                [0x40, 97, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 9],  // version 1
                [0x8F, 97, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 9],  // 15 CSRCs past the end
                [0x90, 97, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 9, 1],  // extension past the end
                [0xA0, 97, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 200],  // padding past the payload
            ]
            let port = server.rtp
            for k in 0..<100 {
                let block = Array(pcm[(k * 960)..<(k * 960 + 960)])
                let payload = try block.withUnsafeBufferPointer { try encoder.encode($0) }
                sender.send(
                    RTPPacket.encode(payloadType: 97, sequence: UInt16(k), timestamp: UInt32(k * 960), ssrc: ssrc, payload: payload),
                    to: port)
                for bad in hostile { intruder.send(bad, to: port) }
                intruder.send(
                    RTPPacket.encode(payloadType: 97, sequence: UInt16(k), timestamp: UInt32(k * 960), ssrc: 0xDEAD, payload: payload),
                    to: port
                )
                intruder.send(
                    RTPPacket.encode(payloadType: 97, sequence: UInt16(k), timestamp: UInt32(k * 960), ssrc: ssrc, payload: payload),
                    to: port)
                intruder.send(
                    RTPPacket.encode(payloadType: 97, sequence: UInt16(k), timestamp: UInt32(k * 960), ssrc: victimSSRC, payload: payload),
                    to: port)
                sender.send(
                    RTPPacket.encode(payloadType: 0, sequence: UInt16(k), timestamp: 0, ssrc: victimSSRC, payload: payload), to: port)
                try await Task.sleep(for: .milliseconds(20))
            }
            var frames = 0
            while frames < 60, await receiver.receive(timeout: 3) != nil { frames += 1 }
            #expect(frames == 60)
            #expect(try await server.metric("voxface_rtp_dropped_total{reason=\"malformed\"}") == 500)
            #expect(try await server.metric("voxface_rtp_dropped_total{reason=\"unknown_ssrc\"}") == 100)
            #expect(try await server.metric("voxface_rtp_dropped_total{reason=\"source_mismatch\"}") == 100)
            #expect(try await server.metric("voxface_rtp_dropped_total{reason=\"payload_type\"}") >= 100)
            let info = try await server.request("GET", "/v1/streams/\(good["id"]!.string!)").json()
            #expect(info["counters"]?["rtp_dropped"]?["source_mismatch"]?.int == 100)
            #expect(info["counters"]?["frames_late"]?.int == 0)
            await server.stop()
        }

        /// WebSocket ingest: wrong token, unknown stream, bad declarations, bad or oversized
        /// messages, a second ingest: each closed with its code (Protocols/websocket.md) and counted.
        @Test func websocketIngestRefusals() async throws {
            let server = try await TestServer()
            let created = try await server.createStream()
            let id = created["id"]!.string!
            let logger = Logger(label: "ws")
            // Over a plain socket (webSocketCloseCode): the close code each refusal ends with.
            let port = server.http
            func closeCode(_ url: String, _ first: WebSocketOutboundWriter.OutboundFrame?) async throws -> Int? {
                let path = String(url.dropFirst("ws://127.0.0.1:\(port)".count))
                var messages: [(opcode: UInt8, payload: [UInt8])] = []
                switch first {
                case .text(let text)?: messages.append((1, Array(text.utf8)))
                case .binary(let buffer)?: messages.append((2, Array(buffer.readableBytesView)))
                default: break
                }
                let frames = messages
                return try await NIOThreadPool.singleton.runIfActive { try webSocketCloseCode(port: port, path, messages: frames) }
            }
            let base = "ws://127.0.0.1:\(server.http)/v1/streams"
            #expect(try await closeCode("\(base)/\(id)/audio?token=wrong", nil) == 4401)
            #expect(try await closeCode("\(base)/nope/audio?token=x", nil) == 4404)
            #expect(try await closeCode("\(base)/nope/frames", nil) == 4404)
            // Bad declarations: binary first, not JSON, unknown format, PCM without a rate.
            let token = "?token=\(created["token"]!.string!)"
            let audio = "\(base)/\(id)/audio\(token)"
            #expect(try await closeCode(audio, .binary(ByteBuffer(bytes: [1, 2, 3]))) == 1003)
            #expect(try await closeCode(audio, .text("{format: opus")) == 1003)
            #expect(try await closeCode(audio, .text("{\"format\":\"mp3\"}")) == 1003)
            #expect(try await closeCode(audio, .text("{\"format\":\"pcm16\"}")) == 1003)
            // Declared, then a bad message: odd PCM length (1007), an Opus message over 4000 bytes (1009).
            func closeAfter(_ url: String, _ declaration: String, _ message: [UInt8]) async throws -> Int? {
                let path = String(url.dropFirst("ws://127.0.0.1:\(port)".count))
                return try await NIOThreadPool.singleton.runIfActive {
                    try webSocketCloseCode(port: port, path, messages: [(1, Array(declaration.utf8)), (2, message)])
                }
            }
            let second = try await server.createStream()
            let secondAudio = "\(base)/\(second["id"]!.string!)/audio?token=\(second["token"]!.string!)"
            #expect(try await closeAfter(secondAudio, "{\"format\":\"pcm16\",\"sample_rate\":16000}", [1, 2, 3]) == 1007)
            let third = try await server.createStream()
            let thirdAudio = "\(base)/\(third["id"]!.string!)/audio?token=\(third["token"]!.string!)"
            #expect(try await closeAfter(thirdAudio, "{\"format\":\"opus\"}", [UInt8](repeating: 7, count: 4001)) == 1009)
            // Audio after `end` is refused with 1008 (the stream is draining its last frames).
            let afterEnd = try await server.createStream()
            let afterEndAudio = "\(base)/\(afterEnd["id"]!.string!)/audio?token=\(afterEnd["token"]!.string!)"
            let afterEndClose = try await WebSocketClient.connect(url: afterEndAudio, logger: logger) { inbound, outbound, _ in
                try await outbound.write(.text("{\"format\":\"pcm16\",\"sample_rate\":16000}"))
                var messages = inbound.messages(maxSize: 1 << 16).makeAsyncIterator()
                _ = try await messages.next()  // ready
                try await outbound.write(.binary(ByteBuffer(bytes: [UInt8](repeating: 0, count: 16_000))))
                try await outbound.write(.text("{\"type\":\"end\"}"))
                _ = try await messages.next()  // ended
                try await outbound.write(.binary(ByteBuffer(bytes: [UInt8](repeating: 0, count: 640))))
                while try await messages.next() != nil {}
            }
            #expect(afterEndClose.map { Int(UInt16(webSocketErrorCode: $0.closeCode)) } == 1008)
            #expect(try await server.metric("voxface_websocket_rejected_total{reason=\"after_end\"}") == 1)
            // A sender gone before any audio leaves nothing to drain: its stream closes at once.
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await server.request("GET", "/v1/streams/\(second["id"]!.string!)").status == 404)
            // A stream that already has its ingest (RTP, bound by its first packet): 4409.
            let rtpBound = try await server.createStream()
            let sender = try UDPSocket()
            try await sendRTP(try speech48k()[0..<960], ssrc: UInt32(rtpBound["ssrc"]!.int!), to: server.rtp, from: sender)
            try await Task.sleep(for: .milliseconds(100))
            let rtpBoundAudio = "\(base)/\(rtpBound["id"]!.string!)/audio?token=\(rtpBound["token"]!.string!)"
            #expect(try await closeCode(rtpBoundAudio, .text("{\"format\":\"opus\"}")) == 4409)
            // A message over the 64 KiB frame limit closes the connection too (1009).
            let fourth = try await server.createStream()
            let fourthAudio = "\(base)/\(fourth["id"]!.string!)/audio?token=\(fourth["token"]!.string!)"
            #expect(
                try await closeAfter(fourthAudio, "{\"format\":\"pcm16\",\"sample_rate\":16000}", [UInt8](repeating: 0, count: 70_000))
                    == 1009)
            for reason in ["bad_token", "unknown_stream", "bad_format", "bad_payload", "too_big", "ingest_conflict"] {
                #expect(try await server.metric("voxface_websocket_rejected_total{reason=\"\(reason)\"}") >= 1, "\(reason)")
            }
            await server.stop()
        }
    }
}
