import FoundationEssentials

/// The audio a stream's ingest carries.
public enum AudioFormat: Sendable, Equatable {
    /// Opus packets, decoded at 48 kHz mono.
    case opus
    /// Little-endian 16-bit mono PCM at `rate` Hz.
    case pcm16(rate: Int)

    /// The rate the audio reaches the pipeline at.
    public var sampleRate: Int {
        switch self {
        case .opus: 48_000
        case .pcm16(let rate): rate
        }
    }

    /// `opus` or `pcm16`, as the protocol names it.
    public var name: String {
        switch self {
        case .opus: "opus"
        case .pcm16: "pcm16"
        }
    }
}

/// The messages of the audio WebSocket (Protocols/websocket.md), checked one at a time: a text
/// declaration first, then binary audio in the declared format, then an optional text `end`.
/// Plain logic over values: the server's route does the I/O and feeds the stream what this
/// accepts; the fuzz harness feeds it hostile sequences.
public struct WebSocketIngestMessages: Sendable {
    /// Largest Opus message (one packet).
    public static let maxOpusMessage = 4000
    /// Largest PCM16 message.
    public static let maxPCMMessage = 65536
    /// Largest message read at all (the declaration, PCM); bigger closes with 1009.
    public static let maxMessage = 65536
    /// The PCM16 rates accepted.
    public static let pcmRates = 8000...192_000

    /// What a message means for the stream.
    public enum Step: Sendable, Equatable {
        /// The declaration was good: answer `ready` and take audio in `format`.
        case declared(AudioFormat)
        /// One audio message to hand to the stream as it is.
        case audio
        /// The client sent `end`: no more audio.
        case end
        /// Close the socket with `code`; `metric` names the refusal in /metrics.
        case refuse(code: Int, reason: String, metric: String)
    }

    /// The declared format, once declared.
    public private(set) var format: AudioFormat?
    /// True once the client sent `end`: more audio is refused.
    public private(set) var ended = false
    /// True once a refusal was returned: every later message is refused too.
    public private(set) var closed = false

    /// Waiting for the declaration.
    public init() {}

    /// A text message.
    public mutating func text(_ text: String) -> Step {
        guard !closed else { return refuse(1008, "the socket is closing", "after_close") }
        guard format != nil else { return declare(text) }
        // `{"type": "end"}`; any other text is a protocol error.
        guard let message = try? JSONDecoder().decode(Message.self, from: Data(text.utf8)), message.type == "end" else {
            return refuse(1003, "unexpected text message", "bad_format")
        }
        ended = true
        return .end
    }

    /// A binary message of `count` bytes.
    public mutating func binary(count: Int) -> Step {
        guard !closed else { return refuse(1008, "the socket is closing", "after_close") }
        guard let format else { return refuse(1003, "the first message must declare the format", "bad_format") }
        guard !ended else { return refuse(1008, "audio after end", "after_end") }
        let limit = format == .opus ? Self.maxOpusMessage : Self.maxPCMMessage
        guard count <= limit else { return refuse(1009, "audio message over \(limit) bytes", "too_big") }
        guard count > 0, format == .opus || count % 2 == 0 else {
            return refuse(1007, "PCM16 messages need a positive even number of bytes", "bad_payload")
        }
        return .audio
    }

    private struct Declaration: Decodable {
        var format: String
        var sampleRate: Int?
        enum CodingKeys: String, CodingKey {
            case format
            case sampleRate = "sample_rate"
        }
    }

    private struct Message: Decodable {
        var type: String?
    }

    private mutating func declare(_ text: String) -> Step {
        guard let declaration = try? JSONDecoder().decode(Declaration.self, from: Data(text.utf8)) else {
            return refuse(1003, "bad format declaration", "bad_format")
        }
        switch (declaration.format, declaration.sampleRate) {
        case ("opus", _): format = .opus
        case ("pcm16", let rate?) where Self.pcmRates.contains(rate): format = .pcm16(rate: rate)
        default: return refuse(1003, "format must be opus or pcm16 with sample_rate 8000...192000", "bad_format")
        }
        return .declared(format!)
    }

    private mutating func refuse(_ code: Int, _ reason: String, _ metric: String) -> Step {
        closed = true
        return .refuse(code: code, reason: reason, metric: metric)
    }
}

/// Little-endian 16-bit PCM to floats in [-1, 1).
public enum PCM16 {
    /// Converts `count` samples of `bytes` starting at sample `first` into `output[0..<count]`.
    public static func convert(
        _ bytes: UnsafeRawBufferPointer, first: Int, count: Int, into output: UnsafeMutableBufferPointer<Float>
    ) {
        precondition(first >= 0 && count >= 0 && 2 * (first + count) <= bytes.count && count <= output.count)
        for i in 0..<count {
            let lo = UInt16(bytes[2 * (first + i)])
            let hi = UInt16(bytes[2 * (first + i) + 1])
            output[i] = Float(Int16(bitPattern: lo | hi << 8)) / 32768
        }
    }
}
