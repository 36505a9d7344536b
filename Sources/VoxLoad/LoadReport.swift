/// The server's deadline misses, summed over the run's streams (`GET /v1/streams/{id}` counters).
public struct DeadlineMisses: Sendable, Equatable, Codable {
    /// Frames produced after their due time.
    public var framesLate = 0
    /// Frames replaced by the previous face eased toward neutral.
    public var framesHeld = 0
    /// Frames held while their audio was arriving: the model missed its deadline (the server's
    /// `deadline_misses`; held frames after the audio ends are not counted).
    public var deadlineMisses = 0
    /// Frames the pacer skipped.
    public var framesSkipped = 0
    /// Times a stream's hop doubled because too many frames came late.
    public var hopWidenings = 0
    /// Frames the server sent, per its counters.
    public var framesSent = 0
    /// RTP packets the jitter buffer declared lost.
    public var jitterLost = 0
    /// Lost packets rebuilt from FEC.
    public var recoveredFEC = 0

    /// All zero.
    public init() {}

    /// Adds `other`'s counters.
    public mutating func add(_ other: DeadlineMisses) {
        framesLate += other.framesLate
        framesHeld += other.framesHeld
        deadlineMisses += other.deadlineMisses
        framesSkipped += other.framesSkipped
        hopWidenings += other.hopWidenings
        framesSent += other.framesSent
        jitterLost += other.jitterLost
        recoveredFEC += other.recoveredFEC
    }

    enum CodingKeys: String, CodingKey {
        case framesLate = "frames_late"
        case framesHeld = "frames_held"
        case deadlineMisses = "deadline_misses"
        case framesSkipped = "frames_skipped"
        case hopWidenings = "hop_widenings"
        case framesSent = "frames_sent"
        case jitterLost = "jitter_lost"
        case recoveredFEC = "recovered_fec"
    }
}

/// The server process's resource use while the run sent audio (from /proc).
public struct ServerUsage: Sendable, Equatable, Codable {
    /// The process measured.
    public var pid: Int
    /// How the pid was found: `option`, `listening-socket` or `process-name`.
    public var pidSource: String
    /// User + system CPU seconds used during the measurement.
    public var cpuSeconds: Double
    /// cpuSeconds / wall seconds: cores busy on average (1.0 = one core).
    public var cpuCores: Double
    /// Largest resident set size seen, MB.
    public var rssMaxMB: Double
    /// Resident set size at the end, MB.
    public var rssEndMB: Double
    /// Resident set size at the end of the warm-up (``warmUpSeconds`` into the sending), MB; nil
    /// when the run was shorter.
    public var rssWarmMB: Double?
    /// Largest resident set size after the warm-up, MB.
    public var rssMaxAfterWarmMB: Double?
    /// Seconds of sending before memory counts as warmed up.
    public var warmUpSeconds: Double = 0
    /// How far the RSS rose after the warm-up: (largest after it - at its end) / at its end, %;
    /// nil without a warm-up sample. Flat memory reads about 0.
    public var rssGrowthPercent: Double?
    /// Wall seconds measured.
    public var wallSeconds: Double

    /// Usage from its parts.
    public init(
        pid: Int, pidSource: String, cpuSeconds: Double, cpuCores: Double, rssMaxMB: Double, rssEndMB: Double, wallSeconds: Double
    ) {
        self.pid = pid
        self.pidSource = pidSource
        self.cpuSeconds = cpuSeconds
        self.cpuCores = cpuCores
        self.rssMaxMB = rssMaxMB
        self.rssEndMB = rssEndMB
        self.wallSeconds = wallSeconds
    }

    enum CodingKeys: String, CodingKey {
        case pid
        case pidSource = "pid_source"
        case cpuSeconds = "cpu_seconds"
        case cpuCores = "cpu_cores"
        case rssMaxMB = "rss_max_mb"
        case rssEndMB = "rss_end_mb"
        case wallSeconds = "wall_s"
        case rssWarmMB = "rss_warm_mb"
        case rssMaxAfterWarmMB = "rss_max_after_warm_mb"
        case warmUpSeconds = "warm_up_s"
        case rssGrowthPercent = "rss_growth_pct"
    }

    /// Records the memory after a warm-up of `seconds`: the RSS at its end and the largest after
    /// it, and from them ``rssGrowthPercent``.
    public mutating func setWarmUp(seconds: Double, rssMB warm: Double, peakAfterMB peak: Double) {
        warmUpSeconds = seconds
        rssWarmMB = warm
        rssMaxAfterWarmMB = peak
        rssGrowthPercent = warm > 0 ? (peak - warm) / warm * 100 : nil
    }
}

