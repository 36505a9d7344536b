import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import HummingbirdWebSocket
public import Logging
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle
import Synchronization
import VoxAvatars
import VoxMatch
import VoxMedia
public import VoxModel
import VoxStore
import VoxTwins

/// `voxface serve`: the HTTP/WebSocket server, the RTP socket, the per-stream pipelines and the
/// pacer, as swift-service-lifecycle services with graceful shutdown on SIGTERM/SIGINT.
public struct VoxfaceServer: Sendable {
    /// Where the server listens, once it is up.
    public struct Ports: Sendable {
        /// HTTP and WebSocket port.
        public var http: Int
        /// RTP (UDP) port.
        public var rtp: Int
    }

    /// The settings.
    public let configuration: ServerConfiguration
    private let model: FaceModel
    private let modelName: String
    private let isDefaultModel: Bool
    /// HTTPS and WSS, when a certificate and key were given.
    private let tls: TLSConfiguration?
    private let logger: Logger

    /// Loads the model; throws a one-line error for a bad model or setting.
    public init(configuration: ServerConfiguration, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        tls = try Self.loadTLS(configuration)
        if let path = configuration.modelPath {
            let loaded = try ModelLoader.load(path: path, checkValues: false)
            model = try FaceModel(config: loaded.config, tensors: loaded.tensors)
            modelName = loaded.weightsPath
            isDefaultModel = false
        } else {
            model = try DefaultModel.load()
            modelName = DefaultModel.name
            isDefaultModel = true
        }
        guard model.config.outputDim == FaceFrame.channels else {
            throw ServerError("the model has \(model.config.outputDim) outputs; the server streams \(FaceFrame.channels)-channel frames")
        }
        do { try configuration.streamDefaults.validate(for: model.config) } catch { throw ServerError(error.message) }
        try Self.checkExposure(configuration)
    }

    /// Without keys the API is open to whoever reaches the port: only loopback, unless
    /// `--insecure-no-auth` says otherwise.
    static func checkExposure(_ configuration: ServerConfiguration) throws {
        guard configuration.apiKeys == nil, !configuration.insecureNoAuth, !isLoopbackHost(configuration.host) else { return }
        throw ServerError(
            "refusing to serve the API on \(configuration.host) without keys: give --api-key-file (or --insecure-no-auth to open it to the network)"
        )
    }

    /// The TLS configuration from the PEM files; a one-line error when they cannot be used.
    static func loadTLS(_ configuration: ServerConfiguration) throws -> TLSConfiguration? {
        guard let (certificatePath, keyPath) = configuration.tls else { return nil }
        let chain: [NIOSSLCertificate]
        do { chain = try NIOSSLCertificate.fromPEMFile(certificatePath) } catch {
            throw ServerError("cannot read the TLS certificate \(certificatePath): \(error)")
        }
        guard !chain.isEmpty else { throw ServerError("the TLS certificate file \(certificatePath) holds no certificate") }
        let key: NIOSSLPrivateKey
        do { key = try NIOSSLPrivateKey(file: keyPath, format: .pem) } catch {
            throw ServerError("cannot read the TLS private key \(keyPath): \(error)")
        }
        var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        tls.minimumTLSVersion = .tlsv12
        return tls
    }

