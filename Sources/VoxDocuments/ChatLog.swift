/// One message of a chat log.
public struct ChatLogMessage: Sendable, Equatable, Codable {
    /// The message's position in the submitted messages array, counting skipped entries (the
    /// server cites messages by it as `{"turns": [index, ...]}`).
    public var index: Int
    /// Who wrote it, as the export names them.
    public var sender: String
    /// When, in Unix seconds, if the export says.
    public var time: Double?
    /// The message text (formatting dropped, never empty).
    public var text: String

    /// A message.
    public init(index: Int, sender: String, time: Double?, text: String) {
        self.index = index
        self.sender = sender
        self.time = time
        self.text = text
    }
}

/// A chat log read from an export: its format, an optional title and its text messages.
public struct ChatLog: Sendable, Equatable {
    /// `"generic"`, `"telegram"` or `"discord"`.
    public var format: String
    /// The chat's or channel's name, when the export has one.
    public var title: String?
    /// The text messages in file order; service messages and messages without text are left out.
    public var messages: [ChatLogMessage]

    /// A chat log.
    public init(format: String, title: String?, messages: [ChatLogMessage]) {
        self.format = format
        self.title = title
        self.messages = messages
    }
}

/// Reads chat exports (JSON) into a ``ChatLog``. Pure and thread-safe.
///
/// Formats, recognised by their shape:
/// - generic: an array of `{"sender": String, "time": ISO-8601 string or Unix seconds (optional),
///   "text": String}`; `index` is the position in that array.
/// - Telegram Desktop's `result.json`: one chat `{"name", "type", "id", "messages": [...]}`, where
///   `index` is the position in `messages`; or a full-account export `{"chats": {"list": [chat, ...]}}`,
///   where every chat is read and `index` numbers the messages consecutively across the chats in file
///   order (chat 0's messages first, then chat 1's, ...). Service messages and messages without text
///   (stickers, photos without caption) are skipped but keep their index. The time is `date_unixtime`,
///   else `date` read as UTC.
/// - DiscordChatExporter's JSON: `{"guild", "channel", "messages": [{"timestamp", "content", "author"}]}`;
///   system messages (joins, pins, ...) and messages without content are skipped, keeping indexes.
public enum ChatLogReader {
    /// The most messages (entries of the messages arrays, skipped ones included) we read.
    public static let maxMessages = 200_000
    /// The longest message text in UTF-8 bytes.
    public static let maxMessageBytes = 64 << 10
    /// The largest export in bytes.
    public static let maxBytes = 20 << 20

    /// Reads a JSON chat export, recognising the format by its shape.
    ///
    /// Throws `.malformed(format: "chat", reason:)` for invalid JSON or a field of the wrong type (the
    /// reason names the message index), `.unsupported` for JSON of another shape, and `.tooLarge` past
    /// `maxBytes`, `maxMessages` or ``maxMessageBytes``.
    public static func read(_ json: [UInt8], maxBytes: Int = maxBytes, maxMessages: Int = maxMessages) throws(TwinInputError) -> ChatLog {
        let root = try parse(json, maxBytes: maxBytes)
        var builder = Builder(format: "generic", maxMessages: maxMessages)
        switch root {
        case .array(let entries):
            try builder.readGeneric(entries)
        case .object(let members):
            if members["messages"] != nil, members["channel"] != nil || members["guild"] != nil {
                builder.format = "discord"
                try builder.readDiscord(root)
            } else if let chats = members["chats"] {
                builder.format = "telegram"
                try builder.readTelegramAccount(chats)
            } else if members["messages"] != nil {
                builder.format = "telegram"
                try builder.readTelegramChat(root, chat: nil)
                builder.title = root["name"]?.string
            } else {
                throw .unsupported(
                    "chat export of an unknown shape: expected an array of messages, a Telegram result.json or a DiscordChatExporter JSON"
                )
            }
        default:
            throw .unsupported("chat export of an unknown shape: the JSON is \(root.kind), not an array or an object")
        }
        return ChatLog(format: builder.format, title: builder.title, messages: builder.messages)
    }

    /// The documented generic form: an array of `{"sender": String, "time": ISO-8601 string or Unix
    /// seconds number (optional), "text": String}`. Messages whose text is blank are skipped, keeping
    /// their index.
    public static func generic(_ json: [UInt8], maxBytes: Int = maxBytes, maxMessages: Int = maxMessages) throws(TwinInputError) -> ChatLog
    {
        let root = try parse(json, maxBytes: maxBytes)
        guard case .array(let entries) = root else {
            throw .malformed(format: "chat", reason: "expected an array of messages, found \(root.kind)")
        }
        var builder = Builder(format: "generic", maxMessages: maxMessages)
        try builder.readGeneric(entries)
        return ChatLog(format: "generic", title: nil, messages: builder.messages)
    }

