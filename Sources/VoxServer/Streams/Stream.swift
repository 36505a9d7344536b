import NIOCore
import Synchronization
import VoxCore
import VoxMedia
import VoxModel

/// The audio a stream's ingest carries.
enum AudioFormat: Sendable, Equatable {
    /// Opus packets, decoded at 48 kHz mono.
    case opus
    /// Little-endian 16-bit mono PCM at `rate` Hz.
    case pcm16(rate: Int)

    var sampleRate: Int {
        switch self {
        case .opus: 48_000
        case .pcm16(let rate): rate
        }
    }
}

/// How a stream gets its audio; the first packet or connection decides, the other is refused.
enum Ingest: Sendable, Equatable {
    case none
    case rtp(source: SocketAddress)
    case websocket(AudioFormat)

    var name: String? {
        switch self {
        case .none: nil
        case .rtp: "rtp"
        case .websocket: "websocket"
        }
    }
}

/// What became of an RTP packet offered to a stream.
enum RTPVerdict: Equatable {
    case accepted(JitterBufferInsertOutcome, becameLive: Bool)
    case dropped(reason: String)
}

/// One live stream: its ingest side (jitter buffer, WebSocket queue), its engine (run by one
/// worker job at a time), and its paced output. Three locks, never held together for long:
/// `inbox` by the network side for a packet copy, `engine` by the worker for the whole model
/// work, `output` by the worker to append frames and by the pacer to take one.
final class Stream: Sendable {
    let id: String
    let ssrc: UInt32
    let token: String
    let createdAt: String
    let framesTopic: Topic
    let model: FaceModel
    let metrics: ServerMetrics
    let bus: EventBus
    let pool: WorkerPool

    /// The only RTP payload type accepted, if the stream fixed one (never changes).
    let fixedPayloadType: Int?
    /// Settings in effect (the hop may widen).
    let settings: Mutex<StreamSettings>
    let inbox: Mutex<Inbox>
    let engine: Mutex<StreamEngine?>
    let output: Mutex<OutputState>
    /// The stream's Live Link targets (made with the first one).
    let liveLink = Mutex<LiveLinkFanOut?>(nil)
    let scheduled = Atomic<Bool>(false)
    let pending = Atomic<Bool>(false)
    /// Fired when the stream closes.
    let closed = CloseSignal()
    /// Monotonic time of the last audio packet or message accepted (0 before any).
    let lastArrival = Atomic<Int64>(0)

    /// Time without a packet after which the sender counts as paused and silence is pushed in
    /// real time behind the last audio, so the frames waiting for lookahead come out on time:
    /// the jitter buffer's 40 ms wait plus one 20 ms packet. The playout delay leaves room for
    /// it (its jitter and model margins are 70 ms).
    static let stallAllowance: Microseconds = 60_000
    /// Longest timeline gap filled with silence; longer gaps jump the timeline.
    static let maxGapSeconds = 2.0
    /// Largest Opus payload accepted, bytes.
    static let maxPayload = 1500
    /// Audio counts as flowing while its last packet is this recent: a frame held then is a
    /// deadline miss of the model, not a pause of the sender. The same as the stall allowance:
    /// once silence is being padded, held frames wait for the padding, not for the model.
    static let flowingWithin: Microseconds = stallAllowance
    /// Frames a stream may hold produced but not yet due.
    static let frameRingCapacity = 360

    init(
        id: String, ssrc: UInt32, token: String, createdAt: String, settings: StreamSettings, model: FaceModel,
        metrics: ServerMetrics, bus: EventBus, pool: WorkerPool
    ) {
        self.pool = pool
        self.id = id
        self.ssrc = ssrc
        self.token = token
        self.createdAt = createdAt
        self.settings = Mutex(settings)
        fixedPayloadType = settings.payloadType
        self.model = model
        self.metrics = metrics
        self.bus = bus
        framesTopic = .frames(of: id)
        inbox = Mutex(Inbox())
        engine = Mutex(nil)
        output = Mutex(OutputState(channels: model.config.outputDim, capacity: Self.frameRingCapacity))
    }

    // MARK: - Ingest (network threads; short critical sections)

