import VoxDSP
public import VoxMedia
public import VoxModel

/// A stream setting that is refused: the message names the field (the server answers it as
/// 400 `bad_settings`).
public struct SettingsError: Error, Equatable, Sendable {
    /// One line naming the field and its bounds.
    public let message: String

    /// An error with `message`.
    public init(_ message: String) { self.message = message }
}

/// The latency and ingest settings of one stream: the server's defaults, overridden per stream
/// by the body of `POST /v1/streams`.
public struct StreamSettings: Sendable, Equatable, Codable {
    /// Frames between model windows (each window releases this many frames).
    public var hop: Int
    /// Frames a window reaches past the newest frame it releases.
    public var lookahead: Int
    /// Constant delay from a frame's audio arriving to the frame being sent, in milliseconds;
    /// nil = computed by ``automaticPlayoutDelay(inputRate:)``.
    public var playoutDelayMilliseconds: Int?
    /// Seconds without audio after which a live stream is closed (`idle`).
    public var idleTimeoutSeconds: Double
    /// Seconds a new stream waits for its first audio before it is closed (`no_audio`).
    public var firstAudioTimeoutSeconds: Double
    /// The only RTP payload type accepted, or nil for any dynamic type (96...127).
    public var payloadType: Int?
    /// A free-form label for the operator.
    public var label: String?
    /// The avatar the stream is bound to: its mood drives the frames' emotion channels and
    /// speaking on the stream counts as the avatar's social activity. Nil: frames unchanged.
    public var avatar: String?
    /// The matchmaking profile the stream is bound to: its speech builds the profile's voice
    /// traits (merged in every 10 s and when the stream closes). Nil: not analysed.
    public var profile: String?
    /// RTP ingest is SRTP (AES_CM_128_HMAC_SHA1_80) with a key the creation reply gives once;
    /// plain or forged packets are dropped and counted. Fixed at creation.
    public var srtp = false
    /// How the automatic playout delay allows for the network and for computing.
    public var latencyProfile = LatencyProfile.adaptive
    /// Frames by which the stream's model windows run earlier than the batch schedule's
    /// (0 ..< hop; ``StreamingFacePipeline/setPhase(_:)``), or nil (the default): the worker pool
    /// places them where the fewest other streams' windows fall due (the batch pipeline's
    /// schedule keeps phase 0). Frames depend on the phase (by the model's small window-to-window
    /// differences); a fixed phase makes the same audio give the same frames whatever else the
    /// server runs.
    public var windowPhase: Int?

