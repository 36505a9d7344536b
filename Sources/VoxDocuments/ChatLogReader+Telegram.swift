extension ChatLogReader.Builder {
    /// A full-account export: `{"chats": {"list": [chat, ...]}}`; messages are numbered across chats.
    mutating func readTelegramAccount(_ chats: JSONValue) throws(TwinInputError) {
        guard let list = chats["list"] else { throw malformed("chats", "missing \"list\"") }
        guard case .array(let entries) = list else { throw malformed("chats", "\"list\" is \(list.kind), expected an array") }
        for (number, chat) in entries.enumerated() {
            guard chat.isObject else { throw malformed("chat \(number)", "is \(chat.kind), expected an object") }
            try readTelegramChat(chat, chat: number)
        }
    }

    /// One chat: `{"name", "type", "id", "messages": [...]}`.
    mutating func readTelegramChat(_ chat: JSONValue, chat number: Int?) throws(TwinInputError) {
        let prefix = number.map { "chat \($0) " } ?? ""
        guard let list = chat["messages"] else { throw malformed("\(prefix)", "missing \"messages\"") }
        guard case .array(let entries) = list else { throw malformed("\(prefix)messages", "is \(list.kind), expected an array") }
        let first = try admit(entries.count)
        for (offset, entry) in entries.enumerated() {
            let index = first + offset
            let location = "\(prefix)message \(index)"
            guard entry.isObject else { throw malformed(location, "is \(entry.kind), expected an object") }
            // Service messages (joins, pins, calls) carry an action, not text of the person.
            let type = try optionalString(entry["type"], "type", at: location) ?? "message"
            guard type == "message" else { continue }
            let text = try telegramText(entry["text"], at: location)
            // Deleted accounts have a null "from"; the id still tells senders apart.
            // `??` takes an autoclosure that would erase the typed throw, hence the separate lines.
            var sender = try optionalString(entry["from"], "from", at: location)
            if sender == nil { sender = try optionalString(entry["from_id"], "from_id", at: location) }
            var time = try self.time(entry["date_unixtime"], "date_unixtime", at: location, digitsAllowed: true)
            if time == nil { time = try self.time(entry["date"], "date", at: location) }
            try add(index: index, sender: sender ?? "unknown", time: time, text: text)
        }
    }

    /// `text` is a string, or an array of strings and `{"type", "text"}` entities (bold, links, ...).
    func telegramText(_ value: JSONValue?, at location: String) throws(TwinInputError) -> String {
        switch value {
        case nil, .null?:
            return ""
        case .string(let text)?:
            return text
        case .array(let parts)?:
            var text = ""
            for (number, part) in parts.enumerated() {
                switch part {
                case .string(let piece):
                    text += piece
                case .object:
                    text += try string(part["text"], "text", at: "\(location) text part \(number)")
                default:
                    throw malformed(location, "text part \(number) is \(part.kind), expected a string or an object")
                }
                guard text.utf8.count <= ChatLogReader.maxMessageBytes else {
                    throw .tooLarge(what: "message bytes", limit: ChatLogReader.maxMessageBytes)
                }
            }
            return text
        case let other?:
            throw malformed(location, "\"text\" is \(other.kind), expected a string or an array")
        }
    }
}
