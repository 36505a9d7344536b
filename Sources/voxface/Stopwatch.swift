import Foundation

/// Wall-clock laps of a command's phases, for `--timings`.
struct Stopwatch {
    private let clock = ContinuousClock()
    private var last: ContinuousClock.Instant
    private var laps: [(String, Duration)] = []

    init() { last = clock.now }

    /// Ends the current phase under `name`.
    mutating func lap(_ name: String) {
        let now = clock.now
        laps.append((name, now - last))
        last = now
    }

    /// Writes one line per phase and the total to standard error.
    func report() {
        let total = laps.reduce(Duration.zero) { $0 + $1.1 }
        var text = ""
        for (name, duration) in laps + [("total", total)] {
            text += String(format: "%-20@ %8.2f ms\n", name as NSString, duration.seconds * 1000)
        }
        FileHandle.standardError.write(Data(text.utf8))
    }
}
