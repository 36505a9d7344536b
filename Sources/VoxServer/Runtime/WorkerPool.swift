import NIOPosix

/// The threads that run stream pipelines (decode, features, model): sized to the cores, never
/// the NIO event loops. The queue is bounded by the number of streams, since each stream has at
/// most one job queued or running (``Stream/requestWork()``).
final class WorkerPool: Sendable {
    private let threads: NIOThreadPool
    /// Threads in the pool.
    let size: Int

    init(threads: Int) {
        size = max(1, threads)
        self.threads = NIOThreadPool(numberOfThreads: size)
        self.threads.start()
    }

    func submit(_ job: @escaping @Sendable () -> Void) {
        threads.submit { state in
            if case .active = state { job() }
        }
    }

    func shutdown() async {
        try? await threads.shutdownGracefully()
    }
}
