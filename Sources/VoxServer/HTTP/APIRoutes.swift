import FoundationEssentials
import Hummingbird
import HummingbirdWebSocket
import NIOCore
import NIOPosix
import Synchronization
import VoxCore
import VoxDSP
import VoxLLM
import VoxModel
import VoxSettings

/// The control API (JSON over HTTP), `/health`, `/metrics` and NeuroSync's `/audio_to_blendshapes`.
struct APIRoutes: Sendable {
    let hub: StreamHub
    let services: SecondaryServices
    let modelName: String
    let isDefaultModel: Bool
    let started = MonotonicClock.now()
    let batchPool: NIOThreadPool
    /// Whether the server speaks TLS (stream URLs are then wss://).
    let secure: Bool
    let batchJobs = BatchSlots()

    final class BatchSlots: Sendable {
        let running = Atomic<Int>(0)
    }

    /// Settings bodies are small.
    static let maxSettingsBody = 64 << 10

    func register(on router: Router<VoxRequestContext>) {
        router.get("/health") { _, _ in try health() }
        router.get("/metrics") { _, _ in
            var buffer = ByteBuffer(bytes: hub.metrics.render())
            buffer.writeString(services.renderMetrics())
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: .init(byteBuffer: buffer))
        }
        router.post("/v1/streams") { request, context in try await createStream(request, context) }
        router.get("/v1/streams") { _, _ in try json(StreamList(streams: hub.registry.all.map { $0.info() })) }
        router.get("/v1/streams/:id") { _, context in try json(try stream(context).info()) }
        router.delete("/v1/streams/:id") { _, context in
            hub.close(try stream(context), reason: .deleted)
            return Response(status: .noContent)
        }
        router.patch("/v1/streams/:id") { request, context in try await patchStream(request, context) }
        router.post("/v1/streams/:id/livelink") { request, context in try await addTarget(request, context) }
        router.get("/v1/streams/:id/livelink") { _, context in
            let fanOut = try stream(context).liveLink.withLock { $0 }
            return try json(TargetList(targets: fanOut.map { f in f.list.map { f.json($0) } } ?? []))
        }
        router.delete("/v1/streams/:id/livelink/:target") { _, context in
            let s = try stream(context)
            let target = context.parameters.get("target") ?? ""
            guard hub.removeTarget(target, from: s) else { throw APIError.notFound("target", target) }
            return Response(status: .noContent)
        }
        router.post("/audio_to_blendshapes") { request, _ in try await audioToBlendshapes(request) }
    }

    // MARK: - Handlers

    private func health() throws -> Response {
        let body = Health(
            status: "ok", streams: hub.registry.count, uptimeSeconds: Double(MonotonicClock.now() - started) / 1e6,
            model: .init(name: modelName, parameters: hub.model.parameterCount, isDefault: isDefaultModel), deviceID: hub.deviceID,
            store: .init(path: services.store.path, avatars: services.avatars.worldView().avatars, profiles: services.match.count),
            textEncoder: .init(name: services.match.embedder.name, offline: services.match.embedder.isOffline),
            llm: .init(
                generator: services.voice.configuration == nil ? "offline" : "llm", model: services.voice.configuration?.model,
                breaker: Self.breakerName(services.voice.model.breaker)))
        return try json(body)
    }

    private static func breakerName(_ state: CircuitBreaker.State) -> String {
        switch state {
        case .closed: "closed"
        case .open: "open"
        case .halfOpen: "half_open"
        }
    }

    private func createStream(_ request: Request, _ context: VoxRequestContext) async throws -> Response {
        let body = try await collect(request, limit: Self.maxSettingsBody)
        var patch = StreamSettingsPatch()
        if body.readableBytes > 0 && !body.readableBytesView.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            patch = try decode(StreamSettingsPatch.self, from: body, fieldError: "bad_settings")
        }
        // Ids are checked for shape before they are looked up: a malformed one is a bad setting, not a missing one.
        do { try patch.applied(to: hub.configuration.streamDefaults).validate(for: hub.model.config) } catch { throw APIError(error) }
        if let avatar = patch.avatar, !services.avatars.exists(avatar) { throw APIError.notFound("avatar", avatar) }
        if let profile = patch.profile, !services.match.exists(profile) { throw APIError.notFound("profile", profile) }
        try checkBinding(avatar: patch.avatar, profile: patch.profile, context)
        let stream = try hub.createStream(patch)
        if let avatar = patch.avatar, let emotions = services.avatars.emotionChannels(avatar) {
            stream.state.withLock { $0.mood = MoodOverlay(target: emotions) }
        }
        let host = request.head.authority ?? "\(hub.configuration.host):\(hub.configuration.port)"
        let created = StreamCreated(
            id: stream.id, ssrc: stream.ssrc, token: stream.token, rtpPort: hub.rtpPort,
            audioURL: "\(secure ? "wss" : "ws")://\(host)/v1/streams/\(stream.id)/audio?token=\(stream.token)",
            framesURL: "\(secure ? "wss" : "ws")://\(host)/v1/streams/\(stream.id)/frames", settings: stream.state.withLock { $0.settings },
            state: "waiting", srtp: stream.srtp.map { StreamCreated.SRTPKey(suite: SRTPReceiver.suite, key: $0.key.base64) })
        return try json(created, status: .created)
    }

    /// A running stream's avatar binding: `{"avatar": ID}` binds, `{"avatar": null}` unbinds.
    private func patchStream(_ request: Request, _ context: VoxRequestContext) async throws -> Response {
        let s = try stream(context)
        let body = try await collect(request, limit: Self.maxSettingsBody)
        let patch = try decode(StreamPatch.self, from: body, fieldError: "bad_settings")
        if let avatar = patch.avatar {
            guard avatar.utf8.count <= 64, let emotions = services.avatars.emotionChannels(avatar) else {
                throw APIError.notFound("avatar", avatar)
            }
            try checkBinding(avatar: avatar, profile: nil, context)
            s.state.withLock { st in
                st.settings.avatar = avatar
                st.mood = MoodOverlay(target: emotions)
            }
        } else {
            s.state.withLock { st in
                st.settings.avatar = nil
                st.mood = nil
            }
        }
        return try json(s.info())
    }

    private func addTarget(_ request: Request, _ context: VoxRequestContext) async throws -> Response {
        let s = try stream(context)
        let body = try await collect(request, limit: Self.maxSettingsBody)
        let spec: LiveLinkTargetSpec
        do { spec = try LiveLinkTargetSpec.parse(Array(body.readableBytesView)) } catch {
            throw APIError(.badRequest, "bad_target", error.message)
        }
        let target = try hub.addTarget(to: s, spec)
        guard let fanOut = s.liveLink.withLock({ $0 }) else {
            throw APIError(.serviceUnavailable, "not_ready", "the server is not running")
        }
        return try json(fanOut.json(target), status: .created)
    }

    private func audioToBlendshapes(_ request: Request) async throws -> Response {
        hub.metrics.batchRequests.increment()
        let body = try await collect(request, limit: hub.configuration.maxUploadBytes)
        guard body.readableBytes > 0 else { throw APIError(.badRequest, "empty_body", "the request body must be an audio file") }
        guard batchJobs.running.add(1, ordering: .relaxed).newValue <= hub.configuration.maxBatchJobs else {
            batchJobs.running.subtract(1, ordering: .relaxed)
            throw APIError(.serviceUnavailable, "busy", "too many batch jobs are running; retry later")
        }
        defer { batchJobs.running.subtract(1, ordering: .relaxed) }
        let model = hub.model
        let result: Result<String, APIError> = try await batchPool.runIfActive {
            BatchJob.run(bytes: body, model: model)
        }
        return Response(
            status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: try result.get())))
    }

    // MARK: - Helpers

    /// A user key binds streams only to its own avatars and profiles (403).
    private func checkBinding(avatar: String?, profile: String?, _ context: VoxRequestContext) throws(APIError) {
        if let avatar { try context.requireOwner(services.avatars.profile(avatar)?.owner, what: "avatar") }
        if let profile { try context.requireOwner(services.match.owner(of: profile), what: "profile") }
    }

    private func stream(_ context: VoxRequestContext) throws(APIError) -> Stream {
        let id = context.parameters.get("id") ?? ""
        guard let s = hub.registry.stream(id: id) else { throw APIError.notFound("stream", id) }
        return s
    }

    /// The body, at most `limit` bytes (413 `body_too_large`, counted).
    private func collect(_ request: Request, limit: Int) async throws -> ByteBuffer {
        do { return try await RequestBody.collect(request, limit: limit) } catch {
            hub.metrics.httpErrors.increment()
            throw error
        }
    }

    private func decode<T: Decodable>(_ type: T.Type, from body: ByteBuffer, fieldError: String) throws(APIError) -> T {
        try RequestBody.decode(T.self, from: body, fieldError: fieldError)
    }
}