    /// Offers an RTP packet (header already parsed) from `source`.
    func offerRTP(_ packet: RTPPacket, datagram: UnsafeRawBufferPointer, from source: SocketAddress, now: Microseconds) -> RTPVerdict {
        let fixed = fixedPayloadType
        return inbox.withLock { box -> RTPVerdict in
            var becameLive = false
            switch box.ingest {
            case .websocket: return .dropped(reason: "ingest_conflict")
            case .rtp(let bound):
                if bound != source {
                    box.dropped.sourceMismatch += 1
                    return .dropped(reason: "source_mismatch")
                }
            case .none:
                break
            }
            guard box.rateLimit.admit(now: now) else {
                box.dropped.rateLimited += 1
                return .dropped(reason: "rate_limited")
            }
            guard fixed.map({ packet.payloadType == $0 }) ?? (96...127).contains(packet.payloadType) else {
                box.dropped.payloadType += 1
                return .dropped(reason: "payload_type")
            }
            guard packet.payload.count <= Self.maxPayload else {
                box.dropped.tooLarge += 1
                return .dropped(reason: "too_large")
            }
            if box.ingest == .none {
                box.ingest = .rtp(source: source)
                box.firstArrival = now
                becameLive = true
            }
            let slot = Int(packet.sequence) % box.slotCount
            let outcome = box.jitter.insert(sequence: packet.sequence, timestamp: packet.timestamp, payload: slot, arrival: now)
            if outcome.isStored {
                box.store(slot: slot, bytes: UnsafeRawBufferPointer(rebasing: datagram[packet.payload]))
                if outcome == .reset { box.resyncPending = true }
            }
            box.rtpPackets += 1
            lastArrival.store(now, ordering: .relaxed)
            return .accepted(outcome, becameLive: becameLive)
        }
    }

    /// Binds the WebSocket ingest with `format`; false if the stream already has an ingest.
    func bindWebSocket(_ format: AudioFormat) -> Bool {
        inbox.withLock { box in
            guard box.ingest == .none else { return false }
            box.ingest = .websocket(format)
            return true
        }
    }

    /// Queues one WebSocket audio message; false when the queue is full (the caller waits).
    func offerWebSocket(_ bytes: [UInt8], now: Microseconds) -> Bool {
        inbox.withLock { box in
            guard box.messages.count < Inbox.messageCapacity else { return false }
            if box.firstArrival == nil { box.firstArrival = now }
            box.messages.append(bytes)
            box.websocketMessages += 1
            lastArrival.store(now, ordering: .relaxed)
            return true
        }
    }

    /// The client will send no more audio.
    func endAudio() { inbox.withLock { $0.ended = true } }

    /// How far the audio received runs ahead of real time, in seconds (WebSocket backpressure).
    func secondsAhead(now: Microseconds) -> Double {
        guard let first = inbox.withLock({ $0.firstArrival }) else { return 0 }
        let position = output.withLock { $0.timelineSeconds }
        return position - Double(now - first) / 1e6
    }

    // MARK: - Work (worker pool)

    /// Inbox items (packets or messages) one job decodes and runs through the model before it
    /// hands the worker to the next stream: streams share the workers fairly even when one has
    /// a backlog.
    static let itemsPerJob = 4

    /// Runs the stream's pending work on the calling worker thread: drains (up to
    /// ``itemsPerJob`` of) the inbox through the decoder, features and model, pads silence after a
    /// stall, and appends the frames produced. Returns true when work is left for another job.
    @discardableResult
    func work(now: Microseconds) -> Bool {
        var more = false
        let started = MonotonicClock.now()
        engine.withLock { slot in
            if slot == nil {
                guard
                    let format = inbox.withLock({ box -> AudioFormat? in
                        switch box.ingest {
                        case .none: nil
                        case .rtp: .opus
                        case .websocket(let f): f
                        }
                    })
                else { return }
                let schedule = settings.withLock { $0.schedule }
                guard let created = try? StreamEngine(model: model, schedule: schedule, inputRate: format.sampleRate, opus: format == .opus)
                else { return }
                slot = created
                output.withLock { $0.inputRate = format.sampleRate }
            }
            guard let engine = slot else { return }
            let windowsBefore = engine.pipeline.windowsRun
            more = drain(engine)
            if !more { padAfterStall(engine, now: now) }  // a backlog is not a stall
            collectFrames(engine, now: now)
            metrics.modelWindows.increment(by: engine.pipeline.windowsRun - windowsBefore)
            applyHopWidening(engine)
        }
        metrics.workSeconds.increment(by: Double(MonotonicClock.now() - started) / 1e6)
        return more
    }

    private enum Item {
        case decode(length: Int, timestamp: UInt32, resync: Bool)
        case fec(length: Int, samples: Int, timestamp: UInt32, resync: Bool)
        case conceal(samples: Int, timestamp: UInt32, resync: Bool)
        case message([UInt8])
        case end
    }