/// Packets voxload sent, summed over streams.
public struct PacketCounts: Sendable, Equatable, Codable {
    /// Packets in the audio (per stream x streams).
    public var packets = 0
    /// Datagrams or messages written, duplicates included.
    public var sent = 0
    /// Packets not sent on purpose (`--loss`).
    public var lost = 0
    /// Packets held behind their successor (`--reorder`).
    public var reordered = 0
    /// Packets sent twice (`--duplicate`).
    public var duplicated = 0
    /// How late voxload sent packets against its schedule (its own lateness: if this is large,
    /// the load tool, not the server, delayed the audio).
    public var sendLagMs: Summary?

    enum CodingKeys: String, CodingKey {
        case packets, sent, lost, reordered, duplicated
        case sendLagMs = "send_lag_ms"
    }

    /// All zero.
    public init() {}
}

/// The measurements of one stream.
public struct StreamResult: Sendable, Equatable, Codable {
    /// The server's stream id.
    public var id: String
    /// Live Link targets plus WebSocket subscribers.
    public var receivers: Int
    /// Frame counts over the receivers.
    public var frames: FrameCounts
    /// Raw latency.
    public var latencyMs: Summary?
    /// Inter-frame jitter.
    public var jitterMs: Summary?
    /// Drift of the frame timeline against the audio timeline.
    public var driftMs: Double
    /// Spread of one frame's arrival across the receivers.
    public var fanOutMs: Summary?
    /// The server's counters for the stream, read before deleting it (nil if the read failed).
    public var server: DeadlineMisses?
    /// The stream's lookahead in frames, from the server's reply.
    public var lookahead: Int
    /// Frame ranges [first, last] some receiver missed (at most 20).
    public var missingRanges: [[Int]] = []

    /// A result from its parts.
    public init(
        id: String, receivers: Int, frames: FrameCounts, latencyMs: Summary?, jitterMs: Summary?, driftMs: Double,
        fanOutMs: Summary?, server: DeadlineMisses?, lookahead: Int
    ) {
        self.id = id
        self.receivers = receivers
        self.frames = frames
        self.latencyMs = latencyMs
        self.jitterMs = jitterMs
        self.driftMs = driftMs
        self.fanOutMs = fanOutMs
        self.server = server
        self.lookahead = lookahead
    }

    enum CodingKeys: String, CodingKey {
        case id, receivers, frames, server, lookahead
        case missingRanges = "missing_ranges"
        case latencyMs = "latency_ms"
        case jitterMs = "jitter_ms"
        case driftMs = "drift_ms"
        case fanOutMs = "fanout_ms"
    }
}

/// The run's totals: what the table prints and the SLOs check.
public struct RunResult: Sendable, Equatable, Codable {
    /// Streams driven.
    public var streams: Int
    /// Receivers per stream.
    public var receiversPerStream: Int
    /// Seconds of audio per stream.
    public var durationSeconds: Double
    /// Frame counts over every receiver.
    public var frames: FrameCounts
    /// The server's deadline-miss counters summed over streams, read just before deleting them
    /// (nil if any read failed).
    public var deadlineMisses: DeadlineMisses?
    /// The same counters read as the last packet left (before the server's end-of-audio flush).
    public var deadlineMissesAtAudioEnd: DeadlineMisses?
    /// Deadline misses and voxload's send lag minute by minute (nil in reports that predate it).
    public var byMinute: MinuteTimeline?
    /// Raw latency: frame arrival minus the send of the packet carrying its audio.
    public var latencyMs: Summary?
    /// Latency minus the lookahead.
    public var latencyMinusLookaheadMs: Summary?
    /// The lookahead subtracted, ms (streams' lookahead x 1000/60).
    public var lookaheadMs: Double
    /// The streams' playout delay, ms, from the server's settings (nil = automatic).
    public var playoutDelayMs: Int?
    /// Inter-frame interval jitter at the receivers.
    public var jitterMs: Summary?
    /// The largest drift of any stream, signed.
    public var driftMs: Double
    /// Spread of one frame's arrival across a stream's receivers.
    public var fanOutMs: Summary?
    /// Packets sent.
    public var packets: PacketCounts
    /// Server CPU and memory (nil when the process could not be found).
    public var server: ServerUsage?