/// Encodes `value` as a JSON response.
func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let data = try encoder.encode(value)
    return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
}

struct StreamList: Encodable { var streams: [StreamInfo] }
struct TargetList: Encodable { var targets: [LiveLinkTargetInfo] }

/// `PATCH /v1/streams/{id}`: only the avatar binding changes on a running stream.
struct StreamPatch: Decodable {
    var avatar: String?

    init(from decoder: any Decoder) throws {
        let keys = try decoder.container(keyedBy: AnyCodingKey.self).allKeys.map(\.stringValue)
        guard keys == ["avatar"] else {
            throw APIError(.badRequest, "bad_settings", "only \"avatar\" can change on a running stream (an id, or null to unbind)")
        }
        avatar = try decoder.container(keyedBy: AnyCodingKey.self).decodeIfPresent(String.self, forKey: AnyCodingKey(stringValue: "avatar"))
    }
}

struct StreamCreated: Encodable {
    var id: String
    var ssrc: UInt32
    var token: String
    var rtpPort: Int
    var audioURL: String
    var framesURL: String
    var settings: StreamSettings
    var state: String
    /// The SRTP master key and salt (base64, as SDES and ffmpeg's `-srtp_out_params` write them),
    /// given only here; absent for plain RTP.
    var srtp: SRTPKey?
    struct SRTPKey: Encodable {
        var suite: String
        var key: String
    }
    enum CodingKeys: String, CodingKey {
        case id, ssrc, token, settings, state, srtp
        case rtpPort = "rtp_port"
        case audioURL = "audio_url"
        case framesURL = "frames_url"
    }
}

