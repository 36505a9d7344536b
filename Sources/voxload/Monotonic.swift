import Glibc
import VoxLoad

/// voxload's one clock: CLOCK_MONOTONIC in nanoseconds, for every send and every arrival.
enum Monotonic {
    /// Now.
    static func now() -> Nanoseconds {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Nanoseconds(ts.tv_sec) * 1_000_000_000 + Nanoseconds(ts.tv_nsec)
    }

    /// Blocks the calling thread until `deadline` (absolute, so a late wake-up never shifts later deadlines).
    static func sleep(until deadline: Nanoseconds) {
        var ts = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nil) == EINTR {}
    }
}