    /// A result from its parts.
    public init(
        streams: Int, receiversPerStream: Int, durationSeconds: Double, frames: FrameCounts, deadlineMisses: DeadlineMisses?,
        latencyMs: Summary?, latencyMinusLookaheadMs: Summary?, lookaheadMs: Double, playoutDelayMs: Int?, jitterMs: Summary?,
        driftMs: Double, fanOutMs: Summary?, packets: PacketCounts, server: ServerUsage?
    ) {
        self.streams = streams
        self.receiversPerStream = receiversPerStream
        self.durationSeconds = durationSeconds
        self.frames = frames
        self.deadlineMisses = deadlineMisses
        deadlineMissesAtAudioEnd = nil
        byMinute = nil
        self.latencyMs = latencyMs
        self.latencyMinusLookaheadMs = latencyMinusLookaheadMs
        self.lookaheadMs = lookaheadMs
        self.playoutDelayMs = playoutDelayMs
        self.jitterMs = jitterMs
        self.driftMs = driftMs
        self.fanOutMs = fanOutMs
        self.packets = packets
        self.server = server
    }

    enum CodingKeys: String, CodingKey {
        case streams, frames, packets, server
        case receiversPerStream = "receivers_per_stream"
        case durationSeconds = "duration_s"
        case deadlineMisses = "deadline_misses"
        case deadlineMissesAtAudioEnd = "deadline_misses_at_audio_end"
        case byMinute = "by_minute"
        case latencyMs = "latency_ms"
        case latencyMinusLookaheadMs = "latency_minus_lookahead_ms"
        case lookaheadMs = "lookahead_ms"
        case playoutDelayMs = "playout_delay_ms"
        case jitterMs = "jitter_ms"
        case driftMs = "drift_ms"
        case fanOutMs = "fanout_ms"
    }
}

/// The options a run was given, echoed in the report.
public struct ReportConfiguration: Sendable, Equatable, Codable {
    /// Server base URL.
    public var server: String
    /// `rtp` or `ws`.
    public var transport: LoadTransport
    /// Streams asked for.
    public var streams: Int
    /// Seconds of audio per stream.
    public var durationSeconds: Double
    /// Opus packet duration.
    public var frameMs: Int
    /// Live Link targets per stream.
    public var liveLinkPerStream: Int
    /// Frame WebSocket subscribers per stream.
    public var webSocketPerStream: Int
    /// Loss probability.
    public var loss: Double
    /// Jitter bound, ms.
    public var jitterMs: Double
    /// Reorder probability.
    public var reorder: Double
    /// Duplicate probability.
    public var duplicate: Double
    /// Audio file pushed.
    public var audio: String
    /// Impairment seed.
    public var seed: UInt64

    /// The echo of `configuration`, with the audio file used.
    public init(_ c: LoadConfiguration, audio: String) {
        server = c.server.description
        transport = c.transport
        streams = c.streams
        durationSeconds = c.durationSeconds
        frameMs = c.frameMilliseconds
        liveLinkPerStream = c.liveLinkPerStream
        webSocketPerStream = c.webSocketPerStream
        loss = c.loss
        jitterMs = c.jitterMilliseconds
        reorder = c.reorder
        duplicate = c.duplicate
        self.audio = audio
        seed = c.seed
    }

    enum CodingKeys: String, CodingKey {
        case server, transport, streams, loss, reorder, duplicate, audio, seed
        case durationSeconds = "duration_s"
        case frameMs = "frame_ms"
        case liveLinkPerStream = "livelink_per_stream"
        case webSocketPerStream = "ws_per_stream"
        case jitterMs = "jitter_ms"
    }
}

/// The JSON report (`--json PATH`; Protocols/voxload-report.md).
public struct LoadReport: Sendable, Equatable, Codable {
    /// Report format version.
    public var schema = 1
    /// The options.
    public var config: ReportConfiguration
    /// The totals.
    public var run: RunResult
    /// Each stream's measurements.
    public var streams: [StreamResult]
    /// The `--slo` thresholds and their outcomes.
    public var slo: [SLOResult]
    /// True when every threshold passed (true with none).
    public var passed: Bool

    /// A report from its parts; `passed` follows from `slo`.
    public init(config: ReportConfiguration, run: RunResult, streams: [StreamResult], slo: [SLOResult]) {
        self.config = config
        self.run = run
        self.streams = streams
        self.slo = slo
        passed = slo.allSatisfy(\.passed)
    }
}
