/// A circuit breaker as a plain value with injected time: after `threshold` consecutive failures
/// it opens and refuses calls for `cooldown` seconds, then lets one trial call through
/// (half-open); the trial's success closes it, its failure opens it again.
public struct CircuitBreaker: Sendable, Equatable {
    /// Where the breaker stands.
    public enum State: Sendable, Equatable {
        /// Calls go through.
        case closed
        /// Calls are refused until the cooldown is over.
        case open(until: Double)
        /// One trial call is out.
        case halfOpen
    }

    /// Consecutive failures that open the breaker.
    public let threshold: Int
    /// Seconds the breaker stays open.
    public let cooldown: Double
    /// The state now.
    public private(set) var state: State = .closed
    /// Consecutive failures so far.
    public private(set) var failures = 0
    /// Times the breaker opened.
    public private(set) var opened = 0

    /// A closed breaker.
    public init(threshold: Int, cooldown: Double) {
        precondition(threshold >= 1 && cooldown >= 0, "a breaker needs a positive threshold")
        self.threshold = threshold
        self.cooldown = cooldown
    }

    /// Whether a call may go out at `now` (a true answer in half-open state is the one trial).
    public mutating func allow(now: Double) -> Bool {
        switch state {
        case .closed: return true
        case .halfOpen: return false
        case .open(let until):
            guard now >= until else { return false }
            state = .halfOpen
            return true
        }
    }

    /// Records a call's outcome at `now`.
    public mutating func record(success: Bool, now: Double) {
        if success {
            failures = 0
            state = .closed
            return
        }
        failures += 1
        if state == .halfOpen || failures >= threshold {
            opened += 1
            state = .open(until: now + cooldown)
        }
    }
}
