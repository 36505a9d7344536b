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
            text += Console.padded(name, 20) + Console.rightAligned(Console.fixed(duration.seconds * 1000, 2), 9) + " ms\n"
        }
        Console.error(text)
    }
}

extension Duration {
    /// The duration in seconds as a Double.
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) * 1e-18
    }
}