    /// Whether `host` is a loopback address or name.
    public static func isLoopbackHost(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// A server on an already built model (tests, embedding).
    public init(configuration: ServerConfiguration, model: FaceModel, modelName: String, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        tls = try Self.loadTLS(configuration)
        self.model = model
        self.modelName = modelName
        isDefaultModel = false
        guard model.config.outputDim == FaceFrame.channels else {
            throw ServerError("the model has \(model.config.outputDim) outputs; the server streams \(FaceFrame.channels)-channel frames")
        }
        do { try configuration.streamDefaults.validate(for: model.config) } catch { throw ServerError(error.message) }
        try Self.checkExposure(configuration)
    }

    /// Runs until SIGTERM/SIGINT, `shutdown` is triggered, or the task is cancelled; `onReady`
    /// gets the bound ports. SIGTERM, SIGINT and `shutdown` are graceful: every stream closes and
    /// its subscribers are told (`stream_closed`, reason `shutdown`) before the sockets close.
    public func run(shutdown: ShutdownTrigger? = nil, onReady: @escaping @Sendable (Ports) async -> Void = { _ in }) async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let metrics = ServerMetrics()
        let services = try await Self.openServices(configuration, logger: logger)
        let hub = StreamHub(configuration: configuration, model: model, metrics: metrics, logger: logger)
        services.store.onEvents { [bus = hub.bus, counters = services.counters] batch in
            for event in batch {
                counters.published.add(1, ordering: .relaxed)
                bus.publish(event: event)
            }
        }
        let rtp = try await RTPIngestHandler.bind(host: configuration.host, port: configuration.rtpPort, hub: hub, group: group)
        hub.rtpPort = rtp.localAddress?.port ?? configuration.rtpPort
        let liveLink = try await LiveLinkSocket(group: group, loops: System.coreCount)
        hub.start(liveLink: liveLink)

        let batchPool = NIOThreadPool(numberOfThreads: max(1, configuration.maxBatchJobs))
        batchPool.start()
        let router = Router(context: VoxRequestContext.self)
        router.add(
            middleware: RateLimitMiddleware(
                perSecond: configuration.rateLimit, refused: { [counters = services.counters] reason in counters.error(reason) }))
        router.add(
            middleware: AuthMiddleware(
                keys: configuration.apiKeys, streamToken: { [hub] id in hub.registry.stream(id: id)?.token },
                refused: { [counters = services.counters] reason in counters.error(reason) }))
        APIRoutes(
            hub: hub, services: services, modelName: modelName, isDefaultModel: isDefaultModel, batchPool: batchPool, secure: tls != nil
        ).register(
            on: router)
        let quota = SocketQuota(limit: configuration.maxSocketsPerKey)
        WebSocketRoutes(hub: hub, quota: quota).register(on: router)
        AvatarRoutes(services: services).register(on: router)
        MatchRoutes(services: services, pool: batchPool, maxUpload: configuration.maxUploadBytes).register(on: router)
        TwinRoutes(services: services).register(on: router)
        WebApp().register(on: router)
        EventRoutes(services: services, bus: hub.bus, capacity: configuration.eventQueue, quota: quota).register(on: router)
        let rtpPort = hub.rtpPort
        let app = Application(
            router: router,
            server: try serverBuilder(router, refused: { [counters = services.counters] reason in counters.error(reason) }),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "voxface"),
            onServerRunning: { channel in
                let http = channel.localAddress?.port ?? 0
                await onReady(Ports(http: http, rtp: rtpPort))
            },
            eventLoopGroupProvider: .shared(group),
            logger: logger)
        let streaming = StreamingService(hub: hub, rtp: rtp, batchPool: batchPool)
        let world = WorldTicker(services: services, hub: hub, logger: logger)
        // Services stop in reverse order: the world saves its state and streams close
        // (subscribers told) before HTTP stops.
        let serviceGroup = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: app), .init(service: streaming), .init(service: world),
                    .init(service: TwinWorker(twins: services.twins)),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        await shutdown?.attach(serviceGroup)
        try await serviceGroup.run()
    }

    /// HTTP/1.1 with WebSocket upgrades and the request deadlines, inside TLS when configured.
    private func serverBuilder(_ router: Router<VoxRequestContext>, refused: @escaping @Sendable (String) -> Void) throws
        -> HTTPServerBuilder
    {
        let deadlines = RequestDeadlines(
            head: .milliseconds(Int64(configuration.httpHeaderTimeout * 1000)),
            body: .milliseconds(Int64(configuration.httpBodyTimeout * 1000)), refused: refused)
        let http1 = HTTP1Channel.Configuration(
            additionalChannelHandlers: [BodyDeadlineHandler(deadline: deadlines.body, refused: deadlines.refused)],
            idleTimeout: .milliseconds(Int64(configuration.httpIdleTimeout * 1000)))
        let webSocketResponder = router.buildResponder()
        let plain = HTTPServerBuilder { responder in
            DeadlineGuardedChannel(
                inner: HTTP1WebSocketUpgradeChannel(
                    responder: responder, webSocketResponder: webSocketResponder,
                    configuration: .init(http1: http1, ws: WebSocketServerConfiguration(maxFrameSize: WebSocketIngestMessages.maxMessage))),
                deadlines: deadlines)
        }
        guard let tls else { return plain }
        return try .tls(plain, tlsConfiguration: tls)
    }

    /// Opens the store in the data directory and the services on it; a one-line error when the
    /// directory cannot be used or the database is from a newer voxface.
    static func openServices(_ configuration: ServerConfiguration, logger: Logger) async throws -> SecondaryServices {
        do {
            let store = try Store(
                directory: configuration.dataDirectory,
                migrations: SQLiteAvatarRepository.migrations + SQLiteMatchRepository.migrations + TwinSchema.migrations,
                eventRetention: configuration.eventRetention)
            let voice = LLMVoice(configuration: configuration.llm)
            let avatars = try await AvatarService(
                repository: SQLiteAvatarRepository(store: store), configuration: configuration.avatars, voice: voice)
            let embedder = TextEncoderChoice.open(configuration.textModel, logger: logger)
            let match = try await MatchService(
                repository: SQLiteMatchRepository(store: store), embedder: embedder, configuration: configuration.match,
                avatars: AvatarLookup(avatars: avatars))
            let repository = SQLiteTwinRepository(store: store)
            let twins = TwinService(
                repository: repository, projects: repository, embedder: embedder, configuration: configuration.twins,
                compose: { [model = voice.model] request, fallback, onDelta in
                    await model.complete(request, fallback: fallback, onDelta: onDelta)
                })
            logger.info(
                "data store open",
                metadata: [
                    "path": "\(store.path)", "avatars": "\(avatars.worldView().avatars)", "profiles": "\(match.count)",
                    "text_encoder": "\(embedder.name)",
                ])
            return SecondaryServices(store: store, avatars: avatars, voice: voice, match: match, twins: twins)
        } catch let error as StoreError {
            throw ServerError(error.description)
        } catch {
            throw ServerError("cannot open the data store in \(configuration.dataDirectory): \(error)")
        }
    }
}