struct Health: Encodable {
    struct Model: Encodable {
        var name: String
        var parameters: Int
        var isDefault: Bool
        enum CodingKeys: String, CodingKey {
            case name, parameters
            case isDefault = "default"
        }
    }
    struct Store: Encodable {
        var path: String
        var avatars: Int
        var profiles: Int
    }
    /// The matchmaking text encoder: the sentence encoder's name, or the offline one.
    struct TextEncoder: Encodable {
        var name: String
        var offline: Bool
    }
    /// Where avatars' words come from: `llm` (with its breaker) or `offline`.
    struct LLM: Encodable {
        var generator: String
        var model: String?
        var breaker: String
    }
    var status: String
    var streams: Int
    var uptimeSeconds: Double
    var model: Model
    var deviceID: String
    var store: Store
    var textEncoder: TextEncoder
    var llm: LLM
    enum CodingKeys: String, CodingKey {
        case status, streams, model, store, llm
        case textEncoder = "text_encoder"
        case uptimeSeconds = "uptime_s"
        case deviceID = "device_id"
    }
}

/// `/audio_to_blendshapes`: the batch pipeline on an uploaded file (run on the batch pool).
enum BatchJob {
    static func run(bytes: ByteBuffer, model: FaceModel) -> Result<String, APIError> {
        UploadedAudio.read(bytes).flatMap { audio in
            do {
                let features = try NeuroSyncFeatures.extract(audio, source: "upload", threads: 1).features
                let frames = try FacePipeline(session: InferenceSession(model: model, threads: 1)).process(features)
                return .success(NeuroSyncReply.json(frames))
            } catch {
                return .failure(APIError(.unprocessableContent, "bad_audio", "\(error)"))
            }
        }
    }
}

/// An uploaded audio file, decoded as `voxface process` decodes files (any format libsndfile
/// reads, the same limits and the same errors: 422 `bad_audio`). Blocking: run it on a pool.
enum UploadedAudio {
    static func read(_ bytes: ByteBuffer) -> Result<DecodedAudio, APIError> {
        var template = Array("/tmp/voxface-upload-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return .failure(APIError(.internalServerError, "storage", "cannot store the upload")) }
        let path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer { unlink(path) }
        let wrote = bytes.withUnsafeReadableBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { return false }
                offset += n
            }
            return true
        }
        close(fd)
        guard wrote else { return .failure(APIError(.internalServerError, "storage", "cannot store the upload")) }
        do { return .success(try AudioFileReader().read(path: path)) } catch {
            return .failure(APIError(.unprocessableContent, "bad_audio", error.description.replacingOccurrences(of: path, with: "upload")))
        }
    }
}
