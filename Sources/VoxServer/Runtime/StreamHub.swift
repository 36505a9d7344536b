import Logging
import NIOCore
import Synchronization
import VoxMedia
import VoxModel
import VoxSettings

#if canImport(Glibc)
    import Glibc
#endif

/// Owns the streams and everything that runs them: registry, worker pool, pacer, bus. The HTTP
/// routes, the RTP socket and the WebSocket handlers all go through it.
final class StreamHub: Sendable {
    let configuration: ServerConfiguration
    let model: FaceModel
    let bus = EventBus()
    let metrics: ServerMetrics
    let registry: StreamRegistry
    let pool: WorkerPool
    let deviceID: String
    let logger: Logger
    private let pacer = Mutex<PacerLoop?>(nil)
    private let boundRTPPort = Atomic<Int>(0)
    /// The RTP port bound (known once the socket is up).
    var rtpPort: Int {
        get { boundRTPPort.load(ordering: .relaxed) }
        set { boundRTPPort.store(newValue, ordering: .relaxed) }
    }
    private let liveLinkSocket = Mutex<LiveLinkSocket?>(nil)

    init(configuration: ServerConfiguration, model: FaceModel, metrics: ServerMetrics, logger: Logger) {
        self.configuration = configuration
        self.model = model
        self.metrics = metrics
        self.logger = logger
        registry = StreamRegistry(maxStreams: configuration.maxStreams)
        pool = WorkerPool(threads: configuration.workers > 0 ? configuration.workers : System.coreCount)
        deviceID = configuration.deviceID ?? Self.randomUUID()
    }

    func start(liveLink socket: LiveLinkSocket) {
        liveLinkSocket.withLock { $0 = socket }
        let loop = PacerLoop(registry: registry) { [self] stream, reason in close(stream, reason: reason) }
        pacer.withLock { $0 = loop }
    }

    /// Closes every stream (subscribers are told why) and stops the pacer and workers.
    func shutdown() async {
        for stream in registry.all { close(stream, reason: .shutdown) }
        let loop = pacer.withLock { p -> PacerLoop? in
            defer { p = nil }
            return p
        }
        await loop?.stop()
        await pool.shutdown()
        await liveLinkSocket.withLock { $0 }?.close()
    }

    func createStream(_ patch: StreamSettingsPatch) throws(APIError) -> Stream {
        let settings = patch.applied(to: configuration.streamDefaults)
        do { try settings.validate(for: model.config) } catch { throw APIError(error) }
        var srtp: SRTPReceiver?
        if settings.srtp {
            do { srtp = try SRTPReceiver() } catch {
                throw APIError(.internalServerError, "srtp_unavailable", "cannot make an SRTP key: \(error)")
            }
        }
        let stream = try registry.create { id, ssrc, token in
            Stream(
                id: id, ssrc: ssrc, token: token, createdAt: Self.timestamp(), settings: settings, model: model, metrics: metrics,
                bus: bus, pool: pool, srtp: srtp)
        }
        metrics.streamsOpen.record(registry.count)
        bus.publish(.stream(.created(id: stream.id)), on: .streams)
        logger.info("stream created", metadata: ["id": "\(stream.id)", "ssrc": "\(stream.ssrc)"])
        return stream
    }

    /// Removes `stream`, tells its subscribers and stops its Live Link targets. Idempotent; the
    /// reason the stream's lifecycle closed with stands (the pacer passes that one on).
    func close(_ stream: Stream, reason: CloseReason) {
        _ = stream.close(reason)
        guard registry.remove(id: stream.id) != nil else { return }
        stream.releaseWindows()
        stream.closed.fire()
        let event = BusMessage.stream(.closed(id: stream.id, reason: reason))
        metrics.subscriberDropped.increment(by: bus.publish(event, on: stream.framesTopic) + bus.publish(event, on: .streams))
        if let fanOut = stream.liveLink.withLock({ $0 }) { retire(fanOut) }
        metrics.streamsClosed[reason.rawValue]?.increment()
        metrics.streamsOpen.record(registry.count)
        logger.info("stream closed", metadata: ["id": "\(stream.id)", "reason": "\(reason.rawValue)"])
    }

    /// Adds a Live Link target to `stream`.
    /// Adds a checked Live Link target to `stream` (400 `bad_target`, 409 over the stream's limit).
    func addTarget(to stream: Stream, _ spec: LiveLinkTargetSpec) throws(APIError) -> LiveLinkTarget {
        func bad(_ m: String) -> APIError { APIError(.badRequest, "bad_target", m) }
        guard let address = try? SocketAddress(ipAddress: spec.address, port: spec.port) else {
            throw bad("host must be an IP address or localhost")
        }
        let encoder: LiveLinkFaceEncoder
        do { encoder = try LiveLinkFaceEncoder(deviceID: deviceID, subject: spec.subject) } catch { throw bad(error.description) }
        guard let socket = liveLinkSocket.withLock({ $0 }) else {
            throw APIError(.serviceUnavailable, "not_ready", "the server is not running")
        }
        let fanOut = stream.liveLink.withLock { slot -> LiveLinkFanOut in
            if let existing = slot { return existing }
            let made = LiveLinkFanOut(
                subscription: bus.subscribe(stream.framesTopic, capacity: configuration.subscriberQueue), socket: socket, metrics: metrics)
            slot = made
            return made
        }
        return try fanOut.add(limit: configuration.maxLiveLinkTargets) { droppedBefore in
            var generator = SystemRandomNumberGenerator()
            return LiveLinkTarget(
                id: StreamRegistry.hex(bytes: 4, &generator), host: spec.host, port: spec.port, subject: spec.subject, address: address,
                encoder: encoder, droppedBefore: droppedBefore)
        }
    }

    func removeTarget(_ targetID: String, from stream: Stream) -> Bool {
        stream.liveLink.withLock { $0 }?.remove(id: targetID) ?? false
    }

    /// Ends a stream's Live Link fan-out.
    private func retire(_ fanOut: LiveLinkFanOut) {
        bus.unsubscribe(fanOut.subscription)
        fanOut.stop()
    }

    static func randomUUID() -> String {
        var g = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &g) }
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        let hex = bytes.map { b in String(b >> 4, radix: 16) + String(b & 15, radix: 16) }.joined()
        let parts = [
            hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20),
        ]
        return parts.map(String.init).joined(separator: "-").uppercased()
    }

    static func timestamp() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var t = time_t(ts.tv_sec)
        var parts = tm()
        gmtime_r(&t, &parts)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let ms = Int(ts.tv_nsec / 1_000_000)
        let millis = ms < 10 ? "00\(ms)" : ms < 100 ? "0\(ms)" : "\(ms)"
        return
            "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(millis)Z"
    }
}
