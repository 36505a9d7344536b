public import VoxAvatars
public import VoxLLM
public import VoxMatch
public import VoxSettings
public import VoxTwins

/// Everything `voxface serve` is configured with.
public struct ServerConfiguration: Sendable {
    /// Address the HTTP/WebSocket server and the RTP socket bind to.
    public var host: String
    /// HTTP and WebSocket port; 0 picks a free one.
    public var port: Int
    /// UDP port for RTP ingest; 0 picks a free one.
    public var rtpPort: Int
    /// Model folder or file; nil serves the default model that ships in the package (`DefaultModel`).
    public var modelPath: String?
    /// Stream defaults (hop, lookahead, delays).
    public var streamDefaults: StreamSettings
    /// Most streams open at once.
    public var maxStreams: Int
    /// Threads running the per-stream pipelines (decode, features, model); 0 = one per core.
    public var workers: Int
    /// Largest body of `POST /audio_to_blendshapes`, in bytes.
    public var maxUploadBytes: Int
    /// Batch jobs (`/audio_to_blendshapes`) running at once; more get 503.
    public var maxBatchJobs: Int
    /// Frames a WebSocket subscriber or Live Link target may have queued before the oldest drop.
    public var subscriberQueue: Int
    /// Live Link device id (36-character UUID); nil = a random one per server run.
    public var deviceID: String?
    /// Most Live Link targets per stream.
    public var maxLiveLinkTargets: Int
    /// Directory of the embedded store (`voxface.sqlite`); created when missing.
    public var dataDirectory: String = "./voxface-data"
    /// Most events kept in the event log for resuming clients.
    public var eventRetention: Int = 200_000
    /// Events a `/v1/events` client may have queued before it is closed (4429) to resume.
    public var eventQueue: Int = 4096
    /// The avatar service's settings.
    public var avatars = AvatarConfiguration()
    /// The API keys (`--api-key-file`); nil: no keys, and the server listens on loopback only
    /// unless ``insecureNoAuth``.
    public var apiKeys: APIKeys?
    /// PEM certificate chain and private key for HTTPS and WSS (`--tls-cert`, `--tls-key`); nil:
    /// plain HTTP.
    public var tls: (certificate: String, key: String)?
    /// Requests a second per client address (`--rate-limit`; bursts of five seconds' worth);
    /// 0: no limit.
    public var rateLimit = 100.0
    /// Open frames and events WebSockets per API key (`--max-sockets-per-key`).
    public var maxSocketsPerKey = 256
    /// Seconds an HTTP connection may stay idle before it is closed.
    public var httpIdleTimeout = 30.0
    /// Seconds from a connection's start (TLS handshake included) to the end of its first
    /// request's head; slower connections are closed (slowloris), counted as `header_timeout`.
    public var httpHeaderTimeout = 10.0
    /// Seconds from a request's head to the end of its body; slower uploads are closed, counted
    /// as `body_timeout` (a 20 MB upload needs about 170 KB/s).
    public var httpBodyTimeout = 120.0
    /// Serve without keys on a non-loopback address (`--insecure-no-auth`).
    public var insecureNoAuth = false
    /// The matchmaking service's settings.
    public var match = MatchConfiguration()
    /// The twin service's settings.
    public var twins = TwinConfiguration()
    /// The sentence encoder's directory (`--text-model`): nil looks in the usual places
    /// (`SentenceEncoder.findDefault`), "offline" uses the offline encoder.
    public var textModel: String?
    /// The OpenAI-compatible language model (`--llm-url`); nil: the offline generator only.
    public var llm: LLMConfiguration?

    /// The defaults: 127.0.0.1, 8080, 5004, hop 4, lookahead 4 (README, "Latency settings"), the default model.
    public init(
        host: String = "127.0.0.1", port: Int = 8080, rtpPort: Int = 5004, modelPath: String? = nil,
        streamDefaults: StreamSettings = StreamSettings(hop: 4, lookahead: 4), maxStreams: Int = 256, workers: Int = 0,
        maxUploadBytes: Int = 64 << 20, maxBatchJobs: Int = 2, subscriberQueue: Int = 120, deviceID: String? = nil,
        maxLiveLinkTargets: Int = 1024
    ) {
        self.maxLiveLinkTargets = maxLiveLinkTargets
        self.host = host
        self.port = port
        self.rtpPort = rtpPort
        self.modelPath = modelPath
        self.streamDefaults = streamDefaults
        self.maxStreams = maxStreams
        self.workers = workers
        self.maxUploadBytes = maxUploadBytes
        self.maxBatchJobs = maxBatchJobs
        self.subscriberQueue = subscriberQueue
        self.deviceID = deviceID
    }
}
