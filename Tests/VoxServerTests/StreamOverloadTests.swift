import NIOCore
import Testing
import VoxCore
import VoxMedia
import VoxSettings

@testable import VoxServer

/// A stream whose worker falls a whole jitter buffer behind, without sockets: packets offered on
/// an injected clock while no job runs, then the jobs catch up.
@Suite struct StreamOverloadTests {
    /// 2 s of packets arrive while the worker is stalled; the jitter buffer holds 64 (1.28 s). The
    /// 36 oldest are dropped on purpose (`overload_dropped`), none counts as lost, and the timeline
    /// jumps over them by whole frames, so the kept 1.28 s of audio lands at its own time: the
    /// timeline ends at exactly 2 s and the model never ran on the dropped time.
    @Test func aStreamAWholeBufferBehindDropsItsOldestAudio() async throws {
        let pool = WorkerPool(threads: 1)
        let stream = Stream(
            id: "overload", ssrc: 42, token: "t", createdAt: "", settings: StreamSettings(hop: 6, lookahead: 12), model: testModel,
            metrics: ServerMetrics(), bus: EventBus(), pool: pool, now: 0)
        let pcm = try speech48k()
        let encoder = try OpusEncoder()
        let source = try SocketAddress(ipAddress: "127.0.0.1", port: 9)
        for k in 0..<100 {
            let start = (k * 960) % (pcm.count - 960)
            let payload = try pcm[start..<start + 960].withUnsafeBufferPointer { try encoder.encode($0) }
            let datagram = RTPPacket.encode(payloadType: 97, sequence: UInt16(k), timestamp: UInt32(k * 960), ssrc: 42, payload: payload)
            try datagram.withUnsafeBytes { raw in
                let packet = try RTPPacket.parse(raw)
                let verdict = stream.offerRTP(packet, datagram: raw, from: source, now: Microseconds(k) * 20_000)
                guard case .accepted(let outcome, _) = verdict else { throw TestError("packet \(k): \(verdict)") }
                #expect(outcome == .accepted)
            }
        }
        var jobs = 0
        while stream.work(now: 2_000_000) { jobs += 1 }
        let info = stream.info()
        #expect(info.counters.jitter.overloadDropped == 36, "\(info.counters.jitter) jobs \(jobs) produced \(info.counters.framesProduced)")
        #expect(info.counters.jitter.lost == 0 && info.counters.jitter.overflows == 0)
        #expect(info.counters.timelineJumps == 1)
        #expect(abs(info.counters.audioSeconds - 1.28) < 1e-9, "\(info.counters.audioSeconds) s of audio decoded")
        // 34,560 samples dropped: a jump of 43 frames (34,400 samples) and 160 samples of silence.
        #expect(abs(info.counters.silenceSeconds - 160.0 / 48_000) < 1e-9)
        #expect(stream.state.withLock { $0.output.timelinePosition } == 96_000)
        #expect(stream.state.withLock { $0.output.frameOffset } == 43)
        await pool.shutdown()
    }
}
