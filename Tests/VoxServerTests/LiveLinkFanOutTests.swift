import Testing
import VoxMedia

@testable import VoxServer

extension ServerTests {
    /// One stream to many Live Link targets, over real loopback sockets: the frame's packets are
    /// encoded on each sending socket's event loop into one shared buffer and sent as views of
    /// it, so each view must carry its own target's subject and the frame's values.
    @Suite struct LiveLinkFanOutTests {
        @Test func everyTargetGetsEveryFrameUnderItsOwnSubject() async throws {
            let server = try await TestServer()
            let created = try await server.createStream()
            let id = created["id"]!.string!
            let ssrc = UInt32(created["ssrc"]!.int!)
            // An odd count, so the sockets' shares differ in size; ::1 too where the host has it.
            var receivers: [(subject: String, socket: UDPSocket, host: String)] = []
            for k in 0..<9 { receivers.append(("v4-\(k)", try UDPSocket(), "127.0.0.1")) }
            if let v6 = try? UDPSocket(ipv6: true) {
                receivers.insert(("v6-0", v6, "::1"), at: 4)
            } else {
                print("LiveLinkFanOutTests: no IPv6 loopback here; IPv4 targets only")
            }
            for r in receivers {
                let body = "{\"host\":\"\(r.host)\",\"port\":\(r.socket.port),\"subject\":\"\(r.subject)\"}"
                #expect(try await server.request("POST", "/v1/streams/\(id)/livelink", body: Array(body.utf8)).status == 201)
            }
            let sender = try UDPSocket()
            let pcm = try speech48k()
            try await sendRTP(pcm[0..<48_000], ssrc: ssrc, to: server.rtp, from: sender)

            let frames = 50
            var valuesByFrame: [Int32: [Float]] = [:]
            for r in receivers {
                var numbers: [Int32] = []
                while numbers.count < frames, let datagram = await r.socket.receive(timeout: 5) {
                    let packet = try #require(LiveLinkPacket(datagram), "\(r.subject): not a Live Link packet")
                    #expect(packet.subject == r.subject)
                    #expect(packet.values.count == 61)
                    numbers.append(packet.frameNumber)
                    // Every target is sent the same values for a frame.
                    if let seen = valuesByFrame[packet.frameNumber] {
                        #expect(seen == packet.values, "\(r.subject): frame \(packet.frameNumber) differs")
                    } else {
                        valuesByFrame[packet.frameNumber] = packet.values
                    }
                }
                #expect(numbers.count == frames, "\(r.subject) got \(numbers.count) frames")
                #expect(numbers.first == 0 && zip(numbers, numbers.dropFirst()).allSatisfy { $1 == $0 + 1 }, "\(r.subject)")
            }
            let targets = try await server.request("GET", "/v1/streams/\(id)/livelink").json()
            let sent = try #require(targets["targets"]?.array).compactMap { $0["frames_sent"]?.int }
            #expect(sent.count == receivers.count && sent.allSatisfy { $0 >= frames }, "\(sent)")
            #expect(try await server.metric("voxface_livelink_packets_total") >= Double(frames * receivers.count))
            await server.stop()
        }
    }
}
