/// Decides, on a monotonic clock, which face frame of a stream is due now: exactly one frame per
/// 1/60 s, locked to the stream's audio timeline with a constant playout delay.
///
/// Frame k is due at `origin + playoutDelay + k / frameRate` seconds, computed from k each time
/// (never by adding periods), so there is no drift however long the stream runs. A frame the
/// model has not produced by its due time is replaced by the last frame eased towards a neutral
/// face (a counted deadline miss). A caller that wakes up late (a busy machine) sends the overdue
/// frames at once if they are at most `catchUpFrames` periods overdue, so receivers see no gap;
/// later than that it skips to the current frame instead of sending a long burst (counted). It only
/// paces: when a stream ends is its lifecycle's business. A plain value driven by injected time:
/// tests run an hour in microseconds.
public struct FramePacer: Sendable {
    /// Pacing settings.
    public struct Configuration: Sendable, Equatable {
        /// Frames per second.
        public var frameRate: Int
        /// Constant delay between a frame's audio arriving and the frame being due.
        public var playoutDelay: Microseconds
        /// Frames over which a face eases to neutral when its frames stop coming.
        public var easeFrames: Int
        /// Most periods a late wake-up catches up by sending overdue frames back to back.
        public var catchUpFrames: Int

        /// 60 fps, 150 ms playout delay, 0.5 s ease.
        public static let `default` = Configuration(frameRate: 60, playoutDelay: 150_000, easeFrames: 30)

        /// Settings from their parts.
        public init(frameRate: Int, playoutDelay: Microseconds, easeFrames: Int, catchUpFrames: Int = 4) {
            precondition(frameRate > 0 && playoutDelay >= 0 && easeFrames >= 1 && catchUpFrames >= 0, "invalid pacer settings")
            self.catchUpFrames = catchUpFrames
            self.frameRate = frameRate
            self.playoutDelay = playoutDelay
            self.easeFrames = easeFrames
        }
    }

    /// What to do now.
    public enum Action: Sendable, Equatable {
        /// Send frame `index` as the model produced it.
        case send(index: Int)
        /// Frame `index` is missing: send the last frame sent, blended towards neutral by `neutral`
        /// (0 = unchanged, 1 = fully neutral).
        case hold(index: Int, neutral: Float)
        /// Nothing is due before `until`.
        case wait(until: Microseconds)
    }

    /// The settings; ``extendPlayoutDelay(by:)`` and ``shortenPlayoutDelay(by:)`` change the delay.
    public private(set) var configuration: Configuration
    /// Monotonic time at which audio time zero arrived.
    public let origin: Microseconds
    /// The next frame to send.
    public private(set) var nextIndex = 0
    /// Frames the model has produced: 0 ..< availableFrames.
    public private(set) var availableFrames = 0
    /// Frames sent as held/eased because the model was late.
    public private(set) var deadlineMisses = 0
    /// Frames skipped because the caller woke up more than a frame late.
    public private(set) var skippedFrames = 0
    private var missesInARow = 0

    /// A pacer for a stream whose audio time zero arrived at `origin`.
    public init(origin: Microseconds, configuration: Configuration = .default) {
        self.origin = origin
        self.configuration = configuration
    }

    /// When frame `index` is due.
    public func dueTime(of index: Int) -> Microseconds {
        // Exact rational arithmetic: index * 1e6 / rate, rounded down, from the origin.
        origin + configuration.playoutDelay + Microseconds(index) * 1_000_000 / Microseconds(configuration.frameRate)
    }

    /// Lengthens the playout delay by `extra` from now on, when frames need longer to be produced
    /// (a widened hop). Output pauses for `extra` once; it never bursts.
    public mutating func extendPlayoutDelay(by extra: Microseconds) {
        precondition(extra >= 0, "the playout delay only grows")
        configuration.playoutDelay += extra
    }

    /// Shortens the playout delay by `amount` from now on (the allowances it held are no longer
    /// needed): frames come due earlier, and one already due goes out at the next call.
    public mutating func shortenPlayoutDelay(by amount: Microseconds) {
        precondition(amount >= 0 && amount <= configuration.playoutDelay, "the playout delay stays non-negative")
        configuration.playoutDelay -= amount
    }

    /// The model has produced frames up to (not including) `count`.
    public mutating func framesAvailable(_ count: Int) {
        availableFrames = max(availableFrames, count)
    }

    /// The action due at `now`. Call again after acting on `.send` or `.hold`.
    public mutating func next(now: Microseconds) -> Action {
        let due = dueTime(of: nextIndex)
        if now < due { return .wait(until: due) }
        // Over `catchUpFrames` periods late: skip to the frame due now rather than send a long burst.
        let period = 1_000_000 / Microseconds(configuration.frameRate)
        if now - due > period * Microseconds(configuration.catchUpFrames) {
            let current = Int((now - origin - configuration.playoutDelay) * Microseconds(configuration.frameRate) / 1_000_000)
            if current > nextIndex {
                skippedFrames += current - nextIndex
                nextIndex = current
            }
        }
        let index = nextIndex
        nextIndex += 1
        if index < availableFrames {
            missesInARow = 0
            return .send(index: index)
        }
        deadlineMisses += 1
        missesInARow += 1
        return .hold(index: index, neutral: min(1, Float(missesInARow) / Float(configuration.easeFrames)))
    }
}