    /// The JSON field names.
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case hop, lookahead, label, avatar, profile, srtp
        case latencyProfile = "latency_profile"
        case windowPhase = "window_phase"
        case playoutDelayMilliseconds = "playout_delay_ms"
        case idleTimeoutSeconds = "idle_timeout_s"
        case firstAudioTimeoutSeconds = "first_audio_timeout_s"
        case payloadType = "payload_type"
    }

    /// Settings from their parts.
    public init(
        hop: Int, lookahead: Int, playoutDelayMilliseconds: Int? = nil, idleTimeoutSeconds: Double = 10,
        firstAudioTimeoutSeconds: Double = 60, payloadType: Int? = nil, label: String? = nil
    ) {
        self.firstAudioTimeoutSeconds = firstAudioTimeoutSeconds
        self.hop = hop
        self.lookahead = lookahead
        self.playoutDelayMilliseconds = playoutDelayMilliseconds
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.payloadType = payloadType
        self.label = label
    }

    /// Encodes every field, null included, so clients see the effective values.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(hop, forKey: .hop)
        try c.encode(lookahead, forKey: .lookahead)
        try c.encode(playoutDelayMilliseconds, forKey: .playoutDelayMilliseconds)
        try c.encode(idleTimeoutSeconds, forKey: .idleTimeoutSeconds)
        try c.encode(firstAudioTimeoutSeconds, forKey: .firstAudioTimeoutSeconds)
        try c.encode(payloadType, forKey: .payloadType)
        try c.encode(label, forKey: .label)
        try c.encode(avatar, forKey: .avatar)
        try c.encode(profile, forKey: .profile)
        try c.encode(srtp, forKey: .srtp)
        try c.encode(latencyProfile, forKey: .latencyProfile)
        try c.encode(windowPhase, forKey: .windowPhase)
    }

    /// Checks every field against the model's window; the message names the field.
    public func validate(for config: ModelConfig) throws(SettingsError) {
        func bad(_ message: String) -> SettingsError { SettingsError(message) }
        guard hop >= 1 else { throw bad("hop must be at least 1 frame") }
        guard lookahead >= 0 else { throw bad("lookahead must not be negative") }
        // Compared without adding: hop + lookahead overflows for a hostile lookahead near Int.max.
        guard hop <= config.frameSize, lookahead <= config.frameSize - hop else {
            throw bad("hop + lookahead must fit the model's \(config.frameSize)-frame window")
        }
        if let phase = windowPhase, !(0..<hop).contains(phase) { throw bad("window_phase must be 0 ... hop - 1 (\(hop - 1))") }
        if let delay = playoutDelayMilliseconds, !(0...5000).contains(delay) {
            throw bad("playout_delay_ms must be 0...5000")
        }
        guard idleTimeoutSeconds.isFinite, (1...3600).contains(idleTimeoutSeconds) else {
            throw bad("idle_timeout_s must be 1...3600")
        }
        guard firstAudioTimeoutSeconds.isFinite, (1...3600).contains(firstAudioTimeoutSeconds) else {
            throw bad("first_audio_timeout_s must be 1...3600")
        }
        if let pt = payloadType, !(96...127).contains(pt) { throw bad("payload_type must be a dynamic type, 96...127") }
        if let label, label.utf8.count > 128 { throw bad("label must be at most 128 bytes") }
        if let avatar, avatar.isEmpty || avatar.utf8.count > 64 { throw bad("avatar must be an avatar id (1...64 bytes)") }
        if let profile, profile.isEmpty || profile.utf8.count > 64 { throw bad("profile must be a profile id (1...64 bytes)") }
    }

    /// The model's schedule.
    public var schedule: StreamingFacePipeline.Schedule { .init(hop: hop, lookahead: lookahead) }

    /// The playout delay in effect with `allowances`, in microseconds.
    public func playoutDelay(inputRate: Int, allowances: PlayoutAllowances) -> Microseconds {
        if let ms = playoutDelayMilliseconds { return Microseconds(ms) * 1000 }
        return automaticPlayoutDelay(inputRate: inputRate, allowances: allowances)
    }

    /// The delay that covers what a frame waits for, counted from the arrival of the stream's
    /// first audio: the features' future audio, the window's lookahead, up to hop - 1 frames for
    /// the next window, and the allowances for late audio and for computing (``PlayoutAllowances``).
    /// Packetisation needs no term: audio time s arrives no later than first arrival + s when
    /// packets come in real time.
    public func automaticPlayoutDelay(inputRate: Int, allowances: PlayoutAllowances) -> Microseconds {
        Self.algorithmicLatency(hop: hop, lookahead: lookahead, inputRate: inputRate) + allowances.jitter + allowances.compute
    }

    /// What the features and the window schedule alone make a frame wait, in microseconds.
    public static func algorithmicLatency(hop: Int, lookahead: Int, inputRate: Int) -> Microseconds {
        let features = StreamingFeatureExtractor.algorithmicLatency(inputRate: inputRate, lowLatency: true)
        let frames = Double(hop - 1 + lookahead) / 60
        return Microseconds(((features + frames) * 1_000_000).rounded(.up))
    }
}

/// How a stream's automatic playout delay allows for late audio and for computing.
public enum LatencyProfile: String, Sendable, Codable, CaseIterable {
    /// Allowances from measurement: the stream's own packets' lateness against its media clock
    /// (about 0 for in-order packets on a LAN; growing at once with real jitter, shrinking slowly
    /// after it) and the worker pool's p99 job time at the current load.
    case adaptive
    /// Fixed allowances for bad networks: 40 ms for late or reordered packets (the jitter buffer
    /// waits that long for a missing one) and 30 ms for computing.
    case network
}

/// What the automatic playout delay adds to the algorithmic latency.
public struct PlayoutAllowances: Sendable, Equatable {
    /// For audio arriving later than its media time says (network jitter, reordering, a sender's bursts).
    public var jitter: Microseconds
    /// For a worker to be free and to run the decoder, features and model.
    public var compute: Microseconds

    /// Allowances from their parts.
    public init(jitter: Microseconds, compute: Microseconds) {
        self.jitter = jitter
        self.compute = compute
    }

    /// The ``LatencyProfile/network`` profile's fixed allowances.
    public static let network = PlayoutAllowances(jitter: 40_000, compute: 30_000)
}

