import Dispatch

/// Runs `body` with its work on a thread of its own instead of the cooperative pool, which has
/// one thread per core (two on CI). Long numeric tests (a thousand embeddings in a debug build)
/// run this way so they do not take the pool from the servers and clients of the tests running
/// beside them; the kernel still shares the cores.
public func onOwnThread<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
    try await withTaskExecutorPreference(SerialThreadExecutor()) { try await body() }
}

/// A task executor that runs its jobs in order on a serial dispatch queue (libdispatch's own
/// worker threads, not the cooperative pool's).
final class SerialThreadExecutor: TaskExecutor {
    private let queue = DispatchQueue(label: "voxface.test.own-thread")

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
