/// Nanoseconds on one monotonic clock (CLOCK_MONOTONIC): every send and arrival voxload records.
public typealias Nanoseconds = Int64

/// How audio reaches the server.
public enum LoadTransport: String, Sendable, Codable, CaseIterable {
    /// Opus in RTP over UDP (RFC 7587), one source socket per stream.
    case rtp
    /// Opus over the stream's audio WebSocket, one packet per binary message.
    case ws
}

/// Everything a load run is asked to do, checked by ``validate()`` before anything is sent.
public struct LoadConfiguration: Sendable, Equatable {
    /// The server's HTTP base URL.
    public var server: ServerAddress
    /// Streams created and fed at once.
    public var streams: Int
    /// Seconds of audio pushed into each stream.
    public var durationSeconds: Double
    /// How audio is pushed.
    public var transport: LoadTransport
    /// Live Link targets (loopback UDP sockets) subscribed per stream.
    public var liveLinkPerStream: Int
    /// Frame WebSocket subscribers per stream.
    public var webSocketPerStream: Int
    /// Probability that an RTP packet is not sent.
    public var loss: Double
    /// Extra send delay per packet, uniform in 0...jitterMilliseconds.
    public var jitterMilliseconds: Double
    /// Probability that an RTP packet is held back behind the next one.
    public var reorder: Double
    /// Probability that an RTP packet is sent twice.
    public var duplicate: Double
    /// Opus frame (packet) duration: 10 or 20 ms.
    public var frameMilliseconds: Int
    /// Opus bit rate, bits per second.
    public var bitrate: Int
    /// Seed of the impairment draws, so a run's losses replay exactly.
    public var seed: UInt64
    /// Per-stream settings sent in `POST /v1/streams` (nil = the server's default).
    public var hop: Int?
    /// Lookahead frames asked for (nil = the server's default).
    public var lookahead: Int?
    /// Playout delay asked for, in milliseconds (nil = the server's automatic delay).
    public var playoutDelayMilliseconds: Int?
    /// Whether a server that is not on loopback may be driven.
    public var allowRemote: Bool
    /// Seconds of sending after which the server's memory counts as warmed up (`rss_growth` is
    /// measured from there); nil = a fifth of the run, at most 60 s.
    public var warmUpSeconds: Double?

    /// The warm-up in effect.
    public var effectiveWarmUpSeconds: Double { warmUpSeconds ?? min(60, durationSeconds / 5) }

    /// Most streams one run creates.
    public static let maxStreams = 1000
    /// Most receivers (Live Link plus WebSocket) one run opens.
    public static let maxReceivers = 4096
    /// Live Link targets the server accepts per stream by default (`voxface serve --max-livelink-targets`).
    public static let maxLiveLinkPerStream = 1024
    /// Longest run, in seconds.
    public static let maxDurationSeconds = 3600.0

    /// A configuration with voxload's defaults for everything but the server, streams and duration.
    public init(server: ServerAddress, streams: Int, durationSeconds: Double) {
        self.server = server
        self.streams = streams
        self.durationSeconds = durationSeconds
        transport = .rtp
        liveLinkPerStream = 1
        webSocketPerStream = 0
        loss = 0
        jitterMilliseconds = 0
        reorder = 0
        duplicate = 0
        frameMilliseconds = 10
        bitrate = 32_000
        seed = 1
        allowRemote = false
    }

    /// Samples (48 kHz) per Opus packet.
    public var samplesPerPacket: Int { 48 * frameMilliseconds }
    /// Packets each stream sends.
    public var packetsPerStream: Int { Int((durationSeconds * 1000 / Double(frameMilliseconds)).rounded(.down)) }
    /// Frames each receiver should get: every 1/60 s frame whose audio was sent in full.
    public var expectedFramesPerStream: Int { packetsPerStream * samplesPerPacket / FrameTimeline.samplesPerFrame }
    /// Receivers per stream.
    public var receiversPerStream: Int { liveLinkPerStream + webSocketPerStream }

    /// The JSON body of `POST /v1/streams`: only the settings asked for.
    public var settingsBody: String {
        var fields: [String] = []
        if let hop { fields.append("\"hop\":\(hop)") }
        if let lookahead { fields.append("\"lookahead\":\(lookahead)") }
        if let playoutDelayMilliseconds { fields.append("\"playout_delay_ms\":\(playoutDelayMilliseconds)") }
        fields.append("\"label\":\"voxload\"")
        return "{" + fields.joined(separator: ",") + "}"
    }

    /// Refuses what the server or this tool cannot do, with one line naming the option.
    public func validate() throws(LoadError) {
        func bad(_ message: String) -> LoadError { .badOption(message) }
        guard (1...Self.maxStreams).contains(streams) else { throw bad("--streams must be 1...\(Self.maxStreams)") }
        guard durationSeconds.isFinite, durationSeconds >= 1, durationSeconds <= Self.maxDurationSeconds else {
            throw bad("--duration must be 1...\(Int(Self.maxDurationSeconds)) seconds")
        }
        guard liveLinkPerStream >= 0, liveLinkPerStream <= Self.maxLiveLinkPerStream else {
            throw bad(
                "--livelink-per-stream must be 0...\(Self.maxLiveLinkPerStream): the server accepts at most "
                    + "\(Self.maxLiveLinkPerStream) Live Link targets per stream by default")
        }
        guard webSocketPerStream >= 0 else { throw bad("--ws-per-stream must not be negative") }
        guard receiversPerStream >= 1 else { throw bad("at least one receiver per stream: --livelink-per-stream or --ws-per-stream") }
        guard streams * receiversPerStream <= Self.maxReceivers else {
            throw bad("\(streams * receiversPerStream) receivers in all; at most \(Self.maxReceivers)")
        }
        for (name, p) in [("--loss", loss), ("--reorder", reorder), ("--duplicate", duplicate)] {
            guard p.isFinite, p >= 0, p <= 0.5 else { throw bad("\(name) must be a probability in 0...0.5") }
        }
        guard jitterMilliseconds.isFinite, jitterMilliseconds >= 0, jitterMilliseconds <= 1000 else {
            throw bad("--jitter-ms must be 0...1000")
        }
        guard frameMilliseconds == 10 || frameMilliseconds == 20 else { throw bad("--frame-ms must be 10 or 20") }
        if let w = warmUpSeconds, !(w.isFinite && w >= 0 && w < durationSeconds) {
            throw bad("--warm-up must be 0 or more seconds, shorter than --duration")
        }
        guard (6_000...256_000).contains(bitrate) else { throw bad("--bitrate must be 6000...256000") }
        if transport == .ws && (loss > 0 || reorder > 0 || duplicate > 0) {
            throw bad("--loss, --reorder and --duplicate apply to RTP only (a WebSocket is an ordered, reliable stream)")
        }
        if !allowRemote && !server.isLoopback {
            throw bad("\(server.host) is not a loopback address; pass --allow-remote to load a remote server")
        }
    }
}

/// A bad option or an unusable server reply: one line for the user, then a non-zero exit.
public enum LoadError: Error, Equatable, CustomStringConvertible {
    /// An option out of range or inconsistent with another.
    case badOption(String)
    /// An `--slo` argument that does not parse.
    case badSLO(String)
    /// The server refused or failed a request.
    case server(String)
    /// A socket or file could not be used.
    case io(String)

    /// The line shown to the user.
    public var description: String {
        switch self {
        case .badOption(let m): m
        case .badSLO(let m): "--slo: \(m)"
        case .server(let m): "server: \(m)"
        case .io(let m): m
        }
    }
}