    private func nextItem(into scratch: UnsafeMutableRawBufferPointer) -> Item? {
        inbox.withLock { box -> Item? in
            if case .websocket = box.ingest {
                if !box.messages.isEmpty { return .message(box.messages.removeFirst()) }
                if box.ended && !box.endDelivered {
                    box.endDelivered = true
                    return .end
                }
                return nil
            }
            let now = MonotonicClock.now()
            guard let out = box.jitter.next(now: now) else { return nil }
            let resync = box.resyncPending
            box.resyncPending = false
            switch out {
            case .packet(_, let ts, let slot):
                return .decode(length: box.copy(slot: slot, into: scratch), timestamp: ts, resync: resync)
            case .recoverWithFEC(_, let ts, let from):
                return .fec(
                    length: box.copy(slot: from.payload, into: scratch), samples: box.jitter.packetDuration, timestamp: ts, resync: resync)
            case .conceal(_, let ts, let samples):
                return .conceal(samples: samples, timestamp: ts, resync: resync)
            }
        }
    }

    /// Processes up to ``itemsPerJob`` inbox items; true if it stopped with items left.
    private func drain(_ engine: StreamEngine) -> Bool {
        let scratch = engine.packet
        var timeline = inbox.withLock { $0.timeline }
        var budget = Self.itemsPerJob
        while budget > 0, let item = nextItem(into: scratch) {
            budget -= 1
            switch item {
            case .decode(let length, let ts, let resync):
                let n = decode { () throws(OpusError) in
                    try engine.decoder!.decode(UnsafeRawBufferPointer(rebasing: scratch[0..<length]), into: engine.pcm)
                }
                place(engine, samples: n, timestamp: ts, resync: resync, timeline: &timeline)
            case .fec(let length, let samples, let ts, let resync):
                let n = decode { () throws(OpusError) in
                    try engine.decoder!.recover(
                        from: UnsafeRawBufferPointer(rebasing: scratch[0..<length]), samples: samples, into: engine.pcm)
                }
                place(engine, samples: n, timestamp: ts, resync: resync, timeline: &timeline)
            case .conceal(let samples, let ts, let resync):
                let n = decode { () throws(OpusError) in try engine.decoder!.conceal(samples: samples, into: engine.pcm) }
                place(engine, samples: n, timestamp: ts, resync: resync, timeline: &timeline)
            case .message(let bytes):
                pushMessage(bytes, engine: engine)
            case .end:
                engine.finish()
            }
        }
        let jitter = inbox.withLock { box -> JitterBufferCounters in
            box.timeline = timeline
            return box.jitter.counters
        }
        reportJitter(jitter)
        return budget == 0  // maybe more: another job looks (and finds nothing at worst)
    }

    /// Decodes with `body`; a libopus error is counted and the packet's time concealed.
    private func decode(_ body: () throws(OpusError) -> Int) -> Int {
        do { return try body() } catch {
            metrics.opusErrors.increment()
            output.withLock { $0.counters.opusErrors += 1 }
            return 0
        }
    }

    /// Puts decoded samples at their RTP timestamp on the timeline: gaps (DTX, stalls) are filled
    /// with silence, audio already covered by stall padding is trimmed, and a sender restart or a
    /// gap over `maxGapSeconds` re-anchors the timeline.
    private func place(_ engine: StreamEngine, samples: Int, timestamp: UInt32, resync: Bool, timeline: inout RTPTimeline) {
        let current = output.withLock { $0.timelinePosition }
        var start = timeline.position(of: timestamp, anchorAt: current, resync: resync)
        let maxGap = Int64(Self.maxGapSeconds * 48_000)
        var gap = start - current
        if abs(gap) > maxGap {  // sender restart or a clock jump: continue the timeline here
            timeline.rebase(timestamp: timestamp, position: current)
            output.withLock { $0.counters.timelineJumps += 1 }
            start = current
            gap = 0
        }
        if gap > 0 { pushSilence(engine, gap) }
        let trim = gap < 0 ? min(Int(-gap), samples) : 0
        if samples > trim { pushAudio(engine, UnsafeBufferPointer(rebasing: engine.pcm[trim..<samples])) }
    }