    static func parse(_ json: [UInt8], maxBytes: Int) throws(TwinInputError) -> JSONValue {
        guard json.count <= maxBytes else { throw .tooLarge(what: "bytes", limit: maxBytes) }
        do {
            return try JSONValue.parse(json)
        } catch {
            throw .malformed(format: "chat", reason: "invalid JSON: \(error.description)")
        }
    }
}

extension ChatLogReader {
    /// Collects messages and enforces the bounds; the format readers live in the `+Format` files.
    struct Builder {
        var format: String
        var title: String?
        var messages: [ChatLogMessage] = []
        let maxMessages: Int
        /// Entries seen so far, skipped ones included: the next entry's index.
        var seen = 0

        init(format: String, maxMessages: Int) {
            self.format = format
            self.maxMessages = maxMessages
        }

        /// Reserves the indexes of `count` more entries, failing past the bound.
        mutating func admit(_ count: Int) throws(TwinInputError) -> Int {
            let first = seen
            guard count <= maxMessages - seen else { throw .tooLarge(what: "messages", limit: maxMessages) }
            seen += count
            return first
        }

        /// Adds a message unless its text is blank.
        mutating func add(index: Int, sender: String, time: Double?, text: String) throws(TwinInputError) {
            guard text.utf8.count <= ChatLogReader.maxMessageBytes else {
                throw .tooLarge(what: "message bytes", limit: ChatLogReader.maxMessageBytes)
            }
            guard text.contains(where: { !$0.isWhitespace }) else { return }
            messages.append(ChatLogMessage(index: index, sender: sender, time: time, text: text))
        }

        func malformed(_ location: String, _ reason: String) -> TwinInputError {
            .malformed(format: "chat", reason: "\(location): \(reason)")
        }

        /// A required string field.
        func string(_ value: JSONValue?, _ field: String, at location: String) throws(TwinInputError) -> String {
            guard let value else { throw malformed(location, "missing \"\(field)\"") }
            guard case .string(let text) = value else { throw malformed(location, "\"\(field)\" is \(value.kind), expected a string") }
            return text
        }

        /// An optional string field (absent or null is nil).
        func optionalString(_ value: JSONValue?, _ field: String, at location: String) throws(TwinInputError) -> String? {
            switch value {
            case nil, .null?: return nil
            case .string(let text)?: return text
            case let other?: throw malformed(location, "\"\(field)\" is \(other.kind), expected a string")
            }
        }

        /// A time field: an ISO-8601 string or Unix seconds (a number, or digits in a string when
        /// `digitsAllowed`); absent or null is nil.
        func time(_ value: JSONValue?, _ field: String, at location: String, digitsAllowed: Bool = false) throws(TwinInputError) -> Double?
        {
            switch value {
            case nil, .null?:
                return nil
            case .number(let seconds)?:
                return try checked(seconds, field, at: location)
            case .string(let text)?:
                if digitsAllowed, let seconds = Double(text), text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) {
                    return try checked(seconds, field, at: location)
                }
                guard let seconds = ISO8601Time.parse(text) else { throw malformed(location, "\"\(field)\" is not an ISO-8601 time") }
                return try checked(seconds, field, at: location)
            case let other?:
                throw malformed(location, "\"\(field)\" is \(other.kind), expected a time")
            }
        }

        /// Years 0001 to 9999 are plausible; anything else is an attack or a unit mistake.
        private func checked(_ seconds: Double, _ field: String, at location: String) throws(TwinInputError) -> Double {
            guard seconds.isFinite, abs(seconds) < 253_402_300_800 else { throw malformed(location, "\"\(field)\" is out of range") }
            return seconds
        }

        mutating func readGeneric(_ entries: [JSONValue]) throws(TwinInputError) {
            let first = try admit(entries.count)
            for (offset, entry) in entries.enumerated() {
                let index = first + offset
                let location = "message \(index)"
                guard entry.isObject else { throw malformed(location, "is \(entry.kind), expected an object") }
                let sender = try string(entry["sender"], "sender", at: location)
                let text = try string(entry["text"], "text", at: location)
                let time = try time(entry["time"], "time", at: location)
                try add(index: index, sender: sender, time: time, text: text)
            }
        }
    }
}
