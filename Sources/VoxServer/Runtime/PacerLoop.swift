import NIOPosix
import Synchronization
import VoxMedia

/// One thread that sends every stream's due frames at 60 fps on the monotonic clock and drives
/// the time-based work (jitter-buffer waits, stall padding), sleeping until the next deadline.
final class PacerLoop: Sendable {
    private let running = Atomic<Bool>(true)
    private let thread = NIOThreadPool(numberOfThreads: 1)
    /// How often streams that wait on time (a gap in the jitter buffer, a paused sender's silence
    /// padding) get a worker job without new input; streams whose audio flows get theirs from it.
    static let tick: Microseconds = 10_000

    /// Starts the loop on its own thread. `close` is called (on that thread) for a stream the
    /// pacer finds idle or finished.
    init(registry: StreamRegistry, close: @escaping @Sendable (Stream, CloseReason) -> Void) {
        thread.start()
        thread.submit { [self] _ in
            var frame = FaceFrame(streamID: "", index: 0, held: false, last: false, values: .init(repeating: 0))
            var nextTick: Microseconds = 0
            while running.load(ordering: .relaxed) {
                let now = MonotonicClock.now()
                var wake = now + Self.tick
                let kick = now >= nextTick
                if kick { nextTick = now + Self.tick }
                for stream in registry.snapshot {
                    if kick, stream.wantsTimedWork { stream.requestWork() }
                    switch stream.pace(now: now, frame: &frame) {
                    case .wait(let until): wake = min(wake, until)
                    case .close(let reason): close(stream, reason)
                    }
                }
                wake = min(wake, nextTick)
                MonotonicClock.sleep(until: wake)
            }
        }
    }

    /// Stops the loop and waits for its thread to finish.
    func stop() async {
        running.store(false, ordering: .sequentiallyConsistent)
        try? await thread.shutdownGracefully()
    }
}