    private func pushAudio(_ engine: StreamEngine, _ samples: UnsafeBufferPointer<Float>) {
        engine.push(samples)
        let seconds = Double(samples.count) / Double(engine.inputRate)
        metrics.audioSeconds.increment(by: seconds)
        output.withLock {
            $0.counters.audioSeconds += seconds
            $0.timelinePosition += Int64(samples.count)
        }
    }

    private func pushSilence(_ engine: StreamEngine, _ count: Int64) {
        engine.pushSilence(count)
        output.withLock {
            $0.counters.silenceSeconds += Double(count) / Double(engine.inputRate)
            $0.timelinePosition += count
        }
    }

    private func pushMessage(_ bytes: [UInt8], engine: StreamEngine) {
        if engine.decoder != nil {
            let n = bytes.withUnsafeBytes { raw in
                decode { () throws(OpusError) in try engine.decoder!.decode(raw, into: engine.pcm) }
            }
            if n > 0 { pushAudio(engine, UnsafeBufferPointer(rebasing: engine.pcm[0..<n])) }
            return
        }
        // PCM16 little-endian, converted in pcm-sized pieces.
        bytes.withUnsafeBytes { raw in
            let total = raw.count / 2
            var done = 0
            while done < total {
                let n = min(engine.pcm.count, total - done)
                for i in 0..<n {
                    let lo = UInt16(raw[2 * (done + i)])
                    let hi = UInt16(raw[2 * (done + i) + 1])
                    engine.pcm[i] = Float(Int16(bitPattern: lo | hi << 8)) / 32768
                }
                pushAudio(engine, UnsafeBufferPointer(rebasing: engine.pcm[0..<n]))
                done += n
            }
        }
    }

    /// After audio stops, silence is pushed in real time (for a bounded while) so the frames
    /// waiting for lookahead are released and the face settles on the model's silence.
    private func padAfterStall(_ engine: StreamEngine, now: Microseconds) {
        guard !engine.finished, let first = inbox.withLock({ $0.firstArrival }) else { return }
        // Only a sender that paused stalls the stream; audio still arriving is never overwritten.
        guard now - lastArrival.load(ordering: .relaxed) >= Self.stallAllowance else { return }
        let rate = Int64(engine.inputRate)
        let wall = (now - first - Self.stallAllowance) * rate / 1_000_000
        let position = output.withLock { $0.timelinePosition }
        guard wall > position else { return }
        let s = settings.withLock { $0 }
        let flushSeconds = Double(s.automaticPlayoutDelay(inputRate: engine.inputRate)) / 1e6 + 0.1
        let budget = Int64(flushSeconds * Double(rate)) - engine.silenceSinceAudio
        let fill = min(wall - position, budget)
        if fill > 0 { pushSilence(engine, fill) }
        // Past the flush, a long silence jumps the timeline instead of running the model on it.
        let behind = wall - position - max(fill, 0)
        if budget - max(fill, 0) <= 0, Double(behind) > Self.maxGapSeconds * Double(rate) {
            let unit = rate / Int64(gcd(Int(rate), 60))
            let jump = behind / unit * unit
            output.withLock {
                $0.timelinePosition += jump
                $0.frameOffset += Int(jump * 60 / rate)
                $0.noMissBefore = $0.frameOffset + engine.framesProduced
                $0.counters.timelineJumps += 1
            }
        }
    }

    private func collectFrames(_ engine: StreamEngine, now: Microseconds) {
        output.withLock { out in
            let lateBefore = out.counters.framesLate
            while out.pullFrame(from: engine) {}
            let late = out.counters.framesLate - lateBefore
            if engine.finished && out.totalFrames == nil { out.totalFrames = out.frameOffset + engine.framesProduced }
            out.counters.framesProduced = out.frameOffset + engine.framesProduced
            if late > 0 { metrics.framesLate.increment(by: late) }
            out.pacer?.framesAvailable(out.frameOffset + engine.framesProduced, now: now)
            if out.pacer == nil, let first = inbox.withLock({ $0.firstArrival }) {
                let s = settings.withLock { $0 }
                out.startPacer(
                    origin: first,
                    configuration: .init(
                        frameRate: 60, playoutDelay: s.playoutDelay(inputRate: engine.inputRate), easeFrames: 30,
                        idleTimeout: Microseconds(s.idleTimeoutSeconds * 1e6)),
                    produced: out.frameOffset + engine.framesProduced, now: now)
            }
        }
    }

