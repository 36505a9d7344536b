import Dispatch
import Synchronization

/// A first-come, first-served lock for a service's read-modify-commit sequences, usable from
/// async code (across suspension points, which a `Mutex` cannot be held over) and from a plain
/// thread (the world's low-priority ticker). Async waiters queue without blocking a thread.
public final class WriteGate: Sendable {
    private enum Waiter {
        case task(CheckedContinuation<Void, Never>)
        case thread(DispatchSemaphore)
    }
    private struct State: ~Copyable {
        var held = false
        var waiters: [Waiter] = []
    }
    private let state = Mutex(State())

    /// An open gate.
    public init() {}

    /// Runs `body` holding the gate.
    public func run<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        await enter()
        defer { leave() }
        return try await body()
    }

    /// Runs `body` holding the gate, blocking the calling thread while it waits (never call it
    /// from the cooperative thread pool).
    public func runBlocking<T>(_ body: () throws -> T) rethrows -> T {
        let semaphore = DispatchSemaphore(value: 0)
        let acquired = state.withLock { s -> Bool in
            if s.held {
                s.waiters.append(.thread(semaphore))
                return false
            }
            s.held = true
            return true
        }
        if !acquired { semaphore.wait() }
        defer { leave() }
        return try body()
    }

    private func enter() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let acquired = state.withLock { s -> Bool in
                if s.held {
                    s.waiters.append(.task(continuation))
                    return false
                }
                s.held = true
                return true
            }
            if acquired { continuation.resume() }
        }
    }

    /// Hands the gate to the next waiter (it stays held) or opens it.
    private func leave() {
        let next = state.withLock { s -> Waiter? in
            if s.waiters.isEmpty {
                s.held = false
                return nil
            }
            return s.waiters.removeFirst()
        }
        switch next {
        case .task(let continuation): continuation.resume()
        case .thread(let semaphore): semaphore.signal()
        case nil: break
        }
    }
}
