import HummingbirdWSClient
import Logging
import NIOCore
import Synchronization
import Testing
import VoxMedia

@testable import VoxServer

/// How streams end: graceful shutdown, idle timeout, deletion. Every subscriber is told why.
extension ServerTests {
    @Suite struct LifecycleTests {
        /// The SIGTERM path: frame subscribers get `stream_closed` (reason `shutdown`) and a 1001
        /// close, an idle audio WebSocket is hung up with 1001, and the server returns promptly.
        @Test func gracefulShutdownTellsEverySubscriber() async throws {
            let server = try await TestServer()
            let rtpStream = try await server.createStream()
            let wsStream = try await server.createStream()
            let subscriber = FrameSubscriber(url: rtpStream["frames_url"]!.string!)
            let ingestClose = Mutex<Int?>(nil)
            let ready = Mutex(false)
            let ingest = Task {
                let close = try await WebSocketClient.connect(url: wsStream["audio_url"]!.string!, logger: Logger(label: "ingest")) {
                    inbound, outbound, _ in
                    try await outbound.write(.text("{\"format\":\"opus\"}"))
                    for try await _ in inbound.messages(maxSize: 1 << 16) { ready.withLock { $0 = true } }
                }
                ingestClose.withLock { $0 = close.map { Int(UInt16(webSocketErrorCode: $0.closeCode)) } }
            }
            let sender = try UDPSocket()
            let pcm = try speech48k()
            let port = server.rtp
            let ssrc = UInt32(rtpStream["ssrc"]!.int!)
            let sending = Task { try await sendRTP(pcm[0..<96_000], ssrc: ssrc, to: port, from: sender) }
            try await subscriber.waitForFrames(20, timeout: 10)
            #expect(ready.withLock { $0 })

            let began = ContinuousClock.now
            await server.stop()
            let stopTime = ContinuousClock.now - began
            #expect(stopTime < .seconds(5), "shutdown took \(stopTime)")
            let result = try await subscriber.finished(timeout: 5)
            #expect(result.texts.last?.contains("\"stream_closed\"") == true && result.texts.last?.contains("\"shutdown\"") == true)
            #expect(result.closeCode == 1001)
            _ = try? await ingest.value
            #expect(ingestClose.withLock { $0 } == 1001)
            // Frames came in order with no gap up to the end.
            #expect(result.frames.map(\.index) == (0..<UInt64(result.frames.count)).map { $0 })
            sending.cancel()
        }

        /// Audio stops: frames keep flowing at 60 fps, easing to a neutral face, until the idle
        /// timeout closes the stream; the subscriber is told (`idle`), the stream is gone, and
        /// the close is counted.
        @Test func idleStreamKeepsFramesFlowingThenCloses() async throws {
            let server = try await TestServer()
            let stream = try await server.createStream("{\"idle_timeout_s\": 1.5}")
            let id = stream["id"]!.string!
            let subscriber = FrameSubscriber(url: stream["frames_url"]!.string!)
            try await Task.sleep(for: .milliseconds(100))
            let sender = try UDPSocket()
            let pcm = try speech48k()
            try await sendRTP(pcm[0..<48_000], ssrc: UInt32(stream["ssrc"]!.int!), to: server.rtp, from: sender)
            // While it runs, the pool counts its windows: hop 6, 10 a second.
            #expect(try await server.metric("voxface_model_windows_placed_per_second") == 10)
            let result = try await subscriber.finished(timeout: 10)
            #expect(result.texts.last?.contains("\"idle\"") == true, "\(result.texts)")
            #expect(result.closeCode == 1000)
            let indices = result.frames.map(\.index)
            #expect(indices == (0..<UInt64(indices.count)).map { $0 }, "consecutive frames")
            // One second of audio, then at least the idle timeout's worth of frames after it.
            #expect(indices.count >= 60 + 80, "\(indices.count) frames")
            // The face ends neutral: shapes and rotations at zero on the last frame.
            let last = try #require(result.frames.last)
            #expect(last.values[0..<61].allSatisfy { abs($0) < 1e-6 }, "last frame not neutral")
            #expect(try await server.request("GET", "/v1/streams/\(id)").status == 404)
            #expect(try await server.metric("voxface_streams_closed_total{reason=\"idle\"}") == 1)
            // The stream's place among the model windows went back with it.
            #expect(try await server.metric("voxface_model_windows_placed_per_second") == 0)
            await server.stop()
        }

