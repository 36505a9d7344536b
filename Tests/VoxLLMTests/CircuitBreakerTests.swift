import Testing

@testable import VoxLLM

/// The breaker's transitions, on injected time.
@Suite struct CircuitBreakerTests {
    /// The answers of `allow` at each of `times`, in turn (`#expect` cannot call a mutating method).
    static func answers(_ breaker: inout CircuitBreaker, at times: Double...) -> [Bool] {
        times.map { breaker.allow(now: $0) }
    }

    @Test func opensAfterTheThresholdOfConsecutiveFailures() {
        var breaker = CircuitBreaker(failureThreshold: 3, cooldown: 10)
        for second in 0..<2 { breaker.record(success: false, now: Double(second)) }
        breaker.record(success: true, now: 2)
        #expect(breaker.state == .closed && breaker.consecutiveFailures == 0, "a success resets the count")
        for second in 3..<6 { breaker.record(success: false, now: Double(second)) }
        #expect(breaker.state == .open && breaker.opens == 1)
        let allowed = Self.answers(&breaker, at: 5, 14.9)
        #expect(allowed == [false, false], "refused during the cooldown")
    }

    @Test func letsOneTrialThroughAfterTheCooldownAndClosesOnItsSuccess() {
        var breaker = CircuitBreaker(failureThreshold: 1, cooldown: 10)
        breaker.record(success: false, now: 0)
        let trial = Self.answers(&breaker, at: 10)
        #expect(trial == [true] && breaker.state == .halfOpen)
        let another = Self.answers(&breaker, at: 10.5)
        #expect(another == [false], "one trial at a time")
        breaker.record(success: true, now: 11)
        let after = Self.answers(&breaker, at: 11, 11)
        #expect(breaker.state == .closed && after == [true, true])
    }

    @Test func reopensOnAFailedTrial() {
        var breaker = CircuitBreaker(failureThreshold: 2, cooldown: 10)
        breaker.record(success: false, now: 0)
        breaker.record(success: false, now: 0)
        let trial = Self.answers(&breaker, at: 12)
        #expect(trial == [true])
        breaker.record(success: false, now: 13)
        #expect(breaker.state == .open && breaker.opens == 2)
        let allowed = Self.answers(&breaker, at: 22, 23)
        #expect(allowed == [false, true], "the new cooldown runs from the failed trial")
    }

    @Test func lateFailuresDoNotExtendTheCooldown() {
        var breaker = CircuitBreaker(failureThreshold: 1, cooldown: 10)
        breaker.record(success: false, now: 0)
        breaker.record(success: false, now: 5)
        let allowed = Self.answers(&breaker, at: 10)
        #expect(breaker.opens == 1 && allowed == [true])
    }

    @Test func aLostTrialIsReplacedAfterAnotherCooldown() {
        var breaker = CircuitBreaker(failureThreshold: 1, cooldown: 10)
        breaker.record(success: false, now: 0)
        let allowed = Self.answers(&breaker, at: 10, 19.9, 20)
        #expect(allowed == [true, false, true], "the first trial never reported back")
    }

    @Test func aCancelledTrialIsGivenBack() {
        var breaker = CircuitBreaker(failureThreshold: 1, cooldown: 10)
        breaker.record(success: false, now: 0)
        let trial = Self.answers(&breaker, at: 10)
        breaker.cancelTrial()
        #expect(trial == [true] && breaker.state == .open && breaker.opens == 1)
        let again = Self.answers(&breaker, at: 10.1)
        #expect(again == [true] && breaker.state == .halfOpen)
    }
}
