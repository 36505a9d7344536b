import Testing
import VoxLoad

@Suite struct SLOTests {
    @Test func parsesLimitsWithUnits() throws {
        #expect(try SLO(parsing: "p99=150ms").limit == 150)
        #expect(try SLO(parsing: "p99=150").limit == 150)
        #expect(try SLO(parsing: "max=0.5s").limit == 500)
        #expect(try SLO(parsing: "jitter_p99=1500us").limit == 1.5)
        #expect(try SLO(parsing: "net_p50=80ms").metric == .netP50)
        let missing = try SLO(parsing: "missing=0")
        #expect(missing.metric == .missing && missing.limit == 0 && !missing.isFraction)
        let fraction = try SLO(parsing: "missing=0.5%")
        #expect(fraction.isFraction && fraction.limit == 0.005)
        #expect(try SLO(parsing: "rss=1GB").limit == 1024)
        #expect(try SLO(parsing: "cpu=150%").limit == 1.5)
        #expect(try SLO(parsing: "rss_growth=5%").limit == 5)
        #expect(try SLO(parsing: "rss_growth=5").metric == .rssGrowth)
        #expect(try SLO(parsing: " late = 3 ").limit == 3)
    }

    @Test func refusesWithOneLine() {
        for bad in ["p99", "p98=10ms", "p99=fast", "p99=10kg", "missing=3ms", "p99=-1ms", "=1", "rss_growth=5MB"] {
            #expect(throws: LoadError.self) { try SLO(parsing: bad) }
        }
        do {
            _ = try SLO(parsing: "p98=10ms")
        } catch {
            #expect(error.description.hasPrefix("--slo: unknown measure 'p98'"))
            #expect(!error.description.contains("\n"))
        }
    }

    static func run(missing: Int, p99: Double?, late: Int? = 0) -> RunResult {
        var frames = FrameCounts()
        frames.expected = 1200
        frames.received = 1200 - missing
        frames.missing = missing
        var misses = DeadlineMisses()
        misses.framesLate = late ?? 0
        let latency = p99.map { Summary(p50: $0 - 20, p90: $0 - 10, p99: $0, p999: $0 + 1, max: $0 + 2, count: 1200) }
        return RunResult(
            streams: 2, receiversPerStream: 1, durationSeconds: 10, frames: frames, deadlineMisses: late == nil ? nil : misses,
            latencyMs: latency, latencyMinusLookaheadMs: latency?.shifted(by: 200), lookaheadMs: 200, playoutDelayMs: nil,
            jitterMs: nil, driftMs: -3, fanOutMs: nil, packets: PacketCounts(), server: nil)
    }

    @Test func evaluatesAgainstTheRun() throws {
        let good = Self.run(missing: 0, p99: 140)
        #expect(try SLO(parsing: "p99=150ms").evaluate(good).passed)
        let slow = Self.run(missing: 0, p99: 450)
        #expect(try SLO(parsing: "net_p99=250ms").evaluate(slow).passed)
        #expect(try SLO(parsing: "net_p99=249ms").evaluate(slow).passed == false)
        #expect(try SLO(parsing: "missing=0").evaluate(good).passed)
        #expect(try SLO(parsing: "drift=3ms").evaluate(good).passed)
        #expect(try SLO(parsing: "drift=2ms").evaluate(good).passed == false)
        let bad = Self.run(missing: 6, p99: 160)
        #expect(try SLO(parsing: "p99=150ms").evaluate(bad).value == 160)
        #expect(try SLO(parsing: "p99=150ms").evaluate(bad).passed == false)
        #expect(try SLO(parsing: "missing=0").evaluate(bad).passed == false)
        #expect(try SLO(parsing: "missing=0.5%").evaluate(bad).passed)  // 6 / 1200 = 0.5 %
        #expect(try SLO(parsing: "missing=0.4%").evaluate(bad).passed == false)
    }

    @Test func anUnmeasuredValueFails() throws {
        let empty = Self.run(missing: 1200, p99: nil, late: nil)
        let latency = try SLO(parsing: "p99=1s").evaluate(empty)
        #expect(latency.value == nil && !latency.passed)
        #expect(try SLO(parsing: "late=100").evaluate(empty).passed == false)
        #expect(try SLO(parsing: "cpu=2").evaluate(empty).passed == false)
    }

    /// The soak's flat-memory criterion: the peak after the warm-up against the RSS at its end;
    /// unmeasured (a run shorter than its warm-up, or no server process) fails.
    @Test func rssGrowthIsMeasuredFromTheWarmUp() throws {
        var run = Self.run(missing: 0, p99: 140)
        var usage = ServerUsage(pid: 1, pidSource: "option", cpuSeconds: 1, cpuCores: 0.1, rssMaxMB: 230, rssEndMB: 210, wallSeconds: 10)
        run.server = usage
        #expect(try SLO(parsing: "rss_growth=5%").evaluate(run).passed == false)  // no warm-up sample
        usage.setWarmUp(seconds: 2, rssMB: 200, peakAfterMB: 209)
        run.server = usage
        let flat = try SLO(parsing: "rss_growth=5%").evaluate(run)
        #expect(abs(flat.value! - 4.5) < 1e-9 && flat.passed && flat.unit == "%")
        usage.setWarmUp(seconds: 2, rssMB: 200, peakAfterMB: 230)  // a peak after the warm-up counts
        run.server = usage
        #expect(try SLO(parsing: "rss_growth=5%").evaluate(run).passed == false)
    }
}
