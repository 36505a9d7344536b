import Synchronization

/// What ``withDeadline(_:_:_:)`` throws when its time is up.
public struct DeadlineExceeded: Error, CustomStringConvertible {
    /// What did not finish, and its limit.
    public let description: String
}

/// Runs `body` and returns what it returns, or throws ``DeadlineExceeded`` once `seconds` have passed
/// even when `body` never gives way (it is cancelled and left behind): a peer that hangs fails
/// its test instead of hanging the whole run.
public func withDeadline<T: Sendable>(
    _ seconds: Double, _ what: @autoclosure @escaping @Sendable () -> String, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    let race = DeadlineRace<T>()
    return try await withCheckedThrowingContinuation { continuation in
        race.pending.withLock { $0 = continuation }
        let work = Task {
            let result: Result<T, any Error>
            do { result = .success(try await body()) } catch { result = .failure(error) }
            let waiting = race.pending.withLock { $0.take() }
            race.timer.withLock { $0?.cancel() }
            waiting?.resume(with: result)
        }
        race.timer.withLock {
            $0 = Task {
                try? await Task.sleep(for: .seconds(seconds))
                guard !Task.isCancelled, let waiting = race.pending.withLock({ $0.take() }) else { return }
                work.cancel()
                waiting.resume(throwing: DeadlineExceeded(description: "\(what()) did not finish within \(seconds) s"))
            }
        }
    }
}

/// The shared state of ``withDeadline(_:_:_:)``: whichever of the work and the timer ends first
/// takes the continuation.
private final class DeadlineRace<T: Sendable>: Sendable {
    let pending = Mutex<CheckedContinuation<T, any Error>?>(nil)
    let timer = Mutex<Task<Void, Never>?>(nil)
}