        /// DELETE: the subscriber hears `deleted` with a normal close; the ingest is hung up.
        @Test func deletingAStreamTellsItsSubscribers() async throws {
            let server = try await TestServer()
            let stream = try await server.createStream()
            let subscriber = FrameSubscriber(url: stream["frames_url"]!.string!)
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await server.request("DELETE", "/v1/streams/\(stream["id"]!.string!)").status == 204)
            let result = try await subscriber.finished(timeout: 5)
            #expect(result.texts.last?.contains("\"deleted\"") == true)
            #expect(result.closeCode == 1000)
            await server.stop()
        }

        /// A WebSocket sender that streams PCM16 and then just closes its socket (no `end`): the
        /// stream drains what it accepted and closes as `ended` once its last frame is out, with the
        /// default idle timeout; the subscriber gets every frame, the last flagged, then `ended`.
        @Test func closingTheAudioWebSocketEndsTheStream() async throws {
            let server = try await TestServer()
            let stream = try await server.createStream()
            let id = stream["id"]!.string!
            let subscriber = FrameSubscriber(url: stream["frames_url"]!.string!)
            try await Task.sleep(for: .milliseconds(200))
            let pcm = try AudioFileReaderFixture.pcm16k()
            try await WebSocketClient.connect(url: stream["audio_url"]!.string!, logger: Logger(label: "ingest")) { inbound, outbound, _ in
                var messages = inbound.messages(maxSize: 1 << 16).makeAsyncIterator()
                try await outbound.write(.text("{\"format\":\"pcm16\",\"sample_rate\":16000}"))
                guard case .text? = try await messages.next() else { return }
                let began = ContinuousClock.now
                for (k, start) in stride(from: 0, to: pcm.count, by: 640).enumerated() {
                    try await Task.sleep(until: began + .milliseconds(20 * k))
                    try await outbound.write(.binary(ByteBuffer(bytes: pcm[start..<min(pcm.count, start + 640)])))
                }
                try await outbound.close(.normalClosure, reason: nil)
            }
            let closedAt = ContinuousClock.now
            let result = try await subscriber.finished(timeout: 8)
            #expect(ContinuousClock.now - closedAt < .seconds(3), "ended within the playout delay, not the idle timeout")
            #expect(result.texts.last?.contains("\"ended\"") == true, "\(result.texts)")
            #expect(result.closeCode == 1000)
            // Every sample of the clip made it into frames: 3 s of speech at 60 fps, consecutive.
            let seconds = Double(pcm.count / 2) / 16_000
            #expect(result.frames.count >= Int(seconds * 60) - 1, "\(result.frames.count) frames for \(seconds) s")
            #expect(result.frames.map(\.index) == (0..<UInt64(result.frames.count)).map { $0 })
            #expect(result.frames.last?.flags == 2)
            #expect(try await server.request("GET", "/v1/streams/\(id)").status == 404)
            #expect(try await server.metric("voxface_streams_closed_total{reason=\"ended\"}") == 1)
            await server.stop()
        }

        /// A stream that never gets audio closes at its first-audio deadline (`no_audio`), so
        /// unused streams cannot hold every slot: with the cap reached, a create gets 503 until they
        /// expire, then 201. The default deadline (60 s) is in the stream's settings.
        @Test func waitingStreamsExpire() async throws {
            let server = try await TestServer { $0.maxStreams = 2 }
            let first = try await server.createStream("{\"first_audio_timeout_s\": 1}")
            let subscriber = FrameSubscriber(url: first["frames_url"]!.string!)
            _ = try await server.createStream("{\"first_audio_timeout_s\": 1}")
            let refused = try await server.request("POST", "/v1/streams")
            #expect(refused.status == 503 && refused.text.contains("too_many_streams"))
            let result = try await subscriber.finished(timeout: 5)
            #expect(result.texts.last?.contains("\"no_audio\"") == true, "\(result.texts)")
            #expect(result.frames.isEmpty)
            try await Task.sleep(for: .milliseconds(200))
            let third = try await server.createStream()
            #expect(third["state"]?.string == "waiting")
            #expect(third["settings"]?["first_audio_timeout_s"]?.double == 60)
            #expect(try await server.metric("voxface_streams_closed_total{reason=\"no_audio\"}") == 2)
            #expect(try await server.request("POST", "/v1/streams", body: Array("{\"first_audio_timeout_s\": 0}".utf8)).status == 400)
            await server.stop()
        }
    }
}
