extension ChatLogReader.Builder {
    /// Message types of DiscordChatExporter that a person typed; the rest (joins, pins, boosts,
    /// calls, ...) are system messages and are skipped.
    static let discordTypedMessages: Set<String> = ["Default", "Reply"]

    /// DiscordChatExporter's JSON: `{"guild", "channel", "messages": [...]}`.
    mutating func readDiscord(_ root: JSONValue) throws(TwinInputError) {
        if let channel = root["channel"], channel.isObject {
            title = try optionalString(channel["name"], "name", at: "channel")
        }
        // Safe: read(_:) only calls this for an object with "messages".
        let list = root["messages"]!
        guard case .array(let entries) = list else { throw malformed("messages", "is \(list.kind), expected an array") }
        let first = try admit(entries.count)
        for (offset, entry) in entries.enumerated() {
            let index = first + offset
            let location = "message \(index)"
            guard entry.isObject else { throw malformed(location, "is \(entry.kind), expected an object") }
            if let type = try optionalString(entry["type"], "type", at: location), !Self.discordTypedMessages.contains(type) {
                continue
            }
            let text = try optionalString(entry["content"], "content", at: location) ?? ""
            guard let author = entry["author"] else { throw malformed(location, "missing \"author\"") }
            guard author.isObject else { throw malformed(location, "\"author\" is \(author.kind), expected an object") }
            let name = try string(author["name"], "author.name", at: location)
            let nickname = try optionalString(author["nickname"], "author.nickname", at: location)
            let time = try time(entry["timestamp"], "timestamp", at: location)
            try add(index: index, sender: nickname.flatMap { $0.isEmpty ? nil : $0 } ?? name, time: time, text: text)
        }
    }
}
