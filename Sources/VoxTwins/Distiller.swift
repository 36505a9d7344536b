import Foundation

/// A memory before it is stored.
public struct PendingMemory: Sendable, Equatable {
    /// Fact or episode.
    public var kind: MemoryKind
    /// What it is about.
    public var domain: String
    /// The text.
    public var text: String
    /// 0...1.
    public var importance: Double
    /// Session (the ingestion or chat).
    public var session: String?
    /// First item of the session it covers.
    public var turn: Int?
    /// When it happened or was said.
    public var validAt: Double?
    /// When it stops mattering.
    public var expiresAt: Double?
    /// Contradiction slot (`user|LIVES_IN`): a newer memory of the same slot supersedes it.
    public var slot: String?
    /// Where it came from.
    public var sources: [MemorySource]
    /// Words that place it (the section heading above a sentence), searched and embedded with
    /// the text but not part of it.
    public var context: String? = nil

    /// Pieces embedded on their own besides the whole (a passage's sentences, a chat window's
    /// messages): a question that matches one sentence finds the passage.
    public var parts: [String] = []

    /// The text searched and embedded: the context, then the text.
    public var searchText: String { context.map { $0 + ": " + text } ?? text }
    /// Every text embedded for it: the whole first, then its parts.
    public var embedded: [String] { [searchText] + parts }

    /// A memory from its parts.
    public init(
        kind: MemoryKind, domain: String, text: String, importance: Double, session: String? = nil, turn: Int? = nil,
        validAt: Double? = nil, expiresAt: Double? = nil, slot: String? = nil, sources: [MemorySource], context: String? = nil
    ) {
        self.kind = kind
        self.domain = domain
        self.text = text
        self.importance = importance
        self.session = session
        self.turn = turn
        self.validAt = validAt
        self.expiresAt = expiresAt
        self.slot = slot
        self.sources = sources
        self.context = context
    }
}

/// A graph relation before it is stored.
public struct PendingRelation: Sendable, Equatable {
    /// The relation as extracted.
    public var relation: ExtractedRelation
    /// When it started holding (or ended, for an `ended` relation), when known.
    public var validAt: Double?
    /// The sentence it came from.
    public var fact: String
    /// Index of the memory it came from among the pending memories.
    public var memory: Int?
    /// Where it came from.
    public var sources: [MemorySource]

    /// A relation from its parts.
    public init(relation: ExtractedRelation, validAt: Double?, fact: String, memory: Int?, sources: [MemorySource]) {
        self.relation = relation
        self.validAt = validAt
        self.fact = fact
        self.memory = memory
        self.sources = sources
    }
}

/// What one ingestion distils to: memories, graph relations and the user's style.
public struct Distilled: Sendable {
    /// Items read (messages, chunks or events).
    public var items = 0
    /// Memories.
    public var memories: [PendingMemory] = []
    /// Relations.
    public var relations: [PendingRelation] = []
    /// The user's style from their own messages.
    public var style = StyleAccumulator()

    /// Nothing yet.
    public init() {}
}

/// Turns parsed inputs into memories and graph facts, offline (rules over sentences and the
/// inputs' own structure: chat senders, calendar attendees and places). Plain logic over values.
public struct Distiller: Sendable {
    /// The twin's user name and display name, and other names the user writes under; a chat
    /// message from one of them is the user's own.
    public var userNames: [String]
    /// The extractor.
    public var extractor = OfflineExtractor()
    /// Target tokens of a document passage (episode); chunks never exceed 2,000 tokens.
    public var passageTokens = 120
    /// Messages per chat episode (consecutive windows overlapping by one message).
    public var chatWindow = 3

    /// A distiller for the user known by `userNames` (the first is the canonical name).
    public init(userNames: [String]) {
        precondition(!userNames.isEmpty)
        self.userNames = userNames
    }

    private var userName: String { userNames[0] }

    private func isUser(_ sender: String) -> Bool {
        let s = sender.trimmingCharacters(in: .whitespaces).lowercased()
        return userNames.contains { $0.lowercased() == s } || s == "me"
    }

    // MARK: - Documents