    private func applyHopWidening(_ engine: StreamEngine) {
        guard output.withLock({ $0.widenRequested }) else { return }
        let lookahead = engine.pipeline.schedule.lookahead
        let hop = engine.pipeline.schedule.hop
        let widest = model.config.frameSize - lookahead
        let widened = min(widest, hop * 2)
        output.withLock { $0.widenRequested = false }
        guard widened > hop else { return }
        engine.pipeline.widenHop(to: widened)
        settings.withLock { $0.hop = widened }
        output.withLock {
            $0.pacer?.extendPlayoutDelay(by: Microseconds(widened - hop) * 1_000_000 / 60)
            $0.counters.hopWidenings += 1
        }
        metrics.hopWidenings.increment()
    }

    private func reportJitter(_ now: JitterBufferCounters) {
        let last = output.withLock { out -> JitterBufferCounters in
            defer { out.jitterReported = now }
            out.counters.jitter = .init(now)
            return out.jitterReported
        }
        let kinds: [(String, KeyPath<JitterBufferCounters, Int>)] = [
            ("lost", \.lost), ("recovered_fec", \.recoveredByFEC), ("concealed", \.concealed), ("reset", \.resets),
        ]
        for (kind, path) in kinds where now[keyPath: path] > last[keyPath: path] {
            metrics.jitterEvents[kind]?.increment(by: now[keyPath: path] - last[keyPath: path])
        }
    }

    // MARK: - Pacing (pacer thread)

    /// Sends every frame due at `now` to the bus; returns when to come back, or a close reason.
    func pace(now: Microseconds, frame: inout FaceFrame) -> PaceResult {
        while true {
            let flowing = now - lastArrival.load(ordering: .relaxed) < Self.flowingWithin
            let step = output.withLock { $0.step(now: now, audioFlowing: flowing, into: &frame) }
            switch step {
            case .wait(let until): return .wait(until: until)
            case .close(let reason): return .close(reason)
            case .noPacer: return .wait(until: now + 10_000)
            case .sent(let held, let skipped, let missed):
                if held { metrics.framesHeld.increment() }
                if missed { metrics.deadlineMisses.increment() }
                if skipped > 0 { metrics.framesSkipped.increment(by: skipped) }
                metrics.framesSent.increment()
                frame.streamID = id
                let drops = bus.publish(.face(frame), on: framesTopic)
                if drops > 0 {
                    metrics.subscriberDropped.increment(by: drops)
                    output.withLock { $0.counters.subscriberDropped += drops }
                }
                if frame.last { return .close(.ended) }
            }
        }
    }

    /// Asks the worker pool to run ``work(now:)``; at most one job per stream is queued or running,
    /// and a request made while one runs makes it run again. A job that used its budget with work
    /// left goes to the back of the pool's queue, behind the other streams.
    func requestWork() {
        pending.store(true, ordering: .sequentiallyConsistent)
        guard !scheduled.exchange(true, ordering: .sequentiallyConsistent) else { return }
        pool.submit { [self] in
            while true {
                pending.store(false, ordering: .sequentiallyConsistent)
                let more = work(now: MonotonicClock.now())
                scheduled.store(false, ordering: .sequentiallyConsistent)
                if more { return requestWork() }
                guard pending.load(ordering: .sequentiallyConsistent),
                    !scheduled.exchange(true, ordering: .sequentiallyConsistent)
                else { return }
            }
        }
    }

    /// The stream's state for the API.
    func info(includeToken: Bool = false) -> StreamInfo {
        let ingest = inbox.withLock { $0.ingest }
        var counters = output.withLock { $0.counters }
        inbox.withLock { box in
            counters.rtpPackets = box.rtpPackets
            counters.websocketMessages = box.websocketMessages
            counters.rtpDropped = box.dropped
        }
        counters.subscribers = bus.subscriberCount(framesTopic)
        let state: String
        if output.withLock({ $0.totalFrames != nil }) { state = "ended" } else { state = ingest == .none ? "waiting" : "live" }
        var source: String?
        if case .rtp(let address) = ingest, let ip = address.ipAddress, let port = address.port {
            source = address.protocol == .inet6 ? "[\(ip)]:\(port)" : "\(ip):\(port)"
        }
        return StreamInfo(
            id: id, ssrc: ssrc, state: state, ingest: ingest.name, source: source, settings: settings.withLock { $0 },
            createdAt: createdAt, counters: counters, liveLinkTargets: liveLink.withLock { $0 }?.list.count ?? 0)
    }
}

/// What the pacer does next for a stream.
enum PaceResult: Equatable {
    case wait(until: Microseconds)
    case close(CloseReason)
}

func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
