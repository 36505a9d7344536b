import NIOPosix
import Synchronization
import VoxMedia
import VoxModel

/// The threads that run stream pipelines (decode, features, model): sized to the cores, never
/// the NIO event loops. The queue is bounded by the number of streams, since each stream has at
/// most one job queued or running (``Stream/requestWork()``).
///
/// The pool also measures how long the jobs that run the model take from being asked for to being
/// done (the wait for a free thread plus the run): their p99.9 over the last 2,000 to 4,000 such
/// jobs is the allowance the automatic playout delay leaves for computing at the current load.
final class WorkerPool: Sendable {
    private let threads: NIOThreadPool
    /// Threads in the pool.
    let size: Int
    private let latency = Mutex(JobLatencyEstimate())
    private let measured = Atomic<Int64>(JobLatencyEstimate.initial)
    private let phases = Mutex(WindowPhases())

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

    /// A job that ran the model, asked for at `requested`, finished at `done`.
    func recordModelJob(requested: Microseconds, done: Microseconds) {
        let value = latency.withLock { $0.record(done - requested) }
        if let value { measured.store(value, ordering: .relaxed) }
    }

    /// The compute allowance's job time (``JobLatencyEstimate``).
    var jobLatency: Microseconds { measured.load(ordering: .relaxed) }

    /// Places a new stream's model windows where the fewest others fall due (``WindowPhases``):
    /// `anchor` is when its first audio arrived; the returned placement's phase (`fixed`, when the
    /// stream's settings fix one) goes to its pipeline.
    func placeWindows(hop: Int, lookahead: Int, anchor: Microseconds, fixed: Int?) -> WindowPhases.Placement {
        phases.withLock { $0.place(hop: hop, dueFrame: Self.frame(anchor) + Int64(hop - 1 + lookahead), fixed: fixed) }
    }

    /// Moves a stream's windows after its hop widened: `next` is when its next window falls due.
    func moveWindows(_ old: WindowPhases.Placement, hop: Int, next: Microseconds) -> WindowPhases.Placement {
        phases.withLock { wheel in
            wheel.release(old)
            return wheel.occupy(hop: hop, dueFrame: Self.frame(next))
        }
    }

    /// Forgets a closed stream's windows.
    func releaseWindows(_ placement: WindowPhases.Placement) { phases.withLock { $0.release(placement) } }

    /// Model windows due per second over the placed streams (0 once every stream closed).
    var placedWindowsPerSecond: Int { phases.withLock { $0.windowsPerSecond } }

    private static func frame(_ time: Microseconds) -> Int64 { time * 60 / 1_000_000 }

    func shutdown() async {
        try? await threads.shutdownGracefully()
    }
}

/// How long model jobs take from being asked for to their end, as the automatic playout delay
/// allows for it: ``initial`` at first; from the ``earlyJobs``th job on, twice the slowest job so
/// far if that is less (a lone stream runs 15 windows a second, so its first full block of 2,000
/// jobs takes over two minutes, which it would otherwise spend 15 ms late; a slower job raises it
/// at once); from the first full block on, the p99.9 over the last 2,000 to 4,000 jobs. A plain value; the pool locks it.
struct JobLatencyEstimate {
    /// Assumed before anything was measured.
    static let initial: Microseconds = 15_000
    /// Jobs the early estimate waits for.
    static let earlyJobs = 120
    private var rolling = RollingPercentile(bucketWidth: 250, buckets: 800, blockSize: 2000, percentile: 0.999)
    private var early = 0
    private var slowest: Microseconds = 0

    /// Adds one job's time; returns the new estimate when it changed.
    mutating func record(_ duration: Microseconds) -> Microseconds? {
        if rolling.record(duration) { return rolling.value }
        guard rolling.value == nil else { return nil }
        early += 1
        let before = early > Self.earlyJobs ? min(Self.initial, 2 * slowest) : Self.initial
        slowest = max(slowest, duration)
        // Until the first block, a slower job raises the estimate at once (up to the assumption):
        // streams that join after the first jobs were timed make every job wait longer.
        guard early >= Self.earlyJobs else { return nil }
        let now = min(Self.initial, 2 * slowest)
        return now != before ? now : nil
    }
}