    /// A document's text (TXT, Markdown, or the text poppler or the HTML reader extracted).
    /// Passages become episodes; the user's first-person sentences become facts, dated by the
    /// latest date heading above them.
    public func document(_ text: String, ingestion: String, time: Double?) -> Distilled {
        var out = Distilled()
        let chunks = Chunker.chunks(text, target: passageTokens, limit: 2000)
        let dates = Self.dateMarks(text)
        out.items = chunks.count
        let headings = Self.headings(text)
        for (i, chunk) in chunks.enumerated() {
            let at = Self.date(before: chunk.bytes.lowerBound, in: dates) ?? time
            let heading = Self.heading(before: chunk.bytes.lowerBound, in: headings)
            var memory = PendingMemory(
                kind: .episode, domain: Self.domain(chunk.text), text: chunk.text, importance: 0.3, session: ingestion, turn: i,
                validAt: at, sources: [MemorySource(ingestion: ingestion, bytes: [chunk.bytes.lowerBound, chunk.bytes.upperBound])],
                context: heading)
            let sentences = Self.sentences(chunk.text).map(\.text).filter { $0.split(separator: " ").count >= 3 }
            if sentences.count > 1 { memory.parts = sentences.prefix(64).map { s in heading.map { $0 + ": " + s } ?? s } }
            out.memories.append(memory)
        }
        for sentence in Self.sentences(text) {
            let at = Self.date(before: sentence.bytes.lowerBound, in: dates) ?? time
            let source = MemorySource(ingestion: ingestion, bytes: [sentence.bytes.lowerBound, sentence.bytes.upperBound])
            let heading = Self.heading(before: sentence.bytes.lowerBound, in: headings)
            addFact(sentence.text, at: at, session: ingestion, turn: nil, source: source, context: heading, into: &out)
        }
        return out
    }

    /// The sentences of each line (a line break ends a sentence in notes and lists), with byte
    /// ranges in the whole text. A line that wraps a sentence (hard-wrapped text, PDF text, an
    /// indented list item's second line) continues it: the line before is long (`wrapWidth`
    /// characters or more) and ends without `.`, `!`, `?`, `:` or `;`, and the next line starts
    /// with a lower-case letter.
    static func sentences(_ text: String) -> [TextChunk] {
        var out: [TextChunk] = []
        let bytes = Array(text.utf8)
        var lines: [Range<Int>] = []
        var start = 0
        for (i, b) in bytes.enumerated() where b == 10 {
            lines.append(start..<i)
            start = i + 1
        }
        lines.append(start..<bytes.count)
        var i = 0
        while i < lines.count {
            var group = lines[i]
            while i + 1 < lines.count, Self.wraps(bytes[group], into: bytes[lines[i + 1]]) {
                i += 1
                group = group.lowerBound..<lines[i].upperBound
            }
            i += 1
            let line = String(decoding: bytes[group], as: UTF8.self)
            guard line.contains(where: { $0.isLetter }) else { continue }
            for var s in Chunker.sentences(line) {
                s.bytes = (s.bytes.lowerBound + group.lowerBound)..<(s.bytes.upperBound + group.lowerBound)
                out.append(s)
            }
        }
        return out
    }

    /// Characters from which a line that ends without punctuation may be a wrapped one.
    static let wrapWidth = 40

    /// Whether `next` continues the sentence that `line` (the group so far; its last line counts)
    /// leaves open.
    static func wraps(_ line: ArraySlice<UInt8>, into next: ArraySlice<UInt8>) -> Bool {
        let last = line.lastIndex(of: 10).map { line[($0 + 1)...] } ?? line
        let text = String(decoding: last, as: UTF8.self).trimmingCharacters(in: .whitespaces)
        guard text.count >= wrapWidth, let end = text.last, !".!?:;".contains(end) else { return false }
        // Only the first character matters: decode at most its 4 bytes, not the whole line.
        guard let first = next.firstIndex(where: { $0 != 32 && $0 != 9 }) else { return false }
        return String(decoding: next[first..<min(first + 4, next.endIndex)], as: UTF8.self).first?.isLowercase == true
    }

    // MARK: - Chats