/// Fields of `POST /v1/streams`: every one optional (nil: the server's default), unknown fields
/// refused (``SettingsError``). Only the types are checked here; ``StreamSettings/validate(for:)``
/// checks the values once applied.
public struct StreamSettingsPatch: Decodable, Sendable {
    /// ``StreamSettings/hop``.
    public var hop: Int?
    /// ``StreamSettings/lookahead``.
    public var lookahead: Int?
    /// ``StreamSettings/playoutDelayMilliseconds``.
    public var playoutDelayMilliseconds: Int?
    /// ``StreamSettings/idleTimeoutSeconds``.
    public var idleTimeoutSeconds: Double?
    /// ``StreamSettings/firstAudioTimeoutSeconds``.
    public var firstAudioTimeoutSeconds: Double?
    /// ``StreamSettings/payloadType``.
    public var payloadType: Int?
    /// ``StreamSettings/label``.
    public var label: String?
    /// ``StreamSettings/avatar``.
    public var avatar: String?
    /// ``StreamSettings/profile``.
    public var profile: String?
    /// ``StreamSettings/srtp``.
    public var srtp: Bool?
    /// ``StreamSettings/latencyProfile``.
    public var latencyProfile: LatencyProfile?
    /// ``StreamSettings/windowPhase``.
    public var windowPhase: Int?

    /// No field set: the defaults as they are.
    public init() {}

    /// Decodes the fields; throws ``SettingsError`` for an unknown field or latency profile.
    public init(from decoder: any Decoder) throws {
        let keys = try decoder.container(keyedBy: AnyCodingKey.self).allKeys
        if let unknown = keys.first(where: { StreamSettings.CodingKeys(rawValue: $0.stringValue) == nil }) {
            throw SettingsError("unknown setting '\(Self.printable(unknown.stringValue))'")
        }
        let c = try decoder.container(keyedBy: StreamSettings.CodingKeys.self)
        hop = try c.decodeIfPresent(Int.self, forKey: .hop)
        lookahead = try c.decodeIfPresent(Int.self, forKey: .lookahead)
        playoutDelayMilliseconds = try c.decodeIfPresent(Int.self, forKey: .playoutDelayMilliseconds)
        idleTimeoutSeconds = try c.decodeIfPresent(Double.self, forKey: .idleTimeoutSeconds)
        firstAudioTimeoutSeconds = try c.decodeIfPresent(Double.self, forKey: .firstAudioTimeoutSeconds)
        payloadType = try c.decodeIfPresent(Int.self, forKey: .payloadType)
        label = try c.decodeIfPresent(String.self, forKey: .label)
        avatar = try c.decodeIfPresent(String.self, forKey: .avatar)
        profile = try c.decodeIfPresent(String.self, forKey: .profile)
        srtp = try c.decodeIfPresent(Bool.self, forKey: .srtp)
        windowPhase = try c.decodeIfPresent(Int.self, forKey: .windowPhase)
        if let name = try c.decodeIfPresent(String.self, forKey: .latencyProfile) {
            guard let profile = LatencyProfile(rawValue: name) else {
                throw SettingsError("latency_profile must be adaptive or network")
            }
            latencyProfile = profile
        }
    }

    /// A client's field name fit for a one-line message: control characters and quotes escaped,
    /// at most about 64 characters written (an escape counts its length).
    static func printable(_ name: String) -> String {
        var out = ""
        for c in name.unicodeScalars {
            guard out.unicodeScalars.count < 64 else { return out + "..." }
            let category = c.properties.generalCategory
            let escape = category == .control || category == .lineSeparator || category == .paragraphSeparator || c == "'" || c == "\\"
            out += escape ? c.escaped(asASCII: true) : String(c)
        }
        return out
    }

    /// `defaults` with every field that is set replaced.
    public func applied(to defaults: StreamSettings) -> StreamSettings {
        var s = defaults
        if let hop { s.hop = hop }
        if let lookahead { s.lookahead = lookahead }
        if let playoutDelayMilliseconds { s.playoutDelayMilliseconds = playoutDelayMilliseconds }
        if let idleTimeoutSeconds { s.idleTimeoutSeconds = idleTimeoutSeconds }
        if let firstAudioTimeoutSeconds { s.firstAudioTimeoutSeconds = firstAudioTimeoutSeconds }
        if let payloadType { s.payloadType = payloadType }
        if let label { s.label = label }
        if let avatar { s.avatar = avatar }
        if let profile { s.profile = profile }
        if let srtp { s.srtp = srtp }
        if let latencyProfile { s.latencyProfile = latencyProfile }
        if let windowPhase { s.windowPhase = windowPhase }
        return s
    }
}
