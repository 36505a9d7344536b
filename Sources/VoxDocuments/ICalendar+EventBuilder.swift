import Foundation

/// Collects one VEVENT's properties, then turns them into a `CalendarEntry`.
struct EventBuilder {
    let index: Int
    let lineNumber: Int
    private var single: [String: ContentLine] = [:]
    private var attendees: [String] = []
    private var exceptionLines: [ContentLine] = []
    private var additionLines: [ContentLine] = []
    private var multiCount = 0

    /// Properties whose first occurrence we keep; repeats are ignored.
    private static let singleNames: Set<String> = [
        "UID", "SUMMARY", "DESCRIPTION", "LOCATION", "ORGANIZER", "DTSTART", "DTEND", "DURATION", "RRULE",
        "RECURRENCE-ID", "STATUS",
    ]

    init(index: Int, lineNumber: Int) {
        self.index = index
        self.lineNumber = lineNumber
    }

    mutating func add(_ line: ContentLine) throws(TwinInputError) {
        switch line.name {
        case "ATTENDEE", "EXDATE", "RDATE":
            multiCount += 1
            guard multiCount <= ICalendar.maxValuesPerEntry else {
                throw .tooLarge(what: "values in one event", limit: ICalendar.maxValuesPerEntry)
            }
            if line.name == "ATTENDEE" {
                attendees.append(Self.person(line))
            } else if line.name == "EXDATE" {
                exceptionLines.append(line)
            } else {
                additionLines.append(line)
            }
        case let name where Self.singleNames.contains(name):
            if single[name] == nil { single[name] = line }
        default:
            break
        }
    }

    /// The CN parameter if present, else the address without its `mailto:` scheme.
    static func person(_ line: ContentLine) -> String {
        if let name = line.parameter("CN")?.trimmingSpaces(), !name.isEmpty {
            return ICalendar.unescapeText(name)
        }
        let value = line.value.trimmingSpaces()
        if value.lowercased().hasPrefix("mailto:") { return String(value.dropFirst("mailto:".count)) }
        return value
    }

    func build() throws(TwinInputError) -> CalendarEntry {
        guard let startLine = single["DTSTART"] else {
            throw .malformed(format: "ics", reason: "VEVENT at line \(lineNumber) has no DTSTART")
        }
        let start = try ICalendar.dateValue(
            startLine.value.trimmingSpaces(), tzid: startLine.parameter("TZID"),
            clock: ZoneClock(zone: nil))
        let clock = start.clock
        var end = start.unix
        if let endLine = single["DTEND"] {
            end = try ICalendar.dateValue(
                endLine.value.trimmingSpaces(), tzid: endLine.parameter("TZID"), clock: clock
            ).unix
        } else if let durationLine = single["DURATION"] {
            let duration = try ICalendar.duration(durationLine.value.trimmingSpaces())
            end = clock.unix(fromWall: start.wall + duration.days * CivilTime.secondsPerDay) + duration.seconds
        } else if start.isDate {
            end = clock.unix(fromWall: start.wall + CivilTime.secondsPerDay)
        }
        let zoneName = clock.zone?.identifier
        var rule: RecurrenceRule?
        if let ruleLine = single["RRULE"] {
            do {
                rule = try RecurrenceRule(parsing: ruleLine.value, timeZone: zoneName)
            } catch {
                // A sub-daily rule is beyond what we expand: keep the event's first instance.
                guard case .unsupported = error else { throw error }
            }
        }
        var recurrenceID: Double?
        if let idLine = single["RECURRENCE-ID"] {
            recurrenceID = Double(
                try ICalendar.dateValue(
                    idLine.value.trimmingSpaces(), tzid: idLine.parameter("TZID"), clock: clock
                ).unix)
        }
        func text(_ name: String) -> String? { single[name].map { ICalendar.unescapeText($0.value) } }
        return CalendarEntry(
            index: index, uid: text("UID")?.trimmingSpaces() ?? "", summary: text("SUMMARY") ?? "",
            description: text("DESCRIPTION") ?? "", location: text("LOCATION"), organizer: single["ORGANIZER"].map(Self.person),
            attendees: attendees, start: Double(start.unix), end: Double(max(end, start.unix)), allDay: start.isDate,
            timeZone: zoneName, rule: rule, recurrenceDates: try Self.instants(additionLines, clock: clock),
            exceptions: try Self.instants(exceptionLines, clock: clock), recurrenceID: recurrenceID,
            cancelled: single["STATUS"]?.value.trimmingSpaces().uppercased() == "CANCELLED")
    }

    /// The instants of comma-separated EXDATE/RDATE values (a PERIOD contributes its start).
    private static func instants(_ lines: [ContentLine], clock: ZoneClock) throws(TwinInputError) -> [Double] {
        var out: [Double] = []
        for line in lines {
            for item in line.value.split(separator: ",") {
                let text = item.split(separator: "/", maxSplits: 1).first.map { $0.trimmingSpaces() } ?? ""
                guard !text.isEmpty else { continue }
                out.append(Double(try ICalendar.dateValue(text, tzid: line.parameter("TZID"), clock: clock).unix))
                guard out.count <= ICalendar.maxValuesPerEntry else {
                    throw .tooLarge(what: "values in one event", limit: ICalendar.maxValuesPerEntry)
                }
            }
        }
        return out
    }
}
