import Glibc
import HummingbirdWSClient
import Logging
import NIOCore
import Synchronization
import Testing
import VoxCore
import VoxDSP
import VoxMedia

@testable import VoxServer

/// Real sockets on loopback: RTP in, Live Link out; WebSocket in, WebSocket out.
extension ServerTests {
    @Suite struct EndToEndTests {
        /// 3 s of speech, encoded with libopus (FEC on) into 20 ms RTP packets starting just before
        /// the sequence and timestamp wrap, sent at twice real time with one loss in 17, duplicates
        /// and swapped pairs. Live Link packets: consecutive frame numbers from 0, 60 per second of
        /// audio, every value equal (1e-4) to the same pipeline run offline on the audio the jitter
        /// buffer rebuilds (FEC for each lost packet).
        @Test func rtpWithLossDuplicationAndReorderingReachesLiveLink() async throws {
            let server = try await TestServer()
            let created = try await server.createStream()
            let id = created["id"]!.string!
            let ssrc = UInt32(created["ssrc"]!.int!)
            #expect(created["rtp_port"]!.int == server.rtp)
            #expect(created["token"]!.string!.count == 32)
            let receiver = try UDPSocket()
            let target = try await server.request(
                "POST", "/v1/streams/\(id)/livelink",
                body: Array("{\"host\":\"127.0.0.1\",\"port\":\(receiver.port),\"subject\":\"test\"}".utf8))
            #expect(target.status == 201)

            let pcm = try speech48k()
            let encoder = try OpusEncoder(bitrate: 32_000, expectedLoss: 10)
            var payloads: [[UInt8]] = []
            var padded = pcm
            padded += [Float](repeating: 0, count: (960 - pcm.count % 960) % 960)
            for start in stride(from: 0, to: padded.count, by: 960) {
                payloads.append(try padded[start..<start + 960].withUnsafeBufferPointer { try encoder.encode($0) })
            }
            let count = payloads.count
            let dropped = Set((0..<count).filter { $0 % 17 == 8 && $0 < count - 2 })
            let duplicated = Set((0..<count).filter { $0 % 11 == 3 })
            let swapped = Set((0..<count).filter { $0 % 13 == 5 && !dropped.contains($0) && !dropped.contains($0 + 1) && $0 + 1 < count })
            let firstSequence: UInt16 = 65_500
            let firstTimestamp: UInt32 = 0xFFFF_F000
            func packet(_ i: Int) -> [UInt8] {
                RTPPacket.encode(
                    payloadType: 97, sequence: firstSequence &+ UInt16(i), timestamp: firstTimestamp &+ UInt32(i * 960), ssrc: ssrc,
                    payload: payloads[i])
            }
            var order: [Int] = []
            var i = 0
            while i < count {
                if swapped.contains(i) {
                    order += [i + 1, i]
                    i += 2
                    continue
                }
                order.append(i)
                if duplicated.contains(i) { order.append(i) }
                i += 1
            }
            let sender = try UDPSocket()
            let datagrams = order.filter { !dropped.contains($0) }.map(packet)
            let port = server.rtp
            let sending = Task {
                // Real time on an absolute schedule (a late wake-up does not shift later packets).
                let start = ContinuousClock.now
                for (k, datagram) in datagrams.enumerated() {
                    try await Task.sleep(until: start + .milliseconds(20 * k))
                    sender.send(datagram, to: port)
                }
            }
            let frames = pcm.count / 800
            var received: [Int: [Float]] = [:]
            var numbers: [Int32] = []
            var devices = Set<String>()
            while numbers.count < frames + 30, let datagram = await receiver.receive(timeout: 5) {
                let decoded = try #require(LiveLinkPacket(datagram))
                #expect(decoded.version == 6 && decoded.subject == "test" && decoded.rate == (60, 1) && decoded.deviceID.count == 36)
                devices.insert(decoded.deviceID)
                numbers.append(decoded.frameNumber)
                received[Int(decoded.frameNumber)] = modelOrder(decoded.values)
            }
            try await sending.value
            #expect(devices.count == 1)
            #expect(numbers.count >= frames)
            #expect(numbers.first == 0)
            #expect(zip(numbers, numbers.dropFirst()).allSatisfy { $1 == $0 + 1 }, "frame numbers must be consecutive")

            // The audio the jitter buffer rebuilds: FEC from the next packet for each lost one.
            let decoder = try OpusDecoder()
            var rebuilt: [Float] = []
            var out = [Float](repeating: 0, count: 5760)
            for k in 0..<count {
                let n = try out.withUnsafeMutableBufferPointer { buffer in
                    try dropped.contains(k)
                        ? payloads[k + 1].withUnsafeBytes { try decoder.recover(from: $0, samples: 960, into: buffer) }
                        : payloads[k].withUnsafeBytes { try decoder.decode($0, into: buffer) }
                }
                rebuilt += out[0..<n]
            }
            let reference = try offlineFrames(rebuilt, block: 960, hop: 6, lookahead: 12, finish: false)
            #expect(reference.count > frames - 40)
            var worst: Float = 0
            for (index, expected) in reference.enumerated() {
                let got = try #require(received[index], "frame \(index) missing")
                for c in 0..<61 { worst = max(worst, abs(got[c] - expected[c])) }
            }
            #expect(worst <= 1e-4, "max |Live Link - offline| = \(worst)")

            let info = try await server.request("GET", "/v1/streams/\(id)").json()
            let jitter = info["counters"]!["jitter"]!
            #expect(jitter["recovered_fec"]!.int == dropped.count)
            // A duplicate of a packet already played out is counted late, not duplicate.
            let sent = order.filter { !dropped.contains($0) }
            #expect(jitter["duplicates"]!.int! + jitter["late"]!.int! == sent.count - Set(sent).count)
            #expect(info["counters"]!["frames_late"]!.int == 0)
            // An explicit delay stays as set; the measured allowances are reported beside it, and
            // the reordering shows in the jitter allowance.
            #expect(info["settings"]!["latency_profile"]!.string == "adaptive")
            #expect(info["counters"]!["playout_delay_ms"]!.double == 700)
            #expect(info["counters"]!["jitter_allowance_ms"]!.double! >= 10, "a swapped packet arrives about 20 ms late")
            #expect(info["counters"]!["compute_allowance_ms"]!.double! > 1)
            // A lone stream keeps the batch schedule's windows (phase 0), which is why it matches.
            #expect(info["counters"]!["window_phase"]?.int == 0)
            #expect(info["settings"]!["window_phase"] == .null)
            #expect(info["source"]!.string == "127.0.0.1:\(sender.port)")
            #expect(try await server.metric("voxface_rtp_dropped_total{reason=\"jitter_duplicate\"}") == Double(jitter["duplicates"]!.int!))
            await server.stop()
        }

