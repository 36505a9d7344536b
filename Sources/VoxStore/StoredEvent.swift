/// One event of the event API: `{"topic", "seq", "time", "data"}`.
public struct StoredEvent: Sendable, Equatable {
    /// Server-wide sequence number; increases with every event the server publishes.
    public var seq: Int64
    /// Slash-separated topic name (`avatars/{id}/state`, `world`, ...).
    public var topic: String
    /// Unix time of the event, seconds.
    public var time: Double
    /// The payload, a JSON text.
    public var data: String
    /// Kept in the event log (a client can resume past it); false for live-only topics.
    public var durable: Bool

    /// An event from its parts.
    public init(seq: Int64, topic: String, time: Double, data: String, durable: Bool) {
        self.seq = seq
        self.topic = topic
        self.time = time
        self.data = data
        self.durable = durable
    }

    /// The event as the JSON text sent to subscribers (keys in a fixed order).
    public var json: String {
        "{\"topic\":\(JSONString.quote(topic)),\"seq\":\(seq),\"time\":\(time),\"data\":\(data)}"
    }
}

/// JSON string quoting for hand-built JSON text.
public enum JSONString {
    /// `text` as a JSON string literal.
    public static func quote(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
