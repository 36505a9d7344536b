import NIOCore
import Synchronization
import VoxCore
import VoxDSP
import VoxMedia
import VoxModel
import VoxSettings

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

/// One stream: its state (lifecycle, settings, ingest queue, paced output) under one lock, its
/// engine (run by one worker job at a time, under its own lock for the whole model work), and its
/// Live Link fan-out. The state lock is taken for short copies and updates only: by the network
/// side per packet, by the worker around (never across) a decode or a model run, by the pacer per
/// frame. Lock order: engine, then state.
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
    let state: Mutex<StreamState>
    let engine: Mutex<StreamEngine?>
    /// The stream's Live Link targets (made with the first one).
    let liveLink = Mutex<LiveLinkFanOut?>(nil)
    let scheduled = Atomic<Bool>(false)
    let pending = Atomic<Bool>(false)
    /// Fired when the stream closes.
    let closed = CloseSignal()
    /// The SRTP receive side when the stream was created with `"srtp": true`.
    let srtp: SRTPReceiver?

    /// Time without a packet after which the sender counts as paused and silence is pushed in
    /// real time behind the last audio, so the frames waiting for lookahead come out on time:
    /// with the network profile (and until an adaptive stream measured its lateness), the jitter
    /// buffer's 40 ms wait plus one 20 ms packet, inside that profile's 70 ms of allowances; an
    /// adaptive stream uses one packet plus its jitter allowance (``StreamState/follow(_:target:algorithmic:now:)``).
    /// While the sender flows (its last packet more recent than this), a frame held is a deadline
    /// miss of the model, not a pause.
    static let stallAllowance: Microseconds = 60_000
    /// Longest timeline gap filled with silence; longer gaps jump the timeline.
    static let maxGapSeconds = 2.0
    /// Largest Opus payload accepted, bytes.
    static let maxPayload = 1500
    /// Frames a stream may hold produced but not yet due.
    static let frameRingCapacity = 360

    init(
        id: String, ssrc: UInt32, token: String, createdAt: String, settings: StreamSettings, model: FaceModel,
        metrics: ServerMetrics, bus: EventBus, pool: WorkerPool, srtp: SRTPReceiver? = nil, now: Microseconds = MonotonicClock.now()
    ) {
        self.srtp = srtp
        self.pool = pool
        self.id = id
        self.ssrc = ssrc
        self.token = token
        self.createdAt = createdAt
        fixedPayloadType = settings.payloadType
        self.model = model
        self.metrics = metrics
        self.bus = bus
        framesTopic = .frames(of: id)
        state = Mutex(
            StreamState(settings: settings, channels: model.config.outputDim, frameCapacity: Self.frameRingCapacity, createdAt: now))
        engine = Mutex(nil)
    }

    // MARK: - Ingest (network threads; short critical sections)

    /// Offers an RTP packet (header already parsed) from `source`.
    func offerRTP(_ packet: RTPPacket, datagram: UnsafeRawBufferPointer, from source: SocketAddress, now: Microseconds) -> RTPVerdict {
        let fixed = fixedPayloadType
        return state.withLock { s -> RTPVerdict in
            switch s.inbox.ingest {
            case .websocket: return .dropped(reason: "ingest_conflict")
            case .rtp(let bound):
                if bound != source {
                    s.inbox.dropped.sourceMismatch += 1
                    return .dropped(reason: "source_mismatch")
                }
            case .none:
                break
            }
            guard s.inbox.rateLimit.admit(now: now) else {
                s.inbox.dropped.rateLimited += 1
                return .dropped(reason: "rate_limited")
            }
            guard fixed.map({ packet.payloadType == $0 }) ?? (96...127).contains(packet.payloadType) else {
                s.inbox.dropped.payloadType += 1
                return .dropped(reason: "payload_type")
            }
            guard packet.payload.count <= Self.maxPayload else {
                s.inbox.dropped.tooLarge += 1
                return .dropped(reason: "too_large")
            }
            let verdict = s.lifecycle.audioArrived(now: now)
            guard verdict != .refused else {
                s.inbox.dropped.streamClosed += 1
                return .dropped(reason: "stream_closed")
            }
            if verdict == .first {
                s.inbox.ingest = .rtp(source: source)
                s.inbox.firstArrival = now
            }
            let slot = Int(packet.sequence) % s.inbox.slotCount
            let outcome = s.inbox.jitter.insert(sequence: packet.sequence, timestamp: packet.timestamp, payload: slot, arrival: now)
            if outcome == .reset { s.inbox.lateness.reanchor() }
            if outcome != .duplicate { s.inbox.lateness.record(timestamp: packet.timestamp, arrival: now) }
            if outcome.isStored {
                s.inbox.store(slot: slot, bytes: UnsafeRawBufferPointer(rebasing: datagram[packet.payload]))
                if outcome == .reset { s.inbox.resyncPending = true }
            }
            s.inbox.rtpPackets += 1
            return .accepted(outcome, becameLive: verdict == .first)
        }
    }

    /// Counts an SRTP packet dropped before it reached the inbox.
    func countSRTPDrop(_ error: SRTPError) {
        state.withLock { s in
            switch error {
            case .authenticationFailed, .unexpectedSSRC, .openSSL: s.inbox.dropped.srtpAuth += 1
            case .replayed: s.inbox.dropped.srtpReplay += 1
            case .tooShort, .malformed: s.inbox.dropped.srtpMalformed += 1
            }
        }
    }

    /// Binds the WebSocket ingest with `format` at `now` (the stream goes live); false if the
    /// stream already has an ingest or no longer takes audio.
    func bindWebSocket(_ format: AudioFormat, now: Microseconds) -> Bool {
        state.withLock { s in
            guard s.inbox.ingest == .none, case .waiting = s.lifecycle.phase else { return false }
            s.inbox.ingest = .websocket(format)
            _ = s.lifecycle.audioArrived(now: now)
            return true
        }
    }

    /// What became of a WebSocket audio message.
    enum WebSocketOffer: Equatable {
        case accepted
        /// The queue is full: the caller waits and offers it again.
        case full
        /// The sender already stopped (sent `end`) or the stream closed.
        case refused
    }

    /// Queues one WebSocket audio message.
    func offerWebSocket(_ bytes: [UInt8], now: Microseconds) -> WebSocketOffer {
        state.withLock { s in
            guard s.inbox.messages.count < Inbox.messageCapacity else { return .full }
            guard s.lifecycle.audioArrived(now: now) != .refused else { return .refused }
            if s.inbox.firstArrival == nil { s.inbox.firstArrival = now }
            s.inbox.messages.append(bytes)
            s.inbox.messageArrivals.append(now)
            s.inbox.websocketMessages += 1
            return .accepted
        }
    }

    /// The client will send no more audio (it sent `end`, or its audio WebSocket closed): the
    /// stream drains its last frames and then closes as `ended`. Idempotent.
    func endAudio(now: Microseconds) {
        let action = state.withLock { s -> StreamLifecycle.StopAction in
            let action = s.lifecycle.senderStopped(now: now)
            if action == .flush { s.inbox.ended = true }
            return action
        }
        if action == .flush { requestWork() }
        // A stream that closed here is closed by the pacer, which watches every stream's lifecycle.
    }

    /// The voice statistics gathered since the last call (the analyzer starts afresh), or nil
    /// when the stream is not analysed or heard no voiced speech yet.
    func takeVoice() -> VoiceTraitsAccumulator? {
        engine.withLock { slot -> VoiceTraitsAccumulator? in
            guard let engine = slot, let analyzer = engine.voice, analyzer.accumulator.voicedFrames > 0 else { return nil }
            var taken = analyzer.accumulator
            if engine.finished {
                analyzer.finish()
                taken = analyzer.accumulator
                engine.voice = nil
            } else {
                engine.voice = VoiceTraitsAnalyzer(sampleRate: analyzer.sampleRate)
            }
            return taken
        }
    }

    /// The frame count, once the client ended its audio and the engine flushed.
    var totalFrames: Int? { state.withLock { $0.output.totalFrames } }

    /// How far the audio received runs ahead of real time, in seconds (WebSocket backpressure).
    func secondsAhead(now: Microseconds) -> Double {
        state.withLock { s in
            guard let first = s.inbox.firstArrival else { return 0 }
            return s.output.timelineSeconds - Double(now - first) / 1e6
        }
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
        var windows = 0
        return work(now: now, windows: &windows)
    }

    /// ``work(now:)``, also saying how many model windows the job ran.
    func work(now: Microseconds, windows: inout Int) -> Bool {
        var more = false
        let started = MonotonicClock.now()
        engine.withLock { slot in
            if slot == nil {
                // (Spelled out: a nested `map` here crashed the 6.3.1 optimiser in release builds.)
                let (decided, settings, anchor, closed) = state.withLock { s -> (AudioFormat?, StreamSettings, Microseconds, Bool) in
                    (s.format, s.settings, s.inbox.firstArrival ?? now, s.lifecycle.isClosed)
                }
                let (schedule, profile) = (settings.schedule, settings.profile)
                guard let format = decided, !closed else { return }
                guard let created = try? StreamEngine(model: model, schedule: schedule, inputRate: format.sampleRate, opus: format == .opus)
                else { return }
                // Take turns with the other streams' windows (the hub's close releases the place).
                // The batch pipeline's schedule keeps its windows (phase 0) unless told otherwise:
                // it is chosen to reproduce `voxface process` exactly.
                let batch = schedule == .batchEquivalent(model.config)
                let placement = pool.placeWindows(
                    hop: schedule.hop, lookahead: schedule.lookahead, anchor: anchor, fixed: settings.windowPhase ?? (batch ? 0 : nil))
                created.pipeline.setPhase(placement.phase)
                created.windows = (placement, anchor)
                metrics.windowsPlaced.record(pool.placedWindowsPerSecond)
                if profile != nil && VoiceTraitsAnalyzer.supportedSampleRates.contains(format.sampleRate) {
                    created.voice = VoiceTraitsAnalyzer(sampleRate: format.sampleRate)
                }
                slot = created
                state.withLock {
                    $0.output.inputRate = format.sampleRate
                    $0.output.counters.windowPhase = placement.phase
                }
            }
            guard let engine = slot else { return }
            let windowsBefore = engine.pipeline.windowsRun
            more = drain(engine, now: now)
            if !more { padAfterStall(engine, now: now) }  // a backlog is not a stall
            collectFrames(engine, now: now)
            metrics.modelWindows.increment(by: engine.pipeline.windowsRun - windowsBefore)
            windows = engine.pipeline.windowsRun - windowsBefore
            applyHopWidening(engine)
        }
        metrics.workSeconds.increment(by: Double(MonotonicClock.now() - started) / 1e6)
        return more
    }

    fileprivate enum Item {
        case decode(length: Int, timestamp: UInt32, resync: Bool)
        case fec(length: Int, samples: Int, timestamp: UInt32, resync: Bool)
        case conceal(samples: Int, timestamp: UInt32, resync: Bool)
        /// Audio the jitter buffer dropped because the stream fell a whole buffer behind.
        case skip(samples: Int, timestamp: UInt32, resync: Bool)
        case message([UInt8], arrival: Microseconds)
        case end
    }

    /// Processes up to ``itemsPerJob`` inbox items; true if it stopped with items left.
    private func drain(_ engine: StreamEngine, now: Microseconds) -> Bool {
        let scratch = engine.packet
        var timeline = state.withLock { $0.inbox.timeline }
        var budget = Self.itemsPerJob
        while budget > 0, let item = state.withLock({ $0.inbox.nextItem(into: scratch, now: now) }) {
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
            case .skip(let samples, let ts, let resync):
                skip(engine, samples: samples, timestamp: ts, resync: resync, timeline: &timeline)
            case .message(let bytes, let arrival):
                pushMessage(bytes, arrival: arrival, engine: engine)
            case .end:
                engine.finish()
            }
        }
        let (jitter, reported) = state.withLock { s -> (JitterBufferCounters, JitterBufferCounters) in
            s.inbox.timeline = timeline
            let now = s.inbox.jitter.counters
            defer { s.output.jitterReported = now }
            s.output.counters.jitter = .init(now)
            return (now, s.output.jitterReported)
        }
        reportJitter(jitter, since: reported)
        return budget == 0  // maybe more: another job looks (and finds nothing at worst)
    }

    /// Decodes with `body`; a libopus error is counted and the packet's time concealed.
    private func decode(_ body: () throws(OpusError) -> Int) -> Int {
        do { return try body() } catch {
            metrics.opusErrors.increment()
            state.withLock { $0.output.counters.opusErrors += 1 }
            return 0
        }
    }

    /// Puts decoded samples at their RTP timestamp on the timeline: gaps (DTX, stalls) are filled
    /// with silence, audio already covered by stall padding is trimmed, and a sender restart or a
    /// gap over `maxGapSeconds` re-anchors the timeline.
    private func place(_ engine: StreamEngine, samples: Int, timestamp: UInt32, resync: Bool, timeline: inout RTPTimeline) {
        let maxGap = Int64(Self.maxGapSeconds * 48_000)
        let (start, current) = state.withLock { s -> (Int64, Int64) in
            let current = s.output.timelinePosition
            let start = timeline.position(of: timestamp, anchorAt: current, resync: resync)
            guard abs(start - current) > maxGap else { return (start, current) }
            // A sender restart or a clock jump: continue the timeline here.
            timeline.rebase(timestamp: timestamp, position: current)
            s.output.counters.timelineJumps += 1
            return (current, current)
        }
        let gap = start - current
        if gap > 0 { engine.pushSilence(gap) }
        let trim = gap < 0 ? min(Int(-gap), samples) : 0
        if samples > trim { engine.push(UnsafeBufferPointer(rebasing: engine.pcm[trim..<samples])) }
        advance(engine, audio: max(samples - trim, 0), silence: max(gap, 0))
    }

    /// Skips audio the jitter buffer dropped under overload: the timeline jumps past it by whole
    /// frames (the model never runs on it; the frames it would have made are never due), and the
    /// next packet fills the remainder below one frame with silence.
    private func skip(
        _ engine: StreamEngine, samples: Int, timestamp: UInt32, resync: Bool, timeline: inout RTPTimeline
    ) {
        let current = state.withLock { $0.output.timelinePosition }
        let start = timeline.position(of: timestamp, anchorAt: current, resync: resync)
        let rate = Int64(engine.inputRate)
        let unit = rate / Int64(gcd(Int(rate), 60))
        let jump = (start + Int64(samples) - current) / unit * unit
        if jump > 0 { jumpTimeline(engine, by: jump) }
    }

    /// Moves the timeline `jump` samples (whole frames) ahead without running the model: the frame
    /// numbers advance with it, and holding the frames jumped over is no deadline miss.
    private func jumpTimeline(_ engine: StreamEngine, by jump: Int64) {
        let frames = Int(jump * 60 / Int64(engine.inputRate))
        state.withLock {
            $0.output.timelinePosition += jump
            $0.output.frameOffset += frames
            $0.output.noMissBefore = $0.output.frameOffset + engine.framesProduced
            $0.output.counters.timelineJumps += 1
        }
    }

    /// Accounts for `audio` and `silence` samples the engine was given: one state update per item.
    /// A WebSocket message's `arrival` is weighed against the sender's media clock (the samples it
    /// sent before), as an RTP packet's against its timestamp.
    private func advance(_ engine: StreamEngine, audio: Int, silence: Int64, arrival: Microseconds? = nil) {
        let rate = Double(engine.inputRate)
        if audio > 0 { metrics.audioSeconds.increment(by: Double(audio) / rate) }
        state.withLock {
            if let arrival {
                $0.inbox.lateness.record(media: $0.inbox.websocketSamples * 1_000_000 / Int64(engine.inputRate), arrival: arrival)
                $0.inbox.websocketSamples += Int64(audio)
            }
            $0.output.counters.audioSeconds += Double(audio) / rate
            $0.output.counters.silenceSeconds += Double(silence) / rate
            $0.output.timelinePosition += Int64(audio) + silence
        }
    }

    private func pushMessage(_ bytes: [UInt8], arrival: Microseconds, engine: StreamEngine) {
        if engine.decoder != nil {
            let n = bytes.withUnsafeBytes { raw in
                decode { () throws(OpusError) in try engine.decoder!.decode(raw, into: engine.pcm) }
            }
            if n > 0 {
                engine.push(UnsafeBufferPointer(rebasing: engine.pcm[0..<n]))
                advance(engine, audio: n, silence: 0, arrival: arrival)
            }
            return
        }
        // PCM16 little-endian, converted in pcm-sized pieces.
        bytes.withUnsafeBytes { raw in
            let total = raw.count / 2
            var done = 0
            while done < total {
                let n = min(engine.pcm.count, total - done)
                PCM16.convert(raw, first: done, count: n, into: engine.pcm)
                engine.push(UnsafeBufferPointer(rebasing: engine.pcm[0..<n]))
                done += n
            }
            advance(engine, audio: total, silence: 0, arrival: arrival)
        }
    }

    /// After the sender pauses, silence is pushed in real time (for a bounded while) so the frames
    /// waiting for lookahead are released and the face settles on the model's silence; past that,
    /// a long silence jumps the timeline instead of running the model on it. Neither is activity:
    /// the stream's idle timeout counts from its last audio.
    private func padAfterStall(_ engine: StreamEngine, now: Microseconds) {
        guard !engine.finished else { return }
        let rate = Int64(engine.inputRate)
        let plan = state.withLock { s -> (wall: Int64, position: Int64, flush: Microseconds)? in
            _ = s.lifecycle.clock(now: now)
            // Only a sender that paused stalls the stream; audio still arriving is never overwritten.
            guard s.lifecycle.senderPaused, let first = s.inbox.firstArrival else { return nil }
            let wall = (now - first - s.paddingLag) * rate / 1_000_000
            return (wall, s.output.timelinePosition, s.output.pacer?.configuration.playoutDelay ?? 0)
        }
        guard let plan, plan.wall > plan.position else { return }
        let flushSeconds = Double(plan.flush) / 1e6 + 0.1
        let budget = Int64(flushSeconds * Double(rate)) - engine.silenceSinceAudio
        let fill = min(plan.wall - plan.position, budget)
        if fill > 0 {
            engine.pushSilence(fill)
            advance(engine, audio: 0, silence: fill)
        }
        let behind = plan.wall - plan.position - max(fill, 0)
        guard budget - max(fill, 0) <= 0, Double(behind) > Self.maxGapSeconds * Double(rate) else { return }
        let unit = rate / Int64(gcd(Int(rate), 60))
        jumpTimeline(engine, by: behind / unit * unit)
    }

    private func collectFrames(_ engine: StreamEngine, now: Microseconds) {
        let jobLatency = pool.jobLatency
        let late = state.withLock { s -> Int in
            let lateBefore = s.output.counters.framesLate
            while s.output.pullFrame(from: engine) {}
            let produced = s.output.frameOffset + engine.framesProduced
            if engine.finished && s.output.totalFrames == nil {
                s.output.totalFrames = produced
                // A sender that stopped before its audio made a frame leaves nothing to wait for.
                if produced == 0 { _ = s.lifecycle.lastFrameSent() }
            }
            s.output.counters.framesProduced = produced
            s.output.pacer?.framesAvailable(produced)
            let allowances = s.allowances(jobLatency: jobLatency)
            let algorithmic = StreamSettings.algorithmicLatency(
                hop: s.settings.hop, lookahead: s.settings.lookahead, inputRate: engine.inputRate)
            let delay = s.settings.playoutDelay(inputRate: engine.inputRate, allowances: allowances)
            if s.output.pacer == nil, let first = s.inbox.firstArrival {
                s.output.startPacer(
                    origin: first, configuration: .init(frameRate: 60, playoutDelay: delay, easeFrames: 30), produced: produced,
                    now: now)
                s.lifecycle.delayIdle(by: delay)
            }
            _ = s.follow(allowances, target: delay, algorithmic: algorithmic, now: now)
            return s.output.counters.framesLate - lateBefore
        }
        if late > 0 { metrics.framesLate.increment(by: late) }
    }

    private func applyHopWidening(_ engine: StreamEngine) {
        let hop = engine.pipeline.schedule.hop
        let widened = min(model.config.frameSize - engine.pipeline.schedule.lookahead, hop * 2)
        let widen = state.withLock { s -> Bool in
            guard s.output.widenRequested else { return false }
            s.output.widenRequested = false
            // An adaptive delay first grows its compute allowance (the next job's follow raises it).
            guard !s.allowMoreForMisses(), widened > hop else { return false }
            s.settings.hop = widened
            let extra = Microseconds(widened - hop) * 1_000_000 / 60
            s.output.pacer?.extendPlayoutDelay(by: extra)
            s.lifecycle.delayIdle(by: extra)
            s.output.counters.hopWidenings += 1
            return true
        }
        guard widen else { return }
        engine.pipeline.widenHop(to: widened)
        metrics.hopWidenings.increment()
        if let (placement, anchor) = engine.windows {
            let next = engine.pipeline.nextFrame + widened - 1 + engine.pipeline.schedule.lookahead
            engine.windows = (pool.moveWindows(placement, hop: widened, next: anchor + Microseconds(next) * 1_000_000 / 60), anchor)
        }
    }

    /// Gives back the stream's place among the model windows (the hub calls it on close; an
    /// engine is never created for a closed stream, so none is placed after).
    func releaseWindows() {
        engine.withLock { slot in
            guard let engine = slot, let (placement, _) = engine.windows else { return }
            pool.releaseWindows(placement)
            engine.windows = nil
            metrics.windowsPlaced.record(pool.placedWindowsPerSecond)
        }
    }

    private func reportJitter(_ now: JitterBufferCounters, since last: JitterBufferCounters) {
        let kinds: [(String, KeyPath<JitterBufferCounters, Int>)] = [
            ("lost", \.lost), ("recovered_fec", \.recoveredByFEC), ("concealed", \.concealed), ("reset", \.resets),
            ("overload_dropped", \.overloadDropped),
        ]
        for (kind, path) in kinds where now[keyPath: path] > last[keyPath: path] {
            metrics.jitterEvents[kind]?.increment(by: now[keyPath: path] - last[keyPath: path])
        }
    }

    // MARK: - Pacing (pacer thread)

    /// Moves the stream's lifecycle to `now` and sends every frame due to the bus; returns when to
    /// come back, or why the stream is to be closed. The pacer loop calls it for every stream, so
    /// a stream whose lifecycle closed (by a timeout here, or by its sender on another thread) is
    /// closed within one pass.
    func pace(now: Microseconds, frame: inout FaceFrame) -> PaceResult {
        while true {
            var paused = false
            var stallDeadline: Microseconds?
            let step = state.withLock { s -> OutputState.Step in
                paused = s.lifecycle.clock(now: now) == .paused
                stallDeadline = s.lifecycle.stallDeadline
                if case .closed(let reason) = s.lifecycle.phase { return .close(reason) }
                let step = s.output.step(now: now, audioFlowing: s.lifecycle.audioFlowing, into: &frame)
                if case .sent = step { s.mood?.apply(to: &frame) }
                return step
            }
            // A sender that just paused gets its silence padded now, not at the next tick: the frames
            // waiting for lookahead are due within the playout delay's allowances.
            if paused { requestWork() }
            switch step {
            case .wait(let until): return .wait(until: min(until, stallDeadline ?? until))
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
                    state.withLock { $0.output.counters.subscriberDropped += drops }
                }
                if frame.last, let reason = state.withLock({ $0.lifecycle.lastFrameSent() }) { return .close(reason) }
            }
        }
    }

    /// Whether the stream has work that only time moves on: packets held in the jitter buffer
    /// (a gap waited for, an overload to shed), or a paused sender whose silence is padded in real
    /// time. A stream whose audio flows gets a job with every packet; at 50 streams, kicking every
    /// stream every 10 ms was most of the pool's jobs.
    var wantsTimedWork: Bool {
        state.withLock { s in
            s.lifecycle.senderPaused || s.inbox.jitter.depth > 0 || (s.inbox.ended && !s.inbox.endDelivered)
        }
    }

    /// Closes the stream's lifecycle from outside (`deleted`, `shutdown`); false if it was closed.
    func close(_ reason: CloseReason) -> Bool { state.withLock { $0.lifecycle.close(reason) } }

    /// Asks the worker pool to run ``work(now:)``; at most one job per stream is queued or running,
    /// and a request made while one runs makes it run again. A job that used its budget with work
    /// left goes to the back of the pool's queue, behind the other streams.
    func requestWork() {
        pending.store(true, ordering: .sequentiallyConsistent)
        guard !scheduled.exchange(true, ordering: .sequentiallyConsistent) else { return }
        let asked = MonotonicClock.now()
        pool.submit { [self] in
            var requested = asked
            while true {
                pending.store(false, ordering: .sequentiallyConsistent)
                let started = MonotonicClock.now()
                var windows = 0
                let more = work(now: started, windows: &windows)
                // Only jobs that ran the model make frames: their wait and run is what the frames'
                // compute allowance must cover. A request made during this run waited at most for
                // it: the next lap counts from its start.
                if windows > 0 { pool.recordModelJob(requested: requested, done: MonotonicClock.now()) }
                requested = started
                scheduled.store(false, ordering: .sequentiallyConsistent)
                if more { return requestWork() }
                guard pending.load(ordering: .sequentiallyConsistent),
                    !scheduled.exchange(true, ordering: .sequentiallyConsistent)
                else { return }
            }
        }
    }

    /// The stream's state for the API.
    func info() -> StreamInfo {
        let (ingest, phase, settings, counters) = state.withLock { s in
            var counters = s.output.counters
            counters.rtpPackets = s.inbox.rtpPackets
            counters.websocketMessages = s.inbox.websocketMessages
            counters.rtpDropped = s.inbox.dropped
            return (s.inbox.ingest, s.lifecycle.name, s.settings, counters)
        }
        var all = counters
        all.subscribers = bus.subscriberCount(framesTopic)
        var source: String?
        if case .rtp(let address) = ingest, let ip = address.ipAddress, let port = address.port {
            source = address.protocol == .inet6 ? "[\(ip)]:\(port)" : "\(ip):\(port)"
        }
        return StreamInfo(
            id: id, ssrc: ssrc, state: phase, ingest: ingest.name, source: source, settings: settings,
            createdAt: createdAt, counters: all, liveLinkTargets: liveLink.withLock { $0 }?.list.count ?? 0)
    }
}

