import ArgumentParser
import Logging
import VoxAvatars
import VoxLLM
import VoxMatch
import VoxModel
import VoxServer
import VoxSettings

#if canImport(Glibc)
    import Glibc
#endif

/// `voxface serve`: the real-time server.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the real-time server: Opus over RTP/UDP and WebSocket in, 60 fps face frames out.",
        discussion: """
            Every option can also be set in the environment (VOXFACE_HOST, VOXFACE_PORT, VOXFACE_RTP_PORT, \
            VOXFACE_MODEL, VOXFACE_HOP, VOXFACE_LOOKAHEAD, VOXFACE_PLAYOUT_DELAY_MS, VOXFACE_IDLE_TIMEOUT, \
            VOXFACE_MAX_STREAMS, VOXFACE_WORKERS, VOXFACE_MAX_UPLOAD_MB, VOXFACE_DEVICE_ID, VOXFACE_DATA_DIR, \
            VOXFACE_WORLD_SPEED, VOXFACE_WORLD_SEED, VOXFACE_MAX_AVATARS, VOXFACE_EVENT_RETENTION, VOXFACE_LOG_LEVEL); \
            a flag wins over the environment. Without --model the default model that ships with voxface is \
            served (README, "The default face model"). API: Protocols/openapi.yaml; \
            wire formats: Protocols/websocket.md, Protocols/rtp-ingest.md. SIGTERM or SIGINT shuts down \
            gracefully: every stream is closed and its subscribers are told.
            """
    )

    @Option(help: "Address for HTTP, WebSocket and RTP.") var host = env("VOXFACE_HOST") ?? "127.0.0.1"
    @Option(help: "HTTP and WebSocket port (0 = any free port).") var port = env("VOXFACE_PORT").flatMap(Int.init) ?? 8080
    @Option(name: .customLong("rtp-port"), help: "UDP port for RTP/Opus ingest (0 = any free port).")
    var rtpPort = env("VOXFACE_RTP_PORT").flatMap(Int.init) ?? 5004
    @Option(help: "Model folder (config.json + model.safetensors or model.pth) or NeuroSync model.pth; default: the shipped default model.")
    var model: String?
    @Option(help: "Default frames between model windows (latency vs CPU; see README).")
    var hop = env("VOXFACE_HOP").flatMap(Int.init) ?? 4
    @Option(help: "Default frames each window looks past the newest frame it releases.")
    var lookahead = env("VOXFACE_LOOKAHEAD").flatMap(Int.init) ?? 0
    @Option(name: .customLong("playout-delay-ms"), help: "Default playout delay in ms (default: computed from hop and lookahead).")
    var playoutDelay: Int?
    @Option(
        name: .customLong("latency-profile"),
        help: "adaptive (allowances for late audio and computing measured per stream) or network (fixed 40 + 30 ms, for bad networks).")
    var latencyProfile = env("VOXFACE_LATENCY_PROFILE") ?? "adaptive"
    @Option(name: .customLong("idle-timeout"), help: "Seconds without audio before a live stream is closed.")
    var idleTimeout = env("VOXFACE_IDLE_TIMEOUT").flatMap(Double.init) ?? 10
    @Option(name: .customLong("first-audio-timeout"), help: "Seconds a new stream waits for its first audio before it is closed.")
    var firstAudioTimeout = env("VOXFACE_FIRST_AUDIO_TIMEOUT").flatMap(Double.init) ?? 60
    @Option(name: .customLong("max-streams"), help: "Most streams at once.")
    var maxStreams = env("VOXFACE_MAX_STREAMS").flatMap(Int.init) ?? 256
    @Option(name: .customLong("max-livelink-targets"), help: "Most Live Link targets per stream.")
    var maxLiveLinkTargets = env("VOXFACE_MAX_LIVELINK_TARGETS").flatMap(Int.init) ?? 1024
    @Option(help: "Pipeline worker threads (0 = one per core).") var workers = env("VOXFACE_WORKERS").flatMap(Int.init) ?? 0
    @Option(name: .customLong("max-upload-mb"), help: "Largest /audio_to_blendshapes upload, MiB.")
    var maxUploadMB = env("VOXFACE_MAX_UPLOAD_MB").flatMap(Int.init) ?? 64
    @Option(name: .customLong("device-id"), help: "Live Link device id (36-character UUID; default: random per run).")
    var deviceID: String?
    @Option(name: .customLong("data-dir"), help: "Directory of the embedded store (voxface.sqlite: avatars, the event log).")
    var dataDir = env("VOXFACE_DATA_DIR") ?? "./voxface-data"
    @Option(
        name: .customLong("world-speed"), help: "World minutes per real minute of a new avatar world (60: a world hour per real minute).")
    var worldSpeed = env("VOXFACE_WORLD_SPEED").flatMap(Double.init) ?? 60
    @Option(name: .customLong("world-seed"), help: "Seed of a new avatar world (default: random); a saved world keeps its own.")
    var worldSeed: UInt64?
    @Option(name: .customLong("max-avatars"), help: "Most avatars.")
    var maxAvatars = env("VOXFACE_MAX_AVATARS").flatMap(Int.init) ?? 10_000
    @Option(name: .customLong("max-profiles"), help: "Most matchmaking profiles.")
    var maxProfiles = env("VOXFACE_MAX_PROFILES").flatMap(Int.init) ?? 100_000
    @Option(
        name: .customLong("twin-vectors"),
        help: "Twins' dense vectors kept in memory across users (about 1.9 KB each); more are read from the store when searched.")
    var twinVectors = env("VOXFACE_TWIN_VECTORS").flatMap(Int.init) ?? 250_000
    @Option(name: .customLong("room-capacity"), help: "Most people in a room of the social space.")
    var roomCapacity = env("VOXFACE_ROOM_CAPACITY").flatMap(Int.init) ?? 12
    @Option(
        name: .customLong("text-model"),
        help:
            "Sentence-encoder directory for matchmaking (config.json, model.safetensors, vocab.txt); default: .build/models/all-MiniLM-L6-v2 when present; 'offline' for the offline encoder."
    )
    var textModel: String?
    @Option(name: .customLong("event-retention"), help: "Events kept in the event log for clients that resume.")
    var eventRetention = env("VOXFACE_EVENT_RETENTION").flatMap(Int.init) ?? 200_000
    @Option(
        name: .customLong("llm-url"),
        help:
            "OpenAI-compatible API base URL for avatar conversations (e.g. http://127.0.0.1:8000/v1); default: the offline generator. Key: VOXFACE_LLM_API_KEY."
    )
    var llmURL: String?
    @Option(name: .customLong("llm-model"), help: "Model name sent to --llm-url.")
    var llmModel = env("VOXFACE_LLM_MODEL") ?? "gpt-4o-mini"
    @Option(name: .customLong("llm-timeout"), help: "Seconds a language-model reply may take before the offline generator answers.")
    var llmTimeout = env("VOXFACE_LLM_TIMEOUT").flatMap(Double.init) ?? 20
    @Option(
        name: .customLong("api-key-file"),
        help: "API keys, one per line: 'admin KEY', 'client KEY' or 'user NAME KEY'. Without it the server listens on loopback only.")
    var apiKeyFile: String?
    @Option(name: .customLong("rate-limit"), help: "Requests a second per client address (bursts of 5 s worth); 0: no limit.")
    var rateLimit = env("VOXFACE_RATE_LIMIT").flatMap(Double.init) ?? 100
    @Option(name: .customLong("max-sockets-per-key"), help: "Open frames and events WebSockets per API key.")
    var maxSocketsPerKey = env("VOXFACE_MAX_SOCKETS_PER_KEY").flatMap(Int.init) ?? 256
    @Option(
        name: .customLong("header-timeout"),
        help: "Seconds from a connection's start to the end of its first request's head; slower connections are closed.")
    var headerTimeout = env("VOXFACE_HEADER_TIMEOUT").flatMap(Double.init) ?? 10
    @Option(name: .customLong("body-timeout"), help: "Seconds from a request's head to the end of its body; slower uploads are closed.")
    var bodyTimeout = env("VOXFACE_BODY_TIMEOUT").flatMap(Double.init) ?? 120
    @Option(name: .customLong("tls-cert"), help: "PEM certificate chain: serve HTTPS and WSS (with --tls-key).")
    var tlsCert: String?
    @Option(name: .customLong("tls-key"), help: "PEM private key of --tls-cert.")
    var tlsKey: String?
    @Flag(
        name: .customLong("insecure-no-auth"),
        help: "Serve the API without keys on a non-loopback --host (anyone who reaches the port may use it).")
    var insecureNoAuth = false
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = env("VOXFACE_LOG_LEVEL") ?? "info"

    func validate() throws {
        guard (0...65535).contains(port), (0...65535).contains(rtpPort) else { throw ValidationError("ports must be 0...65535") }
        guard hop >= 1, lookahead >= 0 else { throw ValidationError("--hop must be >= 1 and --lookahead >= 0") }
        guard LatencyProfile(rawValue: latencyProfile) != nil else {
            throw ValidationError("--latency-profile must be adaptive or network, got '\(latencyProfile)'")
        }
        guard idleTimeout >= 1, idleTimeout <= 3600 else { throw ValidationError("--idle-timeout must be 1...3600 seconds") }
        guard firstAudioTimeout >= 1, firstAudioTimeout <= 3600 else {
            throw ValidationError("--first-audio-timeout must be 1...3600 seconds")
        }
        guard maxStreams >= 1, workers >= 0, maxUploadMB >= 1, maxUploadMB <= 4096, (1...65536).contains(maxLiveLinkTargets) else {
            throw ValidationError("--max-streams and --max-upload-mb must be positive, --max-livelink-targets 1...65536, --workers >= 0")
        }
        if let deviceID = deviceID ?? env("VOXFACE_DEVICE_ID"), deviceID.utf8.count != 36 {
            throw ValidationError("--device-id must be a 36-character UUID")
        }
        guard worldSpeed > 0, worldSpeed <= 100_000 else { throw ValidationError("--world-speed must be > 0 and <= 100000") }
        guard (1...1_000_000).contains(maxAvatars) else { throw ValidationError("--max-avatars must be 1...1000000") }
        guard (1...1_000_000).contains(maxProfiles) else { throw ValidationError("--max-profiles must be 1...1000000") }
        guard (2...1000).contains(roomCapacity) else { throw ValidationError("--room-capacity must be 2...1000") }
        guard (1000...100_000_000).contains(twinVectors) else { throw ValidationError("--twin-vectors must be 1000...100000000") }
        guard (1000...100_000_000).contains(eventRetention) else { throw ValidationError("--event-retention must be 1000...100000000") }
        if let llmURL = llmURL ?? env("VOXFACE_LLM_URL"), !(llmURL.hasPrefix("http://") || llmURL.hasPrefix("https://")) {
            throw ValidationError("--llm-url must be an http:// or https:// URL")
        }
        guard llmTimeout > 0, llmTimeout <= 600 else { throw ValidationError("--llm-timeout must be > 0 and <= 600 seconds") }
        guard !dataDir.isEmpty else { throw ValidationError("--data-dir must not be empty") }
        guard (1...100_000).contains(maxSocketsPerKey) else { throw ValidationError("--max-sockets-per-key must be 1...100000") }
        guard rateLimit >= 0, rateLimit <= 1_000_000 else { throw ValidationError("--rate-limit must be 0...1000000") }
        guard headerTimeout >= 1, headerTimeout <= 600, bodyTimeout >= 1, bodyTimeout <= 3600 else {
            throw ValidationError("--header-timeout must be 1...600 seconds and --body-timeout 1...3600")
        }
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level '\(logLevel)'") }
    }

    func run() async throws {
        let model = self.model ?? env("VOXFACE_MODEL")
        let playoutDelay = self.playoutDelay ?? env("VOXFACE_PLAYOUT_DELAY_MS").flatMap(Int.init)
        let deviceID = self.deviceID ?? env("VOXFACE_DEVICE_ID")
        var logger = Logger(label: "voxface")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        var defaults = StreamSettings(
            hop: hop, lookahead: lookahead, playoutDelayMilliseconds: playoutDelay, idleTimeoutSeconds: idleTimeout,
            firstAudioTimeoutSeconds: firstAudioTimeout)
        defaults.latencyProfile = LatencyProfile(rawValue: latencyProfile) ?? .adaptive
        var configuration = ServerConfiguration(
            host: host, port: port, rtpPort: rtpPort, modelPath: model, streamDefaults: defaults, maxStreams: maxStreams,
            workers: workers, maxUploadBytes: maxUploadMB << 20, deviceID: deviceID, maxLiveLinkTargets: maxLiveLinkTargets)
        configuration.dataDirectory = dataDir
        configuration.eventRetention = eventRetention
        configuration.llm = (llmURL ?? env("VOXFACE_LLM_URL")).map {
            LLMConfiguration(url: $0, model: llmModel, apiKey: env("VOXFACE_LLM_API_KEY"), timeout: llmTimeout)
        }
        configuration.avatars = AvatarConfiguration(
            maxAvatars: maxAvatars, worldSpeed: worldSpeed, seed: worldSeed ?? env("VOXFACE_WORLD_SEED").flatMap(UInt64.init))
        var space = MatchSpace.Settings()
        space.roomCapacity = roomCapacity
        configuration.match = MatchConfiguration(maxProfiles: maxProfiles, space: space)
        configuration.twins.maxCachedVectors = twinVectors
        configuration.textModel = textModel ?? env("VOXFACE_TEXT_MODEL")
        if let path = apiKeyFile ?? env("VOXFACE_API_KEY_FILE") {
            do { configuration.apiKeys = try APIKeys.load(path: path) } catch { throw CLIError("voxface serve: \(error)") }
        }
        configuration.insecureNoAuth = insecureNoAuth
        configuration.rateLimit = rateLimit
        configuration.maxSocketsPerKey = maxSocketsPerKey
        configuration.httpHeaderTimeout = headerTimeout
        configuration.httpBodyTimeout = bodyTimeout
        if let tlsCert, let tlsKey { configuration.tls = (tlsCert, tlsKey) }
        if configuration.apiKeys == nil {
            Console.error(
                insecureNoAuth && !VoxfaceServer.isLoopbackHost(host)
                    ? "voxface: WARNING: --insecure-no-auth: the API on \(host) is open to anyone who reaches the port\n"
                    : "voxface: no --api-key-file: the API takes no keys, so it listens on loopback only\n")
        }
        let server: VoxfaceServer
        do { server = try VoxfaceServer(configuration: configuration, logger: logger) } catch {
            throw CLIError("voxface serve: \(error)")
        }
        if model == nil {
            Console.error("voxface: no --model given: serving the \(DefaultModel.name)\n")
        }
        do {
            try await server.run { ports in
                Console.error(
                    "voxface: listening on \(tlsCert == nil ? "http" : "https")://\(host):\(ports.http) (API and WebSocket), RTP/Opus on udp://\(host):\(ports.rtp)\n"
                )
            }
        } catch {
            throw CLIError("voxface serve: \(error)")
        }
    }
}

/// An environment variable, if set and non-empty.
func env(_ name: String) -> String? {
    guard let value = getenv(name) else { return nil }
    let text = String(decoding: UnsafeRawBufferPointer(start: value, count: strlen(value)), as: UTF8.self)
    return text.isEmpty ? nil : text
}
