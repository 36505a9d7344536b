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
    // Safe: `currentStep` is written only by the calling thread before the generation is published
    // (release) and read by workers after they observe it (acquire); `steps` never changes.
    typealias Step = @Sendable (_ worker: Int, _ workers: Int) -> Void

    let workers: Int
    private let generation = Atomic<Int>(0)
    private let finished = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    private let parked: [Flag]
    private let bells: [DispatchSemaphore]
    private let steps: [Step]
    private var currentStep = 0
    private var threads: [pthread_t] = []

    /// Spins before parking: long enough to bridge the gaps between the steps of a window.
    private static let spinLimit = 20_000

    /// A pool of `workers` threads in total (the caller counts as one) for running `steps`.
    init(workers: Int, steps: [Step]) {
        precondition(workers >= 2, "a pool needs at least two workers")
        self.workers = workers
        self.steps = steps
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

    /// Runs `steps[index](worker, workers)` for every worker, share 0 on this thread. (Steps are
    /// named by index: storing a closure per call would allocate a reabstraction thunk.)
    func run(_ index: Int) {
        currentStep = index
        finished.store(0, ordering: .relaxed)
        // Sequentially consistent on both sides: a worker stores `parked` then loads `generation`,
        // this thread stores `generation` then loads `parked` (a Dekker pattern); with weaker
        // orderings both loads can see the old values and the wake-up is lost.
        generation.add(1, ordering: .sequentiallyConsistent)
        for i in 0..<parked.count where parked[i].value.exchange(false, ordering: .sequentiallyConsistent) {
            bells[i].signal()
        }
        steps[index](0, workers)
        var spins = 0
        while finished.load(ordering: .acquiring) < workers - 1 {
            spins += 1
            // Belt and braces: a worker still parked long after the step was published is rung again.
            if spins % 100_000 == 0 {
                for i in 0..<parked.count where parked[i].value.exchange(false, ordering: .sequentiallyConsistent) {
                    bells[i].signal()
                }
            }
        }
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
            var observed = generation.load(ordering: .acquiring)
            while observed == seen {
                spins += 1
                if spins > Self.spinLimit {
                    parked[worker - 1].value.store(true, ordering: .sequentiallyConsistent)
                    if generation.load(ordering: .sequentiallyConsistent) == seen { bells[worker - 1].wait() }
                    parked[worker - 1].value.store(false, ordering: .releasing)
                    spins = 0
                }
                observed = generation.load(ordering: .acquiring)
            }
            seen = observed
            if stopping.load(ordering: .acquiring) { return }
            steps[currentStep](worker, workers)
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