extension Inbox {
    /// The next item for the worker: a queued WebSocket message or the end of them, or the jitter
    /// buffer's next packet (its payload copied into `scratch`), recovery or concealment.
    fileprivate mutating func nextItem(into scratch: UnsafeMutableRawBufferPointer, now: Microseconds) -> Stream.Item? {
        if case .websocket = ingest {
            if !messages.isEmpty { return .message(messages.removeFirst(), arrival: messageArrivals.removeFirst()) }
            if ended && !endDelivered {
                endDelivered = true
                return .end
            }
            return nil
        }
        guard let out = jitter.next(now: now) else { return nil }
        let resync = resyncPending
        resyncPending = false
        switch out {
        case .packet(_, let ts, let slot):
            return .decode(length: copy(slot: slot, into: scratch), timestamp: ts, resync: resync)
        case .recoverWithFEC(_, let ts, let from):
            return .fec(length: copy(slot: from.payload, into: scratch), samples: jitter.packetDuration, timestamp: ts, resync: resync)
        case .conceal(_, let ts, let samples):
            return .conceal(samples: samples, timestamp: ts, resync: resync)
        case .overloadDropped(_, let ts, _, let samples):
            return .skip(samples: samples, timestamp: ts, resync: resync)
        }
    }
}

/// What the pacer does next for a stream.
enum PaceResult: Equatable {
    case wait(until: Microseconds)
    case close(CloseReason)
}

func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
