import VoxMedia
import VoxSettings

/// The paced side of a stream: frames produced and not yet sent, the pacer, and the counters.
struct OutputState {
    enum Step {
        case sent(held: Bool, skipped: Int, missed: Bool)
        case wait(until: Microseconds)
        /// The stream's lifecycle closed it (not the pacer's to decide; ``Stream/pace(now:frame:)`` says so).
        case close(CloseReason)
        case noPacer
    }

    let channels: Int
    let capacity: Int
    private var ring: [Float]
    private var ringStart = 0  // frame index of the oldest held frame
    private var ringHead = 0
    private var ringCount = 0
    private var lastSent: [Float]
    private var lastReal: [Float]
    private var scratch: [Float]
    var pacer: FramePacer?
    /// Frames produced so far by the engine are numbered from `frameOffset` (timeline jumps add to it).
    var frameOffset = 0
    /// Position on the audio timeline, samples at the input rate.
    var timelinePosition: Int64 = 0
    /// Sample rate of the stream's audio (set when its engine is built).
    var inputRate = 48_000
    /// ``timelinePosition`` in seconds.
    var timelineSeconds: Double { Double(timelinePosition) / Double(inputRate) }
    /// Known once the client ended its audio and the engine flushed.
    var totalFrames: Int?
    var counters = StreamCounters()
    var jitterReported = JitterBufferCounters.zero
    var widenRequested = false
    /// Frames below this index were jumped over (a long silence): holding them is no miss.
    var noMissBefore = 0
    private var lastDelayChange: Microseconds = 0
    private var producedIndex = 0
    private var lateInWindow = 0
    private var sentInWindow = 0

    init(channels: Int, capacity: Int) {
        self.channels = channels
        self.capacity = capacity
        ring = [Float](repeating: 0, count: channels * capacity)
        lastSent = [Float](repeating: 0, count: channels)
        lastReal = lastSent
        scratch = lastSent
    }

    mutating func startPacer(origin: Microseconds, configuration: FramePacer.Configuration, produced: Int, now: Microseconds) {
        pacer = FramePacer(origin: origin, configuration: configuration)
        lastDelayChange = now
        pacer?.framesAvailable(produced)
    }

    /// Moves the pacer's playout delay toward `target`: up at once (output pauses once for the
    /// difference), down by ``shrinkStep`` every ``shrinkInterval`` (10 ms a second, each step one
    /// frame interval 1 ms short) and only when over ``shrinkSlack`` above it, so a delay wandering
    /// by a millisecond does not stretch frames back and forth. Returns how much the delay grew.
    mutating func followPlayoutDelay(_ target: Microseconds, now: Microseconds) -> Microseconds {
        guard var p = pacer else { return 0 }
        defer { pacer = p }
        let current = p.configuration.playoutDelay
        if target > current {
            p.extendPlayoutDelay(by: target - current)
            counters.delayChanges += 1
            lastDelayChange = now
            return target - current
        }
        if current - target > Self.shrinkSlack, now - lastDelayChange >= Self.shrinkInterval {
            p.shortenPlayoutDelay(by: min(current - target, Self.shrinkStep))
            counters.delayChanges += 1
            lastDelayChange = now
        }
        return 0
    }

    /// Most the playout delay shrinks at a time.
    static let shrinkStep: Microseconds = 1_000
    /// Least time between two changes of the delay before it shrinks again.
    static let shrinkInterval: Microseconds = 100_000
    /// How far above its target the delay may stay without shrinking.
    static let shrinkSlack: Microseconds = 4_000

    /// Takes one frame from `engine` into the ring; false when it has none. A frame whose due time
    /// has passed (the pacer already held it) is a deadline miss: counted and discarded.
    mutating func pullFrame(from engine: StreamEngine) -> Bool {
        let got = scratch.withUnsafeMutableBufferPointer { engine.pullFrame(into: $0) }
        guard got else { return false }
        let index = frameOffset + producedIndex
        producedIndex += 1
        if let pacer, index < pacer.nextIndex {
            counters.framesLate += 1
            return true
        }
        if ringCount == capacity {  // bounded: the oldest unsent frame goes
            ringHead = (ringHead + 1) % capacity
            ringStart += 1
            ringCount -= 1
        }
        if ringCount == 0 { ringStart = index }
        let slot = (ringHead + ringCount) % capacity
        for k in 0..<channels { ring[slot * channels + k] = scratch[k] }
        ringCount += 1
        return true
    }

