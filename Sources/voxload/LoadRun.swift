import Glibc
import Logging
import NIOCore
import NIOPosix
import Synchronization
import VoxLoad

/// One load run: creates the streams, subscribes the receivers, pushes the audio on an absolute
/// schedule, waits for the last frames, reads the server's counters, deletes the streams and
/// returns the report.
struct LoadRun {
    let configuration: LoadConfiguration
    let audioPath: String
    let receiverHost: String
    let serverPID: Int?
    let slos: [SLO]
    let progress: @Sendable (String) -> Void

    /// One created stream and its receivers.
    private struct StreamState {
        var created: CreatedStream
        var logs: [FrameLog] = []
    }

    func run() async throws -> LoadReport {
        let c = configuration
        let client = HTTPClient(server: c.server)
        let health = try await blocking { try client.request("GET", "/health") }
        guard health.status == 200 else { throw LoadError.server("GET /health answered \(health.status)") }

        let packets = try AudioPackets(
            path: audioPath, count: c.packetsPerStream, samplesPerPacket: c.samplesPerPacket, bitrate: c.bitrate,
            expectedLoss: c.loss > 0 ? max(1, Int((c.loss * 100).rounded(.up))) : 0)
        let expected = c.expectedFramesPerStream
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var logger = Logger(label: "voxload")
        logger.logLevel = .error
        var streams: [StreamState] = []
        let receivers = LiveLinkReceivers()
        var tasks: [Task<Void, any Error>] = []
        let finished = Counter()

        /// Deletes the streams (the server then closes their WebSockets), closes the Live Link
        /// sockets, waits for the WebSocket tasks (5 s, then cancelled and 2 s more), and only then
        /// stops the event loop they run on.
        func cleanUp() async {
            for s in streams { _ = try? await blocking { try client.request("DELETE", "/v1/streams/\(s.created.id)") } }
            receivers.stop()
            if receivers.unstamped > 0 {
                progress("\(receivers.unstamped) Live Link datagrams had no kernel timestamp (stamped when read)")
            }
            if await !finished.wait(for: tasks.count, seconds: 5) {
                for task in tasks { task.cancel() }
                _ = await finished.wait(for: tasks.count, seconds: 2)
            }
            try? await group.shutdownGracefully()
        }

        do {
            // 1. Streams and Live Link targets.
            progress("creating \(c.streams) stream(s)")
            for s in 0..<c.streams {
                let body = c.settingsBody
                let reply = try await blocking { try client.request("POST", "/v1/streams", body: body) }
                guard reply.status == 201 else { throw LoadError.server("POST /v1/streams answered \(reply.status): \(reply.text)") }
                streams.append(StreamState(created: try CreatedStream.decode(reply.body)))
                for r in 0..<c.liveLinkPerStream {
                    let log = FrameLog(expectedFrames: expected)
                    let port = try receivers.add(host: receiverHost, log: log)
                    streams[s].logs.append(log)
                    let id = streams[s].created.id
                    let target = "{\"host\":\"\(receiverHost)\",\"port\":\(port),\"subject\":\"voxload-\(s)-\(r)\"}"
                    let added = try await blocking { try client.request("POST", "/v1/streams/\(id)/livelink", body: target) }
                    guard added.status == 201 else { throw LoadError.server("POST .../livelink answered \(added.status): \(added.text)") }
                }
            }

            receivers.start()

            // 2. Frame WebSocket subscribers, connected before any audio.
            let (connected, connectedSignal) = AsyncStream<Void>.makeStream()
            for s in streams.indices {
                for _ in 0..<c.webSocketPerStream {
                    let log = FrameLog(expectedFrames: expected)
                    streams[s].logs.append(log)
                    let url = streams[s].created.framesURL
                    tasks.append(
                        Task {
                            defer { finished.increment() }
                            try await WebSocketPeers.subscribe(url: url, log: log, group: group, logger: logger) {
                                connectedSignal.yield()
                            }
                        })
                }
            }
            try await waitFor(c.streams * c.webSocketPerStream, signals: connected, what: "frame WebSocket subscriptions")

            // 3. Audio sinks: an RTP socket per stream, or an audio WebSocket per stream.
            let sendLogs = streams.map { _ in SendLog(packets: c.packetsPerStream, packetsPerMinute: 60_000 / max(1, c.frameMilliseconds)) }
            var sinks: [PacketSink] = []
            let (ready, readySignal) = AsyncStream<Void>.makeStream()
            for (s, state) in streams.enumerated() {
                switch c.transport {
                case .rtp:
                    sinks.append(.rtp(try RTPSocket(host: c.server.host, port: state.created.rtpPort, ssrc: state.created.ssrc)))
                case .ws:
                    let (queue, feed) = AsyncStream<(packet: Int, due: Nanoseconds)>.makeStream()
                    sinks.append(.webSocket(feed))
                    let url = state.created.audioURL
                    let log = sendLogs[s]
                    tasks.append(
                        Task {
                            defer { finished.increment() }
                            try await WebSocketPeers.ingest(
                                url: url, packets: packets, queue: queue, log: log, group: group, logger: logger
                            ) { readySignal.yield() }
                        })
                }
            }
            if c.transport == .ws { try await waitFor(c.streams, signals: ready, what: "audio WebSockets") }

            // 4. Send on the absolute schedule, on a thread of its own, while sampling the server.
            let period = Nanoseconds(c.frameMilliseconds) * 1_000_000
            let schedule = SendSchedule(
                streams: c.streams, packets: c.packetsPerStream, period: period,
                impairments: .init(
                    loss: c.loss, jitter: Nanoseconds(c.jitterMilliseconds * 1e6), reorder: c.reorder, duplicate: c.duplicate),
                seed: c.seed)
            let sender = PacketSender(
                schedule: schedule, sinks: sinks, logs: sendLogs, packets: packets, samplesPerPacket: c.samplesPerPacket)
            let process = ServerProcess.find(pid: serverPID, port: c.server.port, loopback: c.server.isLoopback)
            let sampler = process.map { UsageSampler(process: $0, warmUpSeconds: c.effectiveWarmUpSeconds) }
            await sampler?.start()
            let memoryTask = Task {
                while !Task.isCancelled {
                    try await Task.sleep(for: .milliseconds(250))
                    await sampler?.sampleMemory()
                }
            }
            progress(
                "sending \(ReportTable.fixed(c.durationSeconds, 0)) s of audio into \(c.streams) stream(s) over \(c.transport.rawValue)")
            let senderThread = NIOThreadPool(numberOfThreads: 1)
            senderThread.start()
            let start = Monotonic.now() + 100_000_000
            let misses = MissPoller(client: client, start: start)
            let missTask = Task { await misses.run() }
            defer { missTask.cancel() }
            try await senderThread.runIfActive { sender.run(start: start) }
            try await senderThread.shutdownGracefully()
            missTask.cancel()
            await missTask.value
            await misses.sample()
            let atAudioEnd = await readCounters(streams.map(\.created.id), client: client)

            // 5. The last frames: every receiver has every expected frame, or the wait runs out.
            let delay = Nanoseconds(streams.map { $0.created.settings.playoutDelayMilliseconds ?? 600 }.max() ?? 600) * 1_000_000
            let deadline = Monotonic.now() + delay + 3_000_000_000
            let allLogs = streams.flatMap(\.logs)
            while Monotonic.now() < deadline, !interrupted.load(ordering: .relaxed),
                allLogs.contains(where: { $0.receivedExpected < expected })
            {
                try await Task.sleep(for: .milliseconds(50))
            }
            memoryTask.cancel()
            let usage = await sampler?.finish()

            // 6. The server's counters, read before the streams go.
            let counters = await readCounters(streams.map(\.created.id), client: client)
            progress("deleting \(streams.count) stream(s)")
            await cleanUp()

            // 7. The report.
            let timeline = FrameTimeline(samplesPerPacket: c.samplesPerPacket)
            var inputs: [RunAggregate.Stream] = []
            var packetCounts = PacketCounts()
            packetCounts.packets = c.packetsPerStream * c.streams
            var lag = MicrosecondHistogram()
            for log in sendLogs { lag.add(log.lag) }
            packetCounts.sendLagMs = lag.summary
            for (s, state) in streams.enumerated() {
                let analysis = StreamAnalysis(sendTimes: sendLogs[s].times, timeline: timeline, receivers: state.logs)
                inputs.append(
                    .init(
                        id: state.created.id, analysis: analysis, receivers: state.logs.count, lookahead: state.created.settings.lookahead,
                        server: counters[s]))
                packetCounts.sent += sendLogs[s].sent
                packetCounts.lost += schedule.lost[s]
                packetCounts.reordered += schedule.reordered[s]
                packetCounts.duplicated += schedule.duplicated[s]
            }
            let aggregate = RunAggregate(
                streams: inputs, receiversPerStream: c.receiversPerStream,
                durationSeconds: Double(c.packetsPerStream * c.frameMilliseconds) / 1000,
                playoutDelayMs: streams.first?.created.settings.playoutDelayMilliseconds, packets: packetCounts, server: usage)
            var totals = aggregate.run
            totals.deadlineMissesAtAudioEnd = atAudioEnd.reduce(DeadlineMisses?.some(DeadlineMisses())) { sum, next in
                guard var sum, let next else { return nil }
                sum.add(next)
                return sum
            }
            let lagByMinute = SendLog.lagMaxByMinuteMs(sendLogs)
            let missSamples = await misses.samples
            totals.byMinute = MinuteTimeline(
                misses: missSamples.totals.count >= 2 ? missSamples.perMinute(minutes: lagByMinute.count) : nil,
                sendLagMaxMs: lagByMinute, latencyP99Ms: aggregate.latencyByMinute.p99Ms)
            let results = slos.map { $0.evaluate(totals) }
            return LoadReport(config: ReportConfiguration(c, audio: audioPath), run: totals, streams: aggregate.streams, slo: results)
        } catch {
            await cleanUp()
            throw error
        }
    }

