import ArgumentParser
import Glibc
import VoxLoad

/// `voxload`: drives a running `voxface serve` with N real-time speech streams and measures what
/// comes back (README, "Load testing with voxload"; report format in Protocols/voxload-report.md).
@main
struct Voxload: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "voxload",
        abstract: "Load-test a running voxface server: N streams of real-time Opus speech in, Live Link and WebSocket frames out.",
        discussion: """
            Exit status: 0 when the run completed and every --slo held, 1 when an SLO was missed, 2 for a \
            bad option or a server that could not be driven.
            """
    )

    @Option(help: "The server's HTTP base URL (loopback only unless --allow-remote).")
    var server = "http://127.0.0.1:8080"
    @Option(help: "Streams to create and feed at once (1...1000).")
    var streams = 1
    @Option(help: "Seconds of audio per stream (1...3600).")
    var duration = 10.0
    @Option(help: "Audio transport: rtp or ws.")
    var transport = "rtp"
    @Option(name: .customLong("livelink-per-stream"), help: "Live Link targets per stream (0...1024, the server's default cap).")
    var liveLinkPerStream = 1
    @Option(name: .customLong("ws-per-stream"), help: "Frame WebSocket subscribers per stream.")
    var webSocketPerStream = 0
    @Option(help: "Probability that an RTP packet is not sent (0...0.5; FEC is turned on when above 0).")
    var loss = 0.0
    @Option(name: .customLong("jitter-ms"), help: "Extra send delay per packet, uniform in 0...J ms.")
    var jitterMs = 0.0
    @Option(help: "Probability that an RTP packet is held behind the next one (0...0.5).")
    var reorder = 0.0
    @Option(help: "Probability that an RTP packet is sent twice (0...0.5).")
    var duplicate = 0.0
    @Option(name: .customLong("frame-ms"), help: "Opus packet duration: 10 or 20 ms.")
    var frameMs = 10
    @Option(
        name: .customLong("warm-up"),
        help:
            "Seconds of sending before the server's memory counts as warmed up, for --slo rss_growth (default: a fifth of the run, at most 60)."
    )
    var warmUp: Double?
    @Option(help: "Opus bit rate in bits/s.")
    var bitrate = 32_000
    @Option(help: "Speech to push, looped to the duration (any file libsndfile reads; default: voxface's bundled sample).")
    var audio: String?
    @Option(help: "Write the JSON report to this path ('-' for standard output).")
    var json: String?
    @Option(help: "A threshold NAME=LIMIT that fails the run when exceeded, e.g. p99=150ms, missing=0 (repeatable).")
    var slo: [String] = []
    @Option(name: .customLong("server-pid"), help: "The server's pid for CPU and RSS (default: found from its listening port).")
    var serverPID: Int?
    @Option(help: "Seed of the impairment draws.")
    var seed: UInt64 = 1
    @Option(help: "Stream setting: frames per model window (server default when absent).")
    var hop: Int?
    @Option(help: "Stream setting: lookahead frames (server default when absent).")
    var lookahead: Int?
    @Option(name: .customLong("playout-delay-ms"), help: "Stream setting: playout delay in ms (server's automatic delay when absent).")
    var playoutDelayMs: Int?
    @Option(name: .customLong("receiver-host"), help: "Address the Live Link sockets bind to and the server sends to.")
    var receiverHost = "127.0.0.1"
    @Flag(name: .customLong("allow-remote"), help: "Allow a server that is not on loopback.")
    var allowRemote = false
    @Flag(help: "Print only the report (no progress lines).")
    var quiet = false

    func run() async throws {
        let configuration: LoadConfiguration
        let slos: [SLO]
        do {
            configuration = try makeConfiguration()
            slos = try slo.map { (text: String) throws(LoadError) -> SLO in try SLO(parsing: text) }
        } catch {
            fail(error.description)
        }
        // The first signal stops the sending and lets the run clean up; a second one exits at once.
        for sig in [SIGINT, SIGTERM] {
            signal(sig) { _ in
                if interrupted.exchange(true, ordering: .relaxed) { _exit(130) }
            }
        }
        let quiet = quiet
        let run = LoadRun(
            configuration: configuration, audioPath: audio ?? AudioPackets.bundledSample, receiverHost: receiverHost,
            serverPID: serverPID, slos: slos, progress: { if !quiet { printError("voxload: \($0)") } })
        let report: LoadReport
        do { report = try await run.run() } catch let error as LoadError { fail(error.description) } catch { fail("\(error)") }
        if json != "-" { print(ReportTable.render(report), terminator: "") }
        if let json {
            if json == "-" {
                print(report.json(), terminator: "")
            } else if !write(report.json(), to: json) {
                fail("cannot write \(json): \(String(cString: strerror(errno)))")
            }
        }
        if interrupted.load(ordering: .relaxed) { throw ExitCode(130) }
        if !report.passed { throw ExitCode(1) }
    }

    private func makeConfiguration() throws(LoadError) -> LoadConfiguration {
        var c = LoadConfiguration(server: try ServerAddress(parsing: server), streams: streams, durationSeconds: duration)
        guard let t = LoadTransport(rawValue: transport) else { throw .badOption("--transport must be rtp or ws, got '\(transport)'") }
        c.transport = t
        c.liveLinkPerStream = liveLinkPerStream
        c.webSocketPerStream = webSocketPerStream
        c.loss = loss
        c.jitterMilliseconds = jitterMs
        c.reorder = reorder
        c.duplicate = duplicate
        c.frameMilliseconds = frameMs
        c.bitrate = bitrate
        c.seed = seed
        c.hop = hop
        c.lookahead = lookahead
        c.playoutDelayMilliseconds = playoutDelayMs
        c.allowRemote = allowRemote
        c.warmUpSeconds = warmUp
        try c.validate()
        return c
    }
}

/// One line on standard error.
func printError(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    var offset = 0
    while offset < bytes.count {
        let n = bytes[offset...].withUnsafeBytes { Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
        if n <= 0 { return }
        offset += n
    }
}

/// Prints `voxload: message` on standard error and exits with status 2.
func fail(_ message: String) -> Never {
    printError("voxload: \(message)")
    exit(2)
}

/// Writes `text` to `path` through a temporary name; false on failure.
func write(_ text: String, to path: String) -> Bool {
    let temporary = path + ".tmp"
    guard let file = fopen(temporary, "w") else { return false }
    let bytes = Array(text.utf8)
    let ok = fwrite(bytes, 1, bytes.count, file) == bytes.count
    guard fclose(file) == 0, ok else {
        unlink(temporary)
        return false
    }
    return rename(temporary, path) == 0
}
