/// A circuit breaker as a plain value with injected time (seconds on any monotonic clock).
///
/// Closed, calls go through. `failureThreshold` consecutive failures open it: calls are refused
/// for `cooldown` seconds. Then it lets one trial call through (half-open); the trial's success
/// closes it, its failure opens it again for another cooldown.
///
/// Not thread-safe by itself: the owner keeps it behind a lock (``ResilientChatModel`` does).
public struct CircuitBreaker: Sendable, Equatable {
    /// Where the breaker stands.
    public enum State: Sendable, Equatable {
        /// Calls go through.
        case closed
        /// Calls are refused until the cooldown is over.
        case open
        /// One trial call is out; others are refused until it is recorded.
        case halfOpen
    }

    /// Consecutive failures that open the breaker.
    public let failureThreshold: Int
    /// Seconds the breaker stays open before a trial.
    public let cooldown: Double
    /// Where the breaker stands now.
    public private(set) var state: State = .closed
    /// Consecutive failures recorded since the last success.
    public private(set) var consecutiveFailures = 0
    /// Times the breaker has opened (a failed trial opening it again counts).
    public private(set) var opens = 0
    /// When the breaker last opened, or when the trial went out (half-open).
    private var since = 0.0

    /// A closed breaker.
    public init(failureThreshold: Int, cooldown: Double) {
        precondition(failureThreshold >= 1, "a breaker opens after at least one failure")
        precondition(cooldown >= 0, "a cooldown is a duration")
        self.failureThreshold = failureThreshold
        self.cooldown = cooldown
    }

    /// Whether a call may go out at `now`. In half-open state a true answer is the one trial, and
    /// the caller must ``record(success:now:)`` its outcome.
    public mutating func allow(now: Double) -> Bool {
        switch state {
        case .closed:
            return true
        case .open:
            guard now - since >= cooldown else { return false }
            state = .halfOpen
            since = now
            return true
        case .halfOpen:
            // A trial whose outcome was never recorded (its caller vanished) must not wedge the
            // breaker: after another cooldown a new trial goes out.
            guard now - since >= cooldown else { return false }
            since = now
            return true
        }
    }

    /// Gives back the half-open trial that was allowed but never went out (refused locally), so
    /// the next ``allow(now:)`` may send one; nothing is counted.
    public mutating func cancelTrial() {
        guard state == .halfOpen else { return }
        state = .open
        // Backdate the opening by a cooldown: the cooldown counts as over.
        since -= cooldown
    }

    /// Records the outcome of a call at `now`.
    public mutating func record(success: Bool, now: Double) {
        if success {
            consecutiveFailures = 0
            state = .closed
            return
        }
        consecutiveFailures += 1
        switch state {
        case .closed where consecutiveFailures >= failureThreshold, .halfOpen:
            state = .open
            since = now
            opens += 1
        case .closed, .open:
            // Below the threshold, or a call that went out before the breaker opened: the
            // cooldown already running stands.
            break
        }
    }
}