    /// A chat log: windows of messages become episodes ("sender: text" lines, dated by their
    /// first message); the user's own statements become facts and feed the style profile;
    /// senders become people the user knows.
    public func chat(_ log: ChatLog, ingestion: String) -> Distilled {
        var out = Distilled()
        let messages = log.messages.filter { !$0.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        out.items = messages.count
        var start = 0
        while start < messages.count {
            let window = messages[start..<min(messages.count, start + chatWindow)]
            let text = window.map { "\($0.sender): \($0.text)" }.joined(separator: "\n")
            var memory = PendingMemory(
                kind: .episode, domain: "chat", text: text, importance: 0.3, session: ingestion, turn: window.first?.index,
                validAt: window.first?.time, sources: [MemorySource(ingestion: ingestion, turns: window.map(\.index))])
            if window.count > 1 { memory.parts = window.map { "\($0.sender): \($0.text)" } }
            out.memories.append(memory)
            if start + chatWindow >= messages.count { break }
            start += chatWindow - 1
        }
        var people: Set<String> = []
        for m in messages {
            let source = MemorySource(ingestion: ingestion, turns: [m.index])
            if isUser(m.sender) {
                out.style.add(m.text)
                for sentence in Chunker.sentences(m.text) {
                    addFact(
                        sentence.text, at: m.time, session: ingestion, turn: m.index, source: source, into: &out)
                }
            } else if people.insert(m.sender).inserted, !m.sender.isEmpty {
                let relation = ExtractedRelation(
                    subject: userName, subjectType: .user, predicate: "KNOWS", object: m.sender, objectType: .person, ended: false)
                out.relations.append(
                    PendingRelation(
                        relation: relation, validAt: m.time, fact: "\(userName) chats with \(m.sender)", memory: nil, sources: [source]))
            }
        }
        return out
    }

    // MARK: - Calendars

    /// A calendar: each event with occurrences in `[from, to)` becomes one episode listing its
    /// times (a weekly meeting is one memory, not fifty), expiring after its last occurrence;
    /// the user attends it, with its attendees, at its place.
    public func calendar(_ entries: [CalendarEntry], from: Double, to: Double, ingestion: String) -> Distilled {
        var out = Distilled()
        let occurrences = ICalendar.occurrences(entries, from: from, to: to, limit: 50_000)
        var byEntry: [Int: [CalendarOccurrence]] = [:]
        for o in occurrences { byEntry[o.index, default: []].append(o) }
        out.items = occurrences.count
        for index in byEntry.keys.sorted() {
            guard let list = byEntry[index], let first = list.first else { continue }
            let entry = entries.first { $0.index == index }
            let unbounded = entry?.rule.map { $0.count == nil && $0.until == nil } ?? false
            let text = Self.describe(first, last: list.last ?? first, count: list.count, rule: entry?.rule, unbounded: unbounded)
            let source = MemorySource(ingestion: ingestion, events: [index])
            let memoryIndex = out.memories.count
            out.memories.append(
                PendingMemory(
                    kind: .episode, domain: "calendar", text: text, importance: 0.4, session: ingestion, turn: index,
                    validAt: first.start, expiresAt: unbounded ? nil : list.last?.end, sources: [source]))
            func relate(_ s: String, _ st: EntityType, _ p: String, _ o: String, _ ot: EntityType) {
                let r = ExtractedRelation(subject: s, subjectType: st, predicate: p, object: o, objectType: ot, ended: false)
                out.relations.append(PendingRelation(relation: r, validAt: first.start, fact: text, memory: memoryIndex, sources: [source]))
            }
            let title = first.summary.isEmpty ? "event \(index)" : first.summary
            relate(userName, .user, "ATTENDS", title, .event)
            for person in first.attendees + (first.organizer.map { [$0] } ?? []) where !isUser(person) && !person.isEmpty {
                relate(person, .person, "ATTENDS", title, .event)
            }
            if let place = first.location, !place.isEmpty { relate(title, .event, "LOCATED_IN", place, .place) }
        }
        return out
    }

    /// An event's memory text: its first occurrence `o` in the window, and for a repeating one how
    /// many times it occurs there and the day of the `last` ("open-ended" when its rule has
    /// no COUNT or UNTIL, and the window's end cut it).
    static func describe(_ o: CalendarOccurrence, last: CalendarOccurrence, count: Int, rule: RecurrenceRule?, unbounded: Bool)
        -> String
    {
        var s = o.summary.isEmpty ? "Calendar event" : o.summary
        s += o.allDay ? " on \(day(o.start))" : " on \(day(o.start)) at \(clock(o.start)) UTC"
        if count > 1 {
            var every = rule.map { ["repeats \($0.frequency.rawValue.lowercased())"] } ?? []
            if unbounded { every.append("open-ended") }
            s += ", \(count) times until \(day(last.start))" + (every.isEmpty ? "" : " (\(every.joined(separator: ", ")))")
        }
        if let place = o.location, !place.isEmpty { s += ", at \(place)" }
        let people = o.attendees.filter { !$0.isEmpty }
        if !people.isEmpty { s += ", with " + people.prefix(8).joined(separator: ", ") }
        if !o.description.isEmpty { s += ". " + o.description }
        return s
    }

    // MARK: - Facts

    /// Adds `sentence` as a fact when it says something about the user (first person, or naming
    /// them). Relations the extractor finds in it go to the graph.
    func addFact(
        _ sentence: String, at: Double?, session: String, turn: Int?, source: MemorySource, context: String? = nil,
        into out: inout Distilled
    ) {
        let text = sentence.trimmingCharacters(in: .whitespacesAndNewlines)
        let words = text.split { !$0.isLetter && !$0.isNumber && $0 != "'" }
        guard words.count >= 3, words.count <= 120 else { return }
        let lower = words.map { $0.lowercased() }
        let firstPerson = lower.contains { Self.firstPerson.contains($0) }
        let namesUser = userNames.contains { text.localizedCaseInsensitiveContains($0) }
        guard firstPerson || namesUser else { return }
        let extraction = ExtractionContext(userName: userName, knownPeople: [])
        let relations = extractor.relations(in: text, context: extraction)
        let slot = relations.first { $0.subjectType == .user && Self.functional.contains($0.predicate) && !$0.ended }
            .map { "\($0.subject.lowercased())|\($0.predicate)" }
        var importance = firstPerson || namesUser ? 0.5 : 0.3
        if lower.contains(where: { Self.preferenceCues.contains($0) }) { importance += 0.2 }
        if lower.contains(where: { Self.strongCues.contains($0) }) { importance += 0.2 }
        if firstPerson { importance += 0.1 }
        let index = out.memories.count
        out.memories.append(
            PendingMemory(
                kind: .fact, domain: Self.domain(text), text: text, importance: min(1, importance), session: session, turn: turn,
                validAt: at, slot: slot, sources: [source], context: context))
        for r in relations {
            out.relations.append(PendingRelation(relation: r, validAt: at, fact: text, memory: index, sources: [source]))
        }
    }

    /// Relations a subject holds one of at a time: a new object invalidates the old edge.
    public static let functional: Set<String> = ["LIVES_IN", "WORKS_AT", "MARRIED_TO"]

    static let firstPerson: Set<String> = ["i", "i'm", "i've", "i'd", "i'll", "me", "my", "mine", "myself", "im", "ive"]
    static let preferenceCues: Set<String> = [
        "prefer", "prefers", "preferred", "love", "loves", "like", "likes", "favourite", "favorite", "hate", "hates", "enjoy",
        "enjoys", "rather", "dislike", "support", "oppose", "against", "want", "wish",
    ]
    static let strongCues: Set<String> = [
        "always", "never", "allergic", "important", "must", "can't", "cannot", "won't", "vegetarian", "vegan",
    ]

    /// A coarse domain from keywords (first match in a fixed order).
    static func domain(_ text: String) -> String {
        let words = Set(text.lowercased().split { !$0.isLetter }.map(String.init))
        for (domain, cues) in domains where !words.isDisjoint(with: cues) { return domain }
        return "general"
    }

    private static let domains: [(String, Set<String>)] = [
        ("preferences", ["prefer", "prefers", "love", "like", "favourite", "favorite", "hate", "enjoy", "rather", "dislike", "allergic"]),
        ("opinions", ["support", "oppose", "against", "vote", "voted", "policy", "believe", "proposal", "should"]),
        ("work", ["work", "job", "company", "office", "manager", "career", "hired", "joined", "team", "client", "role"]),
        ("skills", ["skill", "skills", "fluent", "speak", "certified", "experienced", "expert", "proficient", "python", "sql"]),
        ("people", ["friend", "sister", "brother", "mother", "father", "partner", "wife", "husband", "colleague", "daughter", "son"]),
        ("places", ["live", "lived", "moved", "city", "apartment", "flat", "neighbourhood", "neighborhood", "travel", "trip"]),
    ]

    // MARK: - Dates in documents

    /// Positions of dates written at the start of a line (`2025-03-14`, `14 March 2025`,
    /// `March 14, 2025`), for dating the sentences under them.
    static func dateMarks(_ text: String) -> [(offset: Int, time: Double)] {
        var marks: [(Int, Double)] = []
        var offset = 0
        for bytes in text.utf8.split(separator: 10, omittingEmptySubsequences: false) {
            let line = String(decoding: bytes.prefix(64), as: UTF8.self)
            let head = line.drop { $0 == "#" || $0 == " " || $0 == "*" || $0 == "-" || $0 == "[" }
            if let t = parseDate(String(head.prefix(24))) { marks.append((offset, t)) }
            offset += bytes.count + 1
        }
        return marks
    }

    /// The section headings of a document, with the byte offset of their line: Markdown's `#`
    /// lines, and in plain and PDF text a short line that is numbered (`3. How it works`,
    /// `2.1 Costs`) or in capitals (`EXPERIENCE`), ending without a full stop.
    static func headings(_ text: String) -> [(offset: Int, text: String)] {
        var marks: [(Int, String)] = []
        var offset = 0
        for bytes in text.utf8.split(separator: 10, omittingEmptySubsequences: false) {
            if bytes.first == UInt8(ascii: "#") {
                let line = String(decoding: bytes.prefix(200), as: UTF8.self).drop { $0 == "#" || $0 == " " }
                let heading = line.trimmingCharacters(in: .whitespacesAndNewlines)
                if !heading.isEmpty { marks.append((offset, heading)) }
            } else if bytes.count <= maxHeadingBytes, let heading = plainHeading(String(decoding: bytes, as: UTF8.self)) {
                marks.append((offset, heading))
            }
            offset += bytes.count + 1
        }
        return marks
    }

    /// Longest line (UTF-8 bytes) read as a plain-text heading.
    static let maxHeadingBytes = 60

    /// `line` as a numbered or capitalised heading, or nil.
    static func plainHeading(_ line: String) -> String? {
        let t = line.trimmingCharacters(in: .whitespaces)
        guard let last = t.last, !".,;:!?".contains(last) else { return nil }
        let letters = t.filter(\.isLetter)
        guard letters.count >= 3 else { return nil }
        // Numbered: digits and dots, a space, then a capital ("3. How it works").
        let number = t.prefix { $0.isNumber || $0 == "." }
        if !number.isEmpty, number.first!.isNumber, number.count <= 6 {
            let rest = t.dropFirst(number.count)
            guard rest.first == " ", let first = rest.dropFirst().first, first.isUppercase else { return nil }
            return t
        }
        // Capitals: every letter upper-case ("WORK EXPERIENCE").
        return letters.allSatisfy(\.isUppercase) ? t : nil
    }

    static func heading(before offset: Int, in marks: [(offset: Int, text: String)]) -> String? {
        var found: String?
        for m in marks {
            if m.offset > offset { break }
            found = m.text
        }
        return found
    }

    static func date(before offset: Int, in marks: [(offset: Int, time: Double)]) -> Double? {
        var found: Double?
        for m in marks {
            if m.offset > offset { break }
            found = m.time
        }
        return found
    }

    private static let months = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
    ]

