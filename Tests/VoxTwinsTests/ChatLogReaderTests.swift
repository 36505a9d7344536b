import Testing

@testable import VoxDocuments
@testable import VoxTwins

@Suite struct ChatLogReaderTests {
    func json(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func genericKeepsIndexesOfSkippedMessages() throws {
        let log = try ChatLogReader.read(try Fixtures.bytes("generic-chat.json"))
        #expect(log.format == "generic")
        #expect(log.title == nil)
        #expect(log.messages.map(\.index) == [0, 1, 3, 5])
        #expect(log.messages.map(\.sender) == ["Alice", "Bob", "Bob", "Alice"])
        #expect(log.messages[0].time == 1_709_284_500)
        #expect(log.messages[1].time == 1_709_284_560)
        #expect(log.messages[2].time == nil)
        #expect(abs(log.messages[3].time! - 1_709_284_620.25) < 1e-6)
        #expect(log.messages[3].text == "Great, thanks — 🚀")
        #expect(try ChatLogReader.generic(try Fixtures.bytes("generic-chat.json")) == log)
    }

    @Test func genericTimeZones() throws {
        let log = try ChatLogReader.generic(
            json(#"[{"sender":"a","time":"2024-03-01T10:16:30+01:00","text":"x"},{"sender":"a","time":"2024-03-01 09:16:30","text":"y"}]"#)
        )
        #expect(log.messages.map(\.time) == [1_709_284_590, 1_709_284_590])
    }

    @Test func telegramSingleChat() throws {
        let log = try ChatLogReader.read(try Fixtures.bytes("telegram-result.json"))
        #expect(log.format == "telegram")
        #expect(log.title == "Family")
        #expect(log.messages.map(\.index) == [1, 2, 4])
        #expect(log.messages[0] == ChatLogMessage(index: 1, sender: "Alice", time: 1_682_935_323, text: "Hi everyone!"))
        #expect(log.messages[1].text == "Look at https://example.org/trip — it is amazing!")
        #expect(log.messages[1].sender == "Bob")
        // No date_unixtime: "date" is read as UTC; a null "from" falls back to "from_id".
        #expect(log.messages[2] == ChatLogMessage(index: 4, sender: "user789", time: 1_682_935_500, text: "Message from a deleted account"))
    }

    @Test func telegramAccountNumbersAcrossChats() throws {
        let log = try ChatLogReader.read(try Fixtures.bytes("telegram-account.json"))
        #expect(log.format == "telegram")
        #expect(log.title == nil)
        #expect(log.messages.map(\.index) == [0, 1, 3])
        #expect(log.messages.map(\.text) == ["Coffee later?", "Sure, at 3.", "Standup moved to 10."])
        #expect(log.messages.map(\.sender) == ["Alice", "Bob", "Carol"])
    }

    @Test func discord() throws {
        let log = try ChatLogReader.read(try Fixtures.bytes("discord.json"))
        #expect(log.format == "discord")
        #expect(log.title == "general")
        #expect(log.messages.map(\.index) == [0, 3])
        #expect(log.messages.map(\.sender) == ["Alice", "carol"])
        #expect(abs(log.messages[0].time! - 1_682_935_323.123) < 1e-6)
        #expect(log.messages[1].time == 1_682_935_620.5)
        #expect(log.messages[1].text == "Welcome, bob!")
    }

    @Test func notJSON() {
        #expect(throws: TwinInputError.self) { try ChatLogReader.read(json("hello")) }
        #expect(throws: TwinInputError.self) { try ChatLogReader.read(json(#"[{"sender":"a","text":"b"}"#)) }
        #expect(throws: TwinInputError.self) { try ChatLogReader.read(json(#"[] []"#)) }
        #expect(throws: TwinInputError.self) { try ChatLogReader.read([]) }
    }

    @Test func unknownShapes() {
        #expect(throws: TwinInputError.unsupported("chat export of an unknown shape: the JSON is a string, not an array or an object")) {
            try ChatLogReader.read(json(#""text""#))
        }
        #expect {
            try ChatLogReader.read(json(#"{"hello": 1}"#))
        } throws: { error in
            guard case .unsupported = error as? TwinInputError else { return false }
            return true
        }
    }

    @Test func wrongTypesNameTheMessage() {
        #expect(throws: TwinInputError.malformed(format: "chat", reason: #"message 1: "text" is a number, expected a string"#)) {
            try ChatLogReader.read(json(#"[{"sender":"a","text":"ok"},{"sender":"b","text":5}]"#))
        }
        #expect(throws: TwinInputError.malformed(format: "chat", reason: #"message 0: missing "sender""#)) {
            try ChatLogReader.read(json(#"[{"text":"ok"}]"#))
        }
        #expect(throws: TwinInputError.malformed(format: "chat", reason: #"message 0: "time" is a boolean, expected a time"#)) {
            try ChatLogReader.read(json(#"[{"sender":"a","text":"ok","time":true}]"#))
        }
        #expect(throws: TwinInputError.malformed(format: "chat", reason: #"message 0: "time" is not an ISO-8601 time"#)) {
            try ChatLogReader.read(json(#"[{"sender":"a","text":"ok","time":"2023-02-30T00:00:00Z"}]"#))
        }
        #expect(throws: TwinInputError.malformed(format: "chat", reason: #"message 0: "time" is out of range"#)) {
            try ChatLogReader.read(json(#"[{"sender":"a","text":"ok","time":1e300}]"#))
        }
        #expect(throws: TwinInputError.malformed(format: "chat", reason: "message 1: is a string, expected an object")) {
            try ChatLogReader.read(json(#"[{"sender":"a","text":"ok"},"oops"]"#))
        }
        #expect(
            throws: TwinInputError.malformed(format: "chat", reason: "message 0: text part 1 is a number, expected a string or an object")
        ) {
            try ChatLogReader.read(json(#"{"name":"x","messages":[{"type":"message","from":"a","text":["hi", 3]}]}"#))
        }
        #expect(throws: TwinInputError.malformed(format: "chat", reason: #"message 0: "author" is a string, expected an object"#)) {
            try ChatLogReader.read(json(#"{"channel":{"name":"c"},"messages":[{"content":"hi","author":"bob"}]}"#))
        }
    }

    @Test func bounds() {
        let three = json(#"[{"sender":"a","text":"1"},{"sender":"a","text":"2"},{"sender":"a","text":"3"}]"#)
        #expect(throws: TwinInputError.tooLarge(what: "messages", limit: 2)) { try ChatLogReader.read(three, maxMessages: 2) }
        #expect(throws: TwinInputError.tooLarge(what: "bytes", limit: 10)) { try ChatLogReader.read(three, maxBytes: 10) }
        #expect((try? ChatLogReader.read(three, maxMessages: 3))?.messages.count == 3)
        let long = String(repeating: "x", count: ChatLogReader.maxMessageBytes + 1)
        #expect(throws: TwinInputError.tooLarge(what: "message bytes", limit: ChatLogReader.maxMessageBytes)) {
            try ChatLogReader.read(json(#"[{"sender":"a","text":"\#(long)"}]"#))
        }
        // Across the chats of a full export.
        let account =
            #"{"chats":{"list":[{"messages":[{"from":"a","text":"1"}]},{"messages":[{"from":"a","text":"2"},{"from":"a","text":"3"}]}]}}"#
        #expect(throws: TwinInputError.tooLarge(what: "messages", limit: 2)) { try ChatLogReader.read(json(account), maxMessages: 2) }
    }

    @Test func hostileInput() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: TwinInputError.self) { try ChatLogReader.read(json(deep)) }
        let hugeNumber = "[" + String(repeating: "9", count: 10_000) + "]"
        #expect(throws: TwinInputError.self) { try ChatLogReader.read(json(hugeNumber)) }
        var invalid = json(#"[{"sender":"a","text":"ok "#)
        invalid += [0xFF, 0xFE]
        invalid += json(#""}]"#)
        #expect(throws: TwinInputError.malformed(format: "chat", reason: "invalid JSON: invalid UTF-8 in a string at byte 23")) {
            try ChatLogReader.read(invalid)
        }
        #expect(throws: TwinInputError.self) { try ChatLogReader.read(json(#"[{"sender":"a","text":"\ud800"}]"#)) }
        #expect(throws: TwinInputError.self) { try ChatLogReader.read(json("[{\"sender\":\"a\",\"text\":\"tab\there\"}]")) }
        #expect(throws: TwinInputError.self) { try ChatLogReader.read([0x5B, 0x80, 0x5D]) }
    }

    @Test func jsonEscapesAndBOM() throws {
        let log = try ChatLogReader.read([0xEF, 0xBB, 0xBF] + json(#"[{"sender":"\u0041\/b","text":"line\nbreak \"q\" \ud83d\ude00 é"}]"#))
        #expect(log.messages == [ChatLogMessage(index: 0, sender: "A/b", time: nil, text: "line\nbreak \"q\" 😀 é")])
    }

    @Test func isoTimes() throws {
        #expect(ISO8601Time.parse("1970-01-01T00:00:00Z") == 0)
        #expect(ISO8601Time.parse("2000-02-29") == 951_782_400)
        #expect(ISO8601Time.parse("2001-02-29") == nil)
        let zoned = ISO8601Time.parse("2023-05-01T10:02:03+0530")
        #expect(zoned == 1_682_915_523, "\(String(describing: zoned?.bitPattern))")
        #expect(ISO8601Time.parse("2023-05-01T10:02:03+05:30x") == nil)
    }
}