        /// 16 kHz PCM over WebSocket ingest, frames over a WebSocket subscription: every frame of the
        /// clip arrives once, in order, none held, the last flagged, equal (1e-4) to the offline
        /// pipeline with the stream finished; then the subscriber is told the stream ended.
        @Test func websocketIngestAndSubscription() async throws {
            let server = try await TestServer()
            let created = try await server.createStream()
            let audioURL = created["audio_url"]!.string!
            let framesURL = created["frames_url"]!.string!
            let pcm = try AudioFileReaderFixture.pcm16k()
            let logger = Logger(label: "ws-test")
            let subscriber = FrameSubscriber(url: framesURL)
            try await Task.sleep(for: .milliseconds(200))
            let endedReply = Mutex<String?>(nil)
            try await WebSocketClient.connect(url: audioURL, logger: logger) { inbound, outbound, _ in
                var messages = inbound.messages(maxSize: 1 << 16).makeAsyncIterator()
                try await outbound.write(.text("{\"format\":\"pcm16\",\"sample_rate\":16000}"))
                guard case .text(let ready)? = try await messages.next() else { return }
                #expect(ready.contains("\"ready\""))
                let began = ContinuousClock.now
                for (k, start) in stride(from: 0, to: pcm.count, by: 640).enumerated() {
                    try await Task.sleep(until: began + .milliseconds(20 * k))
                    let chunk = pcm[start..<min(pcm.count, start + 640)]
                    try await outbound.write(.binary(ByteBuffer(bytes: chunk)))
                }
                try await outbound.write(.text("{\"type\":\"end\"}"))
                if case .text(let ended)? = try await messages.next() { endedReply.withLock { $0 = ended } }
                try await outbound.close(.normalClosure, reason: nil)
            }
            let result = try await subscriber.finished(timeout: 10)
            let ended = try #require(endedReply.withLock { $0 })
            let total = try #require(try JSON.parse(Array(ended.utf8))["frames"]?.int)
            #expect(result.frames.count == total)
            #expect(result.frames.map(\.index) == (0..<UInt64(total)).map { $0 })
            #expect(
                result.frames.dropLast().allSatisfy { $0.flags == 0 }, "held: \(result.frames.filter { $0.flags & 1 != 0 }.map(\.index))")
            #expect(result.frames.last?.flags == 2)
            #expect(result.texts.last?.contains("\"ended\"") == true)

            let samples = stride(from: 0, to: pcm.count, by: 2).map {
                Float(Int16(bitPattern: UInt16(pcm[$0]) | UInt16(pcm[$0 + 1]) << 8)) / 32768
            }
            let reference = try offlineFrames(samples, rate: 16_000, block: 320, hop: 6, lookahead: 12, finish: true)
            #expect(reference.count == total)
            var worst: Float = 0
            for (frame, expected) in zip(result.frames, reference) {
                for c in 0..<68 { worst = max(worst, abs(frame.values[c] - expected[c])) }
            }
            #expect(worst <= 1e-4, "max |WebSocket - offline| = \(worst)")
            await server.stop()
        }
    }
}

/// The speech fixture as 16 kHz little-endian 16-bit PCM bytes.
enum AudioFileReaderFixture {
    static func pcm16k() throws -> [UInt8] {
        let audio = try speech48k()
        let resampled = Resampler.resample(audio, from: 48_000, to: 16_000)
        var bytes: [UInt8] = []
        for s in resampled {
            let v = Int16(max(-32768, min(32767, (s * 32768).rounded())))
            bytes.append(UInt8(truncatingIfNeeded: v))
            bytes.append(UInt8(truncatingIfNeeded: v >> 8))
        }
        return bytes
    }
}
