extension RecurrenceRule {
    /// The most items one BY list may hold (366 covers every day of a year).
    public static let maxListItems = 366
    /// The largest INTERVAL we accept (a step of 10,000 years is already meaningless).
    public static let maxInterval = 10_000

    /// Parses an RRULE value such as `FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20240301T000000Z`.
    /// `timeZone` is the IANA zone of the event (for an UNTIL without `Z`); `nil` means UTC.
    /// Throws `.malformed` for a broken rule and `.unsupported` for FREQ=HOURLY/MINUTELY/SECONDLY.
    public init(parsing value: String, timeZone: String? = nil) throws(TwinInputError) {
        let clock = ZoneClock(zone: ICalendar.zone(named: timeZone))
        var frequency: Frequency?
        var rule = RecurrenceRule(frequency: .daily)
        for part in value.split(separator: ";", omittingEmptySubsequences: true) {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pieces.count == 2 else { throw Self.bad("rule part '\(part.prefix(40))' has no '='") }
            let key = pieces[0].trimmingSpaces().uppercased()
            let text = pieces[1].trimmingSpaces()
            switch key {
            case "FREQ":
                guard let found = Frequency(rawValue: text.uppercased()) else {
                    if ["SECONDLY", "MINUTELY", "HOURLY"].contains(text.uppercased()) {
                        throw .unsupported("RRULE FREQ=\(text.uppercased())")
                    }
                    throw Self.bad("unknown FREQ '\(text.prefix(20))'")
                }
                frequency = found
            case "INTERVAL":
                rule.interval = try Self.integer(text, in: 1...Self.maxInterval, part: key)
            case "COUNT":
                rule.count = try Self.integer(text, in: 1...Int.max, part: key)
            case "UNTIL":
                let parsed = try ICalendar.dateValue(text, tzid: nil, clock: clock)
                rule.until = Double(parsed.unix)
            case "BYDAY":
                rule.byDay = try Self.list(text, part: key) { (item: String) throws(TwinInputError) in
                    try Self.weekdayRule(item)
                }
            case "BYMONTHDAY":
                rule.byMonthDay = try Self.integers(text, in: -31...31, part: key)
            case "BYMONTH":
                rule.byMonth = try Self.integers(text, in: 1...12, part: key)
            case "BYYEARDAY":
                rule.byYearDay = try Self.integers(text, in: -366...366, part: key)
            case "BYSETPOS":
                rule.bySetPos = try Self.integers(text, in: -366...366, part: key)
            case "BYHOUR":
                rule.byHour = try Self.integers(text, in: 0...23, part: key, allowZero: true)
            case "BYMINUTE":
                rule.byMinute = try Self.integers(text, in: 0...59, part: key, allowZero: true)
            case "BYSECOND":
                rule.bySecond = try Self.integers(text, in: 0...60, part: key, allowZero: true).map { min($0, 59) }
            case "WKST":
                guard let day = Weekday(code: text) else { throw Self.bad("WKST '\(text.prefix(20))' is not a weekday") }
                rule.weekStart = day
            default:
                // BYWEEKNO and X- extensions are ignored: the rule expands as if they were absent.
                continue
            }
        }
        guard let frequency else { throw Self.bad("RRULE has no FREQ") }
        rule.frequency = frequency
        self = rule
    }

    private static func bad(_ reason: String) -> TwinInputError { .malformed(format: "ics", reason: "RRULE: \(reason)") }

    private static func integer(_ text: String, in range: ClosedRange<Int>, part: String) throws(TwinInputError) -> Int {
        guard let value = Int(text), range.contains(value) else {
            throw bad("\(part) value '\(text.prefix(20))' is not in \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    private static func integers(
        _ text: String, in range: ClosedRange<Int>, part: String, allowZero: Bool = false
    ) throws(TwinInputError) -> [Int] {
        try list(text, part: part) { (item: String) throws(TwinInputError) in
            let value = try integer(item, in: range, part: part)
            guard value != 0 || allowZero else { throw bad("\(part) may not be 0") }
            return value
        }
    }

    private static func list<T>(
        _ text: String, part: String, _ item: (String) throws(TwinInputError) -> T
    ) throws(TwinInputError) -> [T] {
        let items = text.split(separator: ",", omittingEmptySubsequences: false)
        guard items.count <= maxListItems else { throw .tooLarge(what: "RRULE \(part) items", limit: maxListItems) }
        var out: [T] = []
        out.reserveCapacity(items.count)
        for raw in items { out.append(try item(raw.trimmingSpaces())) }
        return out
    }

    private static func weekdayRule(_ text: String) throws(TwinInputError) -> WeekdayRule {
        guard text.count >= 2, let day = Weekday(code: String(text.suffix(2))) else {
            throw bad("BYDAY item '\(text.prefix(20))' has no weekday")
        }
        let prefix = String(text.dropLast(2))
        guard !prefix.isEmpty else { return WeekdayRule(day) }
        guard let n = Int(prefix), n != 0, (-53...53).contains(n) else {
            throw bad("BYDAY ordinal '\(prefix.prefix(20))' is not in ±1...53")
        }
        return WeekdayRule(day, ordinal: n)
    }
}

extension String {
    /// The text without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String { self[...].trimmingSpaces() }
}

extension Substring {
    /// The text without leading and trailing spaces and tabs (the only blanks iCalendar
    /// folds and pads with), found on the UTF-8 view without allocating.
    func trimmingSpaces() -> String {
        let bytes = utf8
        var start = bytes.startIndex
        var end = bytes.endIndex
        func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
        while start < end, isBlank(bytes[start]) { start = bytes.index(after: start) }
        while start < end {
            let last = bytes.index(before: end)
            guard isBlank(bytes[last]) else { break }
            end = last
        }
        return String(self[start..<end])
    }
}