    /// Each stream's counters from `GET /v1/streams/{id}`; nil where the read failed.
    private func readCounters(_ ids: [String], client: HTTPClient) async -> [DeadlineMisses?] {
        var counters: [DeadlineMisses?] = []
        for id in ids {
            let reply = try? await blocking { try client.request("GET", "/v1/streams/\(id)") }
            counters.append(reply.flatMap { $0.status == 200 ? try? StreamCountersReply.decode($0.body).deadlineMisses : nil })
        }
        return counters
    }

    /// Waits until `count` signals arrived (10 s at most).
    private func waitFor(_ count: Int, signals: AsyncStream<Void>, what: String) async throws {
        guard count > 0 else { return }
        let arrived = await withTaskGroup(of: Int.self) { group in
            group.addTask {
                var n = 0
                for await _ in signals {
                    n += 1
                    if n == count { break }
                }
                return n
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(10))
                return -1
            }
            let first = await group.next() ?? -1
            group.cancelAll()
            return first
        }
        guard arrived == count else { throw LoadError.server("\(what) did not all connect within 10 s") }
    }
}

/// Counts finished tasks, so the run can wait for them with a bound (awaiting a task's result cannot time out).
final class Counter: Sendable {
    private let value = Atomic<Int>(0)

    func increment() { value.add(1, ordering: .relaxed) }

