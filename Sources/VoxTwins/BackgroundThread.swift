import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One thread of its own, at nice 10, that runs the twins' background work (reading files,
/// distilling, embedding) in order: on a busy machine the face streams' workers come first,
/// as with the avatar world's thread. Thread-safe.
final class BackgroundThread: Sendable {
    /// The thread's niceness (CFS weight 110 against 1024 for normal threads).
    static let niceness: Int32 = 10

    private struct State: ~Copyable {
        var work: [@Sendable () -> Void] = []
        var started = false
    }
    private let state = Mutex(State())
    private let ready = DispatchSemaphore(value: 0)
    private let name: String

    init(name: String) { self.name = name }

    /// Runs `body` on the thread (after what was queued before it).
    func async(_ body: @escaping @Sendable () -> Void) {
        let start = state.withLock { s -> Bool in
            s.work.append(body)
            defer { s.started = true }
            return !s.started
        }
        if start {
            let thread = Thread { [self] in loop() }
            thread.name = name
            thread.start()
        }
        ready.signal()
    }

    private func loop() {
        #if canImport(Glibc)
            // PRIO_PROCESS with id 0 sets the calling thread's niceness only on Linux.
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, Self.niceness)
        #endif
        while true {
            ready.wait()
            let next = state.withLock { s -> (@Sendable () -> Void)? in s.work.isEmpty ? nil : s.work.removeFirst() }
            next?()
        }
    }
}
