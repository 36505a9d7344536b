import FoundationEssentials

/// The parts of `POST /v1/streams`'s reply voxload uses.
public struct CreatedStream: Sendable, Equatable, Decodable {
    /// The stream's settings in effect.
    public struct Settings: Sendable, Equatable, Decodable {
        /// Frames per window.
        public var hop: Int
        /// Lookahead frames.
        public var lookahead: Int
        /// Playout delay, ms (nil = automatic).
        public var playoutDelayMilliseconds: Int?

        enum CodingKeys: String, CodingKey {
            case hop, lookahead
            case playoutDelayMilliseconds = "playout_delay_ms"
        }
    }
    /// Stream id.
    public var id: String
    /// The SSRC RTP packets must carry.
    public var ssrc: UInt32
    /// The UDP port for RTP.
    public var rtpPort: Int
    /// The WebSocket ingest URL, token included.
    public var audioURL: String
    /// The frame WebSocket URL.
    public var framesURL: String
    /// Settings in effect.
    public var settings: Settings

    enum CodingKeys: String, CodingKey {
        case id, ssrc, settings
        case rtpPort = "rtp_port"
        case audioURL = "audio_url"
        case framesURL = "frames_url"
    }

    /// Decodes the reply body.
    public static func decode(_ body: [UInt8]) throws(LoadError) -> CreatedStream {
        do { return try JSONDecoder().decode(CreatedStream.self, from: Data(body)) } catch {
            throw .server("unexpected reply to POST /v1/streams: \(String(decoding: body.prefix(200), as: UTF8.self))")
        }
    }
}

/// The counters of `GET /v1/streams/{id}` that voxload reports.
public struct StreamCountersReply: Sendable, Equatable, Decodable {
    struct Counters: Sendable, Equatable, Decodable {
        struct Jitter: Sendable, Equatable, Decodable {
            var lost: Int
            var recoveredFEC: Int
            enum CodingKeys: String, CodingKey {
                case lost
                case recoveredFEC = "recovered_fec"
            }
        }
        var framesSent: Int
        var framesHeld: Int
        var framesLate: Int
        var deadlineMisses: Int?
        var framesSkipped: Int
        var hopWidenings: Int
        var jitter: Jitter
        enum CodingKeys: String, CodingKey {
            case jitter
            case framesSent = "frames_sent"
            case framesHeld = "frames_held"
            case framesLate = "frames_late"
            case deadlineMisses = "deadline_misses"
            case framesSkipped = "frames_skipped"
            case hopWidenings = "hop_widenings"
        }
    }
    var counters: Counters

    /// The deadline misses and loss counters in the reply.
    public var deadlineMisses: DeadlineMisses {
        var m = DeadlineMisses()
        m.framesSent = counters.framesSent
        m.framesHeld = counters.framesHeld
        m.framesLate = counters.framesLate
        m.deadlineMisses = counters.deadlineMisses ?? 0
        m.framesSkipped = counters.framesSkipped
        m.hopWidenings = counters.hopWidenings
        m.jitterLost = counters.jitter.lost
        m.recoveredFEC = counters.jitter.recoveredFEC
        return m
    }

    /// Decodes the reply body.
    public static func decode(_ body: [UInt8]) throws(LoadError) -> StreamCountersReply {
        do { return try JSONDecoder().decode(StreamCountersReply.self, from: Data(body)) } catch {
            throw .server("unexpected reply to GET /v1/streams/{id}: \(String(decoding: body.prefix(200), as: UTF8.self))")
        }
    }
}

extension LoadReport {
    /// The report as pretty-printed JSON with sorted keys.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // A report of plain numbers and strings always encodes.
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
