import NIOCore
import Testing
import VoxCore
import VoxMedia
import VoxSettings

@testable import VoxServer

/// The worker pool's placement of streams' model windows, without sockets: streams whose audio
/// starts together take different phases, and closing gives the place back.
@Suite struct WindowPlacementTests {
    private func stream(_ ssrc: UInt32, _ pool: WorkerPool, settings: StreamSettings = StreamSettings(hop: 4, lookahead: 1)) -> Stream {
        Stream(
            id: "s\(ssrc)", ssrc: ssrc, token: "t", createdAt: "", settings: settings, model: testModel,
            metrics: ServerMetrics(), bus: EventBus(), pool: pool, now: 0)
    }

    private func phase(_ stream: Stream) -> Int? { stream.engine.withLock { $0?.windows?.placement.phase } }

    private func offer(_ stream: Stream, packets: Int, encoder: OpusEncoder, pcm: [Float]) throws {
        let source = try SocketAddress(ipAddress: "127.0.0.1", port: 9)
        for k in 0..<packets {
            let payload = try pcm[k * 960..<(k + 1) * 960].withUnsafeBufferPointer { try encoder.encode($0) }
            let datagram = RTPPacket.encode(
                payloadType: 97, sequence: UInt16(k), timestamp: UInt32(k * 960), ssrc: stream.ssrc, payload: payload)
            try datagram.withUnsafeBytes { raw in
                let verdict = stream.offerRTP(try RTPPacket.parse(raw), datagram: raw, from: source, now: Microseconds(k) * 20_000)
                guard case .accepted = verdict else { throw TestError("packet \(k): \(verdict)") }
            }
        }
    }

    /// Four streams whose first packets arrive in the same instant get the four phases of hop 4,
    /// so their windows fall due in four different frames; each close releases one place, and a
    /// stream closed before its first job ran never takes one.
    @Test func streamsStartedTogetherTakeTurnsAndGiveTheirPlaceBack() async throws {
        let pool = WorkerPool(threads: 1)
        let pcm = try speech48k()
        let encoder = try OpusEncoder()
        let streams = (1...4).map { stream(UInt32($0), pool) }
        for s in streams {
            try offer(s, packets: 5, encoder: encoder, pcm: pcm)
            while s.work(now: 100_000) {}
        }
        let phases = streams.map(phase)
        #expect(Set(phases.compactMap { $0 }) == [0, 1, 2, 3], "\(phases)")
        #expect(pool.placedWindowsPerSecond == 4 * 15)

        let late = stream(5, pool)
        try offer(late, packets: 5, encoder: encoder, pcm: pcm)
        #expect(late.close(.deleted))  // closed with its packets queued, before its first job
        while late.work(now: 100_000) {}
        #expect(pool.placedWindowsPerSecond == 4 * 15)

        for (i, s) in streams.enumerated() {
            #expect(s.close(.deleted))
            s.releaseWindows()
            s.releaseWindows()  // idempotent
            #expect(pool.placedWindowsPerSecond == (3 - i) * 15)
        }
        await pool.shutdown()
    }

    /// A phase fixed in the settings is kept however crowded its slots are, and the batch
    /// pipeline's schedule keeps phase 0 (it exists to reproduce `voxface process`), both still
    /// counted in the wheel so automatic streams avoid them.
    @Test func fixedPhasesAndTheBatchScheduleAreKept() async throws {
        let pool = WorkerPool(threads: 1)
        let pcm = try speech48k()
        let encoder = try OpusEncoder()
        let config = testModel.config
        var fixed = StreamSettings(hop: 4, lookahead: 1)
        fixed.windowPhase = 2
        let batch = StreamSettings(hop: config.frameSize - config.overlap, lookahead: config.overlap)
        let streams = [
            stream(1, pool, settings: fixed), stream(2, pool, settings: fixed), stream(3, pool, settings: batch),
            stream(4, pool, settings: batch),
        ]
        for s in streams {
            try offer(s, packets: 5, encoder: encoder, pcm: pcm)
            while s.work(now: 100_000) {}
        }
        #expect(streams.map(phase) == [2, 2, 0, 0])
        #expect(streams[0].info().counters.windowPhase == 2)
        let hop = config.frameSize - config.overlap
        #expect(pool.placedWindowsPerSecond == 2 * 15 + 2 * ((60 + hop - 1) / hop))
        for s in streams {
            _ = s.close(.deleted)
            s.releaseWindows()
        }
        #expect(pool.placedWindowsPerSecond == 0)
        await pool.shutdown()
    }
}
