import Glibc
import Testing
import VoxMedia
import VoxModel
import VoxSettings
import VoxTestSupport

@testable import VoxServer

/// A flooding sender and a subscriber that stops reading: each is bounded and counted, and the
/// streams beside them keep real time.
extension ServerTests {
    @Suite struct OverloadTests {
        /// One source floods a stream it bound with garbage Opus at tens of thousands of packets a
        /// second, and sprays unknown SSRCs: the flood is rate-limited and counted, garbage that
        /// gets through is counted as decode errors, and another stream loses no frame.
        @Test func floodFromOneSourceIsRateLimitedAndCounted() async throws {
            let server = try await TestServer()
            let good = try await server.createStream()
            let victim = try await server.createStream()
            let victimID = victim["id"]!.string!
            let receiver = try UDPSocket()
            _ = try await server.request(
                "POST", "/v1/streams/\(good["id"]!.string!)/livelink",
                body: Array("{\"host\":\"127.0.0.1\",\"port\":\(receiver.port)}".utf8))
            let pcm = try speech48k()
            let port = server.rtp
            let sender = try UDPSocket()
            let goodSSRC = UInt32(good["ssrc"]!.int!)
            let sending = Task { try await sendRTP(pcm[0..<96_000], ssrc: goodSSRC, to: port, from: sender) }
            let flooder = try UDPSocket()
            let victimSSRC = UInt32(victim["ssrc"]!.int!)
            let floodStart = ContinuousClock.now
            let flood = Task {
                var random = SystemRandomNumberGenerator()
                for burst in 0..<40 {
                    for k in 0..<500 {
                        let n = burst * 500 + k
                        let payload = (0..<Int.random(in: 1...200, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                        flooder.send(
                            RTPPacket.encode(
                                payloadType: 97, sequence: UInt16(truncatingIfNeeded: n), timestamp: UInt32(n * 960), ssrc: victimSSRC,
                                payload: payload), to: port)
                        flooder.send(
                            RTPPacket.encode(payloadType: 97, sequence: 1, timestamp: 0, ssrc: UInt32(n) | 0x4000_0000, payload: payload),
                            to: port)
                    }
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            try await flood.value
            let floodSeconds = Double((ContinuousClock.now - floodStart).components.seconds) + 1
            var frames = 0
            while frames < 90, await receiver.receive(timeout: 3) != nil { frames += 1 }
            try await sending.value
            #expect(frames == 90)
            let info = try await server.request("GET", "/v1/streams/\(victimID)").json()
            let limited = try #require(info["counters"]?["rtp_dropped"]?["rate_limited"]?.int)
            let accepted = try #require(info["counters"]?["rtp_packets"]?.int)
            // At most the burst plus 500 packets/s over the flood's duration were let through.
            #expect(Double(accepted) <= 250 + 500 * floodSeconds, "\(accepted) flood packets accepted in \(floodSeconds) s")
            #expect(limited >= 15_000, "\(limited) rate-limited")
            #expect(try await server.metric("voxface_rtp_dropped_total{reason=\"rate_limited\"}") == Double(limited))
            #expect(try await server.metric("voxface_rtp_dropped_total{reason=\"unknown_ssrc\"}") >= 15_000)
            #expect(try await server.metric("voxface_opus_decode_errors_total") > 0)
            let goodInfo = try await server.request("GET", "/v1/streams/\(good["id"]!.string!)").json()
            #expect(goodInfo["counters"]?["frames_late"]?.int == 0)
            #expect(goodInfo["counters"]?["rtp_dropped"]?["rate_limited"]?.int == 0)
            await server.stop()
        }

        /// More model work than the one worker can do (a 7.5 M-parameter model every frame on
        /// three streams): the server does not fall silently behind; late frames are held and
        /// counted, and the streams widen their hop (fewer windows) until they keep up.
        @Test func overloadIsVisibleAndSheddedByWideningTheHop() async throws {
            let heavy = try RandomWeights.model(for: .small, seed: 3)
            let server = try await TestServer(model: heavy) {
                $0.workers = 1
                $0.streamDefaults = StreamSettings(hop: 1, lookahead: 2, playoutDelayMilliseconds: 250, idleTimeoutSeconds: 10)
            }
            let pcm = try speech48k()
            var ids: [String] = []
            var senders: [Task<Void, any Error>] = []
            for _ in 0..<3 {
                let stream = try await server.createStream()
                ids.append(stream["id"]!.string!)
                let socket = try UDPSocket()
                let ssrc = UInt32(stream["ssrc"]!.int!)
                let port = server.rtp
                senders.append(Task { try await sendRTP(pcm[...], ssrc: ssrc, to: port, from: socket) })
            }
            for sender in senders { try await sender.value }
            var widenings = 0
            var late = 0
            for id in ids {
                let info = try await server.request("GET", "/v1/streams/\(id)").json()
                let n = info["counters"]?["hop_widenings"]?.int ?? 0
                widenings += n
                late += info["counters"]?["deadline_misses"]?.int ?? 0
                #expect((info["counters"]?["frames_produced"]?.int ?? 0) >= 60, "a stream starved of the worker")
                if n > 0 { #expect((info["settings"]?["hop"]?.int ?? 0) >= 2, "hop widened in the settings") }
            }
            #expect(late > 0, "no deadline was missed: the test did not overload the worker")
            #expect(widenings >= 1)
            #expect(try await server.metric("voxface_hop_widenings_total") >= Double(widenings))
            #expect(try await server.metric("voxface_deadline_misses_total") >= Double(late))  // frames still flow
            await server.stop()
        }

        /// A frame subscriber that never reads: its queue drops the oldest frames (counted on the
        /// stream and in /metrics) while a Live Link target of the same stream gets every frame.
        @Test func slowWebSocketReaderDropsOnlyItsOwnFrames() async throws {
            let server = try await TestServer { $0.subscriberQueue = 16 }
            let stream = try await server.createStream("{\"idle_timeout_s\": 1}")
            let id = stream["id"]!.string!
            let receiver = try UDPSocket()
            _ = try await server.request(
                "POST", "/v1/streams/\(id)/livelink", body: Array("{\"host\":\"127.0.0.1\",\"port\":\(receiver.port)}".utf8))
            let stalled = try StalledWebSocket(port: server.http, path: "/v1/streams/\(id)/frames?format=json")
            let pcm = try speech48k()
            let sender = try UDPSocket()
            try await sendRTP((pcm + pcm)[...], ssrc: UInt32(stream["ssrc"]!.int!), to: server.rtp, from: sender)
            var dropped = 0
            while true {  // read the stream's counters while it is still open (the idle close follows)
                guard let info = try? await server.request("GET", "/v1/streams/\(id)").json(), let counters = info["counters"] else {
                    break
                }
                dropped = counters["subscriber_dropped"]?.int ?? 0
                #expect(counters["frames_late"]?.int == 0)
                try await Task.sleep(for: .milliseconds(100))
            }
            var received = 0
            while await receiver.receive(timeout: 1) != nil { received += 1 }
            let sent = try await server.metric("voxface_frames_sent_total")
            #expect(dropped > 0, "the stalled reader dropped nothing")
            #expect(Double(received) == sent, "Live Link got \(received) of \(sent)")
            #expect(try await server.metric("voxface_subscriber_dropped_frames_total") >= Double(dropped))
            stalled.close()
            await server.stop()
        }
    }
}

/// A WebSocket client that upgrades and then never reads (a tiny receive buffer, so the server's
/// writes back up quickly).
final class StalledWebSocket: @unchecked Sendable {
    private let fd: Int32

    init(port: Int, path: String) throws {
        fd = try connectLoopback(port: port, receiveBuffer: 2048, timeoutSeconds: 5)
        let request =
            "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        _ = Array(request.utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        // Read only the 101 response head, byte by byte so no frame is consumed.
        var head: [UInt8] = []
        var byte: UInt8 = 0
        while !head.suffix(4).elementsEqual([13, 10, 13, 10]) {
            guard recv(fd, &byte, 1, 0) == 1 else { throw TestError("no upgrade response") }
            head.append(byte)
        }
        guard String(decoding: head, as: UTF8.self).hasPrefix("HTTP/1.1 101") else { throw TestError("upgrade refused") }
    }

    func close() { Glibc.close(fd) }
}