    /// Polls until `count` tasks finished or `seconds` passed; true when they all finished.
    func wait(for count: Int, seconds: Int) async -> Bool {
        let deadline = Monotonic.now() + Nanoseconds(seconds) * 1_000_000_000
        while value.load(ordering: .relaxed) < count {
            if Monotonic.now() >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }
}

/// Runs a blocking call on NIO's thread pool, off the cooperative pool.
func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await NIOThreadPool.singleton.runIfActive(body)
}

/// Samples the server's deadline-miss counter (`/metrics`) every 10 s while the audio flows.
actor MissPoller {
    private let client: HTTPClient
    private let start: Nanoseconds
    private(set) var samples = MissSamples()

    init(client: HTTPClient, start: Nanoseconds) {
        self.client = client
        self.start = start
    }

    /// Samples until cancelled: at the start, then every 10 s.
    func run() async {
        while !Task.isCancelled {
            await sample()
            try? await Task.sleep(for: .seconds(10))
        }
    }

    /// One sample now (none when `/metrics` does not answer with the counter).
    func sample() async {
        let client = self.client
        guard let reply = try? await blocking({ try client.request("GET", "/metrics") }), reply.status == 200,
            let total = PrometheusText.sum("voxface_deadline_misses_total", in: reply.text)
        else { return }
        samples.record(seconds: Double(max(0, Monotonic.now() - start)) / 1e9, total: total)
    }
}