    /// One pacing step at `now`: sends the frame due (or a held one), or says when to come back.
    /// `audioFlowing`: the sender is sending, so a frame not ready is the model's deadline miss.
    mutating func step(now: Microseconds, audioFlowing: Bool, into frame: inout FaceFrame) -> Step {
        guard var p = pacer else { return .noPacer }
        let skippedBefore = p.skippedFrames
        let action = p.next(now: now)
        pacer = p
        switch action {
        case .wait(let until): return .wait(until: until)
        case .send(let index):
            let skipped = p.skippedFrames - skippedBefore
            if take(index) {
                frame.held = false
                lastReal = lastSent
            } else {
                ease(neutral: 1)
                frame.held = true
            }
            return finishStep(index: index, into: &frame, skipped: skipped, audioFlowing: audioFlowing)
        case .hold(let index, let neutral):
            let skipped = p.skippedFrames - skippedBefore
            ease(neutral: neutral)
            frame.held = true
            return finishStep(index: index, into: &frame, skipped: skipped, audioFlowing: audioFlowing)
        }
    }

    private mutating func finishStep(index: Int, into frame: inout FaceFrame, skipped: Int, audioFlowing: Bool) -> Step {
        frame.index = index
        frame.last = totalFrames.map { index >= $0 - 1 } ?? false
        for k in 0..<min(channels, FaceFrame.channels) { frame.values[k] = lastSent[k] }
        counters.framesSent += 1
        if frame.held { counters.framesHeld += 1 }
        counters.framesSkipped += skipped
        let missed = frame.held && audioFlowing && index >= noMissBefore  // audio was arriving: the model was late
        if missed {
            counters.deadlineMisses += 1
            lateInWindow += 1
        }
        sentInWindow += 1
        if sentInWindow == 60 {  // once a second: shed load if over 10% of frames missed their deadline
            if lateInWindow >= 6 { widenRequested = true }
            sentInWindow = 0
            lateInWindow = 0
        }
        return .sent(held: frame.held, skipped: skipped, missed: missed)
    }

    /// Moves frame `index` from the ring into `lastSent`; false if it is not there.
    private mutating func take(_ index: Int) -> Bool {
        while ringCount > 0 && ringStart < index {
            ringHead = (ringHead + 1) % capacity
            ringStart += 1
            ringCount -= 1
        }
        guard ringCount > 0, ringStart == index else { return false }
        for k in 0..<channels { lastSent[k] = ring[ringHead * channels + k] }
        ringHead = (ringHead + 1) % capacity
        ringStart += 1
        ringCount -= 1
        return true
    }

    /// The last real face eased toward neutral (shapes and rotations to zero; emotions kept).
    private mutating func ease(neutral: Float) {
        let shapes = min(61, channels)
        for k in 0..<shapes { lastSent[k] = lastReal[k] * (1 - neutral) }
    }
}

/// A stream as the API shows it.
struct StreamInfo: Encodable {
    var id: String
    var ssrc: UInt32
    var state: String
    var ingest: String?
    var source: String?
    var settings: StreamSettings
    var createdAt: String
    var counters: StreamCounters
    var liveLinkTargets: Int

    enum CodingKeys: String, CodingKey {
        case id, ssrc, state, ingest, source, settings, counters
        case createdAt = "created_at"
        case liveLinkTargets = "livelink_targets"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(ssrc, forKey: .ssrc)
        try c.encode(state, forKey: .state)
        try c.encode(ingest, forKey: .ingest)
        try c.encode(source, forKey: .source)
        try c.encode(settings, forKey: .settings)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(counters, forKey: .counters)
        try c.encode(liveLinkTargets, forKey: .liveLinkTargets)
    }
}