/// The twins' ingestion worker as a service (stops with the group).
struct TwinWorker: Service {
    let twins: TwinService

    func run() async throws {
        await cancelWhenGracefulShutdown { await twins.runWorker() }
    }
}

/// The streaming side as a service: on shutdown it closes every stream, telling subscribers,
/// then stops the pacer, the workers and the sockets.
struct StreamingService: Service {
    let hub: StreamHub
    let rtp: any Channel
    let batchPool: NIOThreadPool

    func run() async throws {
        try? await gracefulShutdown()
        await hub.shutdown()
        try? await rtp.close()
        try? await batchPool.shutdownGracefully()
    }
}

/// A server start-up error: one line.
public struct ServerError: Error, CustomStringConvertible {
    /// The line.
    public let description: String
    init(_ description: String) { self.description = description }
}

/// Starts a running server's graceful shutdown from code, exactly as SIGTERM does.
public final class ShutdownTrigger: Sendable {
    private let state = Mutex<(group: ServiceGroup?, requested: Bool)>((nil, false))

    /// A trigger to pass to ``VoxfaceServer/run(shutdown:onReady:)``.
    public init() {}

    /// Begins the graceful shutdown (now, or as soon as the server runs).
    public func trigger() async {
        let group = state.withLock { s -> ServiceGroup? in
            s.requested = true
            return s.group
        }
        await group?.triggerGracefulShutdown()
    }

    func attach(_ group: ServiceGroup) async {
        let requested = state.withLock { s -> Bool in
            s.group = group
            return s.requested
        }
        if requested { await group.triggerGracefulShutdown() }
    }
}
