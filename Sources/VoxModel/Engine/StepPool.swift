import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Worker threads that run one step of a forward pass in lock-step with the calling thread, with
/// far less hand-off latency than a `concurrentPerform` per step (a window has ~100 steps).
///
/// Workers spin briefly on a generation counter between steps, then park on a semaphore, so an
/// idle session costs no CPU. `run` executes share 0 on the calling thread and returns when every
/// share is done. One pool belongs to one session; `shutDown` ends its threads.
final class StepPool: @unchecked Sendable {
    // Safe: `step` is written only by the calling thread before the generation is published
    // (release) and read by workers after they observe it (acquire).
    typealias Step = @Sendable (_ worker: Int, _ workers: Int) -> Void

    let workers: Int
    private let generation = Atomic<Int>(0)
    private let finished = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    private let parked: [Flag]
    private let bells: [DispatchSemaphore]
    private var step: Step?
    private var threads: [pthread_t] = []

    /// Spins before parking: long enough to bridge the gaps between the steps of a window.
    private static let spinLimit = 20_000

    /// A pool of `workers` threads in total (the caller counts as one).
    init(workers: Int) {
        precondition(workers >= 2, "a pool needs at least two workers")
        self.workers = workers
        parked = (1..<workers).map { _ in Flag() }
        bells = (1..<workers).map { _ in DispatchSemaphore(value: 0) }
        // Dedicated threads, not dispatch's pool: a worker blocks for the session's lifetime, and
        // a saturated dispatch pool could delay starting it while the caller spins.
        for worker in 1..<workers {
            let context = Unmanaged.passRetained(WorkerContext(pool: self, index: worker)).toOpaque()
            var thread = pthread_t()
            let status = pthread_create(
                &thread, nil,
                { raw in
                    let context = Unmanaged<WorkerContext>.fromOpaque(raw!).takeRetainedValue()
                    context.pool.loop(context.index)
                    return nil
                }, context)
            precondition(status == 0, "pthread_create failed: \(status)")
            threads.append(thread)
        }
    }

    /// Runs `step(worker, workers)` for every worker, share 0 on this thread.
    func run(_ step: @escaping Step) {
        self.step = step
        finished.store(0, ordering: .relaxed)
        generation.add(1, ordering: .releasing)
        for i in 0..<parked.count where parked[i].value.exchange(false, ordering: .acquiringAndReleasing) {
            bells[i].signal()
        }
        step(0, workers)
        while finished.load(ordering: .acquiring) < workers - 1 {}
    }

    /// Stops the workers and waits for them to leave.
    func shutDown() {
        stopping.store(true, ordering: .releasing)
        generation.add(1, ordering: .releasing)
        for bell in bells { bell.signal() }
        for thread in threads { pthread_join(thread, nil) }
    }

    private func loop(_ worker: Int) {
        var seen = 0
        while true {
            var spins = 0
            var current = generation.load(ordering: .acquiring)
            while current == seen {
                spins += 1
                if spins > Self.spinLimit {
                    parked[worker - 1].value.store(true, ordering: .releasing)
                    if generation.load(ordering: .acquiring) == seen { bells[worker - 1].wait() }
                    parked[worker - 1].value.store(false, ordering: .releasing)
                    spins = 0
                }
                current = generation.load(ordering: .acquiring)
            }
            seen = current
            if stopping.load(ordering: .acquiring) { return }
            step?(worker, workers)
            finished.add(1, ordering: .releasing)
        }
    }
}

/// What a worker thread starts with.
private final class WorkerContext {
    let pool: StepPool
    let index: Int
    init(pool: StepPool, index: Int) {
        self.pool = pool
        self.index = index
    }
}

/// An atomic flag that can live in an array.
private final class Flag: Sendable {
    let value = Atomic<Bool>(false)
}