    /// A date at the start of `s` (UTC midnight), or nil.
    static func parseDate(_ s: String) -> Double? {
        let chars = Array(s.utf8)
        func number(_ r: Range<Int>) -> Int? {
            guard r.upperBound <= chars.count else { return nil }
            var n = 0
            for c in chars[r] {
                guard c >= 48 && c <= 57 else { return nil }
                n = n * 10 + Int(c - 48)
            }
            return n
        }
        if let y = number(0..<4), chars.count >= 10, chars[4] == 45, let m = number(5..<7), chars[7] == 45, let d = number(8..<10) {
            return utc(y, m, d)
        }
        let words = s.lowercased().split { $0 == " " || $0 == "," }.map(String.init)
        guard words.count >= 3 else { return nil }
        if let d = Int(words[0]), let m = months.firstIndex(of: words[1]), let y = Int(words[2].prefix(4)) { return utc(y, m + 1, d) }
        if let m = months.firstIndex(of: words[0]), let d = Int(words[1]), let y = Int(words[2].prefix(4)) { return utc(y, m + 1, d) }
        return nil
    }

    /// Unix seconds of midnight UTC on a civil date (nil for an impossible one).
    public static func utc(_ y: Int, _ m: Int, _ d: Int) -> Double? {
        guard (1900...2200).contains(y), (1...12).contains(m), (1...31).contains(d) else { return nil }
        // Days from the civil date (proleptic Gregorian), after Howard Hinnant's algorithm.
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let mp = (m + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return Double(era * 146_097 + doe - 719_468) * 86_400
    }

    static func day(_ t: Double) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "EEEE d MMMM yyyy"
        return f.string(from: Date(timeIntervalSince1970: t))
    }

    static func clock(_ t: Double) -> String {
        let s = Int(t.rounded()) % 86_400
        let h = (s < 0 ? s + 86_400 : s) / 3600
        let m = ((s < 0 ? s + 86_400 : s) % 3600) / 60
        return (h < 10 ? "0" : "") + "\(h):" + (m < 10 ? "0" : "") + "\(m)"
    }
}
