import VoxMedia

/// The life of one stream as one value: every way in and out of each phase, driven by events and
/// by an injected clock (monotonic microseconds), so its whole transition table is tested without
/// a socket or a sleep. ``Stream`` owns one, under its state lock; nothing else decides when a
/// stream ends.
///
/// | phase \ event | audio | sender stops (`end`, socket closed) | last frame sent | time passes | delete, shutdown |
/// |---|---|---|---|---|---|
/// | waiting | live (`.first`) | closed `ended` | - | first-audio deadline: closed `no_audio` | closed |
/// | live | live (`.resumed` after a pause) | draining (`.flush`) | - | stall: paused; idle timeout: closed `idle` | closed |
/// | draining | refused | - | closed `ended` | drain deadline: closed `ended` | closed |
/// | closed | refused | - | - | - | - |
///
/// Idle time counts from the last audio that arrived, never from frames produced: silence padded
/// or a timeline jumped after a sender stops cannot keep a stream open. The stream adds its
/// playout delay to the idle timeout (``delayIdle(by:)``), so the frames of the last audio are
/// sent and the face has the whole timeout to settle before the stream closes. Overload does not end a
/// stream: it stays live and sheds work (hop widening, counted drops).
struct StreamLifecycle: Sendable, Equatable {
    /// How long each phase may last without the event that moves it on.
    struct Timeouts: Sendable, Equatable {
        /// A stream that never receives audio closes this long after it was created.
        var firstAudio: Microseconds
        /// A live stream closes this long after its last audio (its playout delay included).
        var idle: Microseconds
        /// A live stream's sender counts as paused this long after its last audio.
        var stall: Microseconds
        /// A draining stream whose last frame never goes out closes after this long.
        var drain: Microseconds

        /// Timeouts from their parts; each must be positive, and a stall shorter than idleness.
        init(firstAudio: Microseconds, idle: Microseconds, stall: Microseconds, drain: Microseconds) {
            precondition(firstAudio > 0 && idle > 0 && stall > 0 && drain > 0 && stall < idle, "invalid stream timeouts")
            self.firstAudio = firstAudio
            self.idle = idle
            self.stall = stall
            self.drain = drain
        }
    }

    /// Where a stream is.
    enum Phase: Sendable, Equatable {
        /// Created, no audio yet.
        case waiting(since: Microseconds)
        /// Audio arrives (or arrived; `paused` once none came for the stall allowance).
        case live(lastAudio: Microseconds, paused: Bool)
        /// The sender said it is done: the last frames are being produced and sent.
        case draining(since: Microseconds)
        /// Finished, for `reason`; nothing moves it again.
        case closed(CloseReason)
    }

    /// What became of audio offered to the stream.
    enum AudioVerdict: Sendable, Equatable {
        /// The stream's first audio: it is live now.
        case first
        /// More audio while the sender was flowing.
        case accepted
        /// Audio after a pause: the sender is flowing again.
        case resumed
        /// The stream is draining or closed: the audio is dropped.
        case refused
    }

    /// What the stream does once its sender stops.
    enum StopAction: Sendable, Equatable {
        /// Flush the engine: pad the lookahead, produce and send the last frames.
        case flush
        /// Close now (nothing was ever produced).
        case close(CloseReason)
        /// Nothing: the stream already drains or is closed.
        case none
    }

    /// What the passing of time did.
    enum TimeAction: Sendable, Equatable {
        /// Nothing changed.
        case none
        /// The sender just paused (no audio for the stall allowance).
        case paused
        /// The stream just closed.
        case close(CloseReason)
    }

    private(set) var timeouts: Timeouts
    /// The current phase.
    private(set) var phase: Phase

    /// A stream created at `now`.
    init(createdAt now: Microseconds, timeouts: Timeouts) {
        self.timeouts = timeouts
        phase = .waiting(since: now)
    }

    /// Audio (an RTP packet, a WebSocket message, or a WebSocket ingest declaring its format) arrived at `now`.
    mutating func audioArrived(now: Microseconds) -> AudioVerdict {
        switch phase {
        case .waiting:
            phase = .live(lastAudio: now, paused: false)
            return .first
        case .live(_, let paused):
            phase = .live(lastAudio: now, paused: false)
            return paused ? .resumed : .accepted
        case .draining, .closed:
            return .refused
        }
    }

    /// The sender is done: it sent `end`, or its audio WebSocket closed.
    mutating func senderStopped(now: Microseconds) -> StopAction {
        switch phase {
        case .waiting:
            phase = .closed(.ended)
            return .close(.ended)
        case .live:
            phase = .draining(since: now)
            return .flush
        case .draining, .closed:
            return .none
        }
    }

    /// The pacer sent the frame marked last; the stream closes if it was draining.
    mutating func lastFrameSent() -> CloseReason? {
        guard case .draining = phase else { return nil }
        phase = .closed(.ended)
        return .ended
    }

    /// Time has reached `now`: pauses the sender and closes the stream when a timeout has passed.
    mutating func clock(now: Microseconds) -> TimeAction {
        switch phase {
        case .waiting(let since):
            guard now - since >= timeouts.firstAudio else { return .none }
            phase = .closed(.noAudio)
            return .close(.noAudio)
        case .live(let last, let paused):
            if now - last >= timeouts.idle {
                phase = .closed(.idle)
                return .close(.idle)
            }
            guard !paused, now - last >= timeouts.stall else { return .none }
            phase = .live(lastAudio: last, paused: true)
            return .paused
        case .draining(let since):
            guard now - since >= timeouts.drain else { return .none }
            phase = .closed(.ended)
            return .close(.ended)
        case .closed:
            return .none
        }
    }

    /// The stream's frames lag its audio by `delay` more (the pacer started, or the playout
    /// delay grew): idleness is counted from the last audio's frames, not from the audio.
    mutating func delayIdle(by delay: Microseconds) {
        precondition(delay >= 0, "the idle timeout only grows")
        timeouts.idle += delay
        timeouts.drain += delay
    }

    /// Sets how long the sender may send nothing before it counts as paused (the playout delay's
    /// jitter allowance moved), kept below the idle timeout.
    mutating func setStall(_ stall: Microseconds) {
        precondition(stall > 0, "the stall allowance must be positive")
        timeouts.stall = min(stall, timeouts.idle - 1)
    }

    /// When a flowing sender counts as paused if nothing arrives before (nil unless flowing).
    var stallDeadline: Microseconds? {
        if case .live(let last, false) = phase { return last + timeouts.stall }
        return nil
    }

    /// Closes the stream from outside (`deleted`, `shutdown`); false if it was already closed.
    mutating func close(_ reason: CloseReason) -> Bool {
        if case .closed = phase { return false }
        phase = .closed(reason)
        return true
    }

    /// Audio is arriving: live and not paused. A frame held now is the model's deadline miss.
    var audioFlowing: Bool {
        if case .live(_, false) = phase { return true }
        return false
    }

    /// The sender paused: silence is padded behind its last audio.
    var senderPaused: Bool {
        if case .live(_, true) = phase { return true }
        return false
    }

    /// When the last audio arrived (nil before any, and after the sender stopped).
    var lastAudio: Microseconds? {
        if case .live(let last, _) = phase { return last }
        return nil
    }

    /// True once closed.
    var isClosed: Bool {
        if case .closed = phase { return true }
        return false
    }

    /// The phase as the API names it.
    var name: String {
        switch phase {
        case .waiting: "waiting"
        case .live: "live"
        case .draining: "draining"
        case .closed: "closed"
        }
    }
}
