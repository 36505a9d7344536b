import Foundation

/// Reads iCalendar (RFC 5545) text into `CalendarEntry` values and expands them into
/// `CalendarOccurrence`s. Pure functions on values: no I/O, safe from any thread.
public enum ICalendar {
    /// The most VEVENTs one file may hold.
    public static let maxEntries = 50_000
    /// The most bytes of any single unfolded content line.
    public static let maxLineBytes = 75_000
    /// The most EXDATE, RDATE, or ATTENDEE values one event may hold.
    public static let maxValuesPerEntry = 10_000
    /// The deepest component nesting we follow (VCALENDAR > VEVENT > VALARM is 3).
    public static let maxNesting = 16

    /// Parses the text of a .ics file. Throws `TwinInputError.malformed(format: "ics", reason:)`
    /// for a file that is not a VCALENDAR or has a broken structure (unbalanced BEGIN/END, a
    /// VEVENT without DTSTART, an unparseable date), and `.tooLarge` for bounds. Properties of
    /// VTODO, VJOURNAL, VTIMEZONE and of components nested in a VEVENT (VALARM) are skipped.
    public static func parse(_ text: String) throws(TwinInputError) -> [CalendarEntry] {
        var stack: [String] = []
        var sawCalendar = false
        var event: EventBuilder?
        var entries: [CalendarEntry] = []

        try forEachUnfoldedLine(text) { (bytes, lineNumber) throws(TwinInputError) in
            if stack.isEmpty {
                // Outside any component only BEGIN:VCALENDAR may appear.
                let line = try? contentLine(bytes, lineNumber: lineNumber)
                guard let line, line.name == "BEGIN", line.value.uppercased() == "VCALENDAR" else {
                    throw .malformed(
                        format: "ics",
                        reason: sawCalendar ? "line \(lineNumber): content after END:VCALENDAR" : "not a VCALENDAR")
                }
                sawCalendar = true
                stack.append("VCALENDAR")
                return
            }
            let line = try contentLine(bytes, lineNumber: lineNumber)
            switch line.name {
            case "BEGIN":
                let component = line.value.trimmingSpaces().uppercased()
                guard !component.isEmpty else { throw .malformed(format: "ics", reason: "line \(lineNumber): empty BEGIN") }
                guard stack.count < maxNesting else { throw .tooLarge(what: "component nesting", limit: maxNesting) }
                if component == "VEVENT", stack.count == 1 {
                    guard entries.count < maxEntries else { throw .tooLarge(what: "events", limit: maxEntries) }
                    event = EventBuilder(index: entries.count, lineNumber: lineNumber)
                }
                stack.append(component)
            case "END":
                let component = line.value.trimmingSpaces().uppercased()
                guard let open = stack.last, open == component else {
                    throw .malformed(
                        format: "ics",
                        reason: "line \(lineNumber): END:\(component.prefix(40)) does not match BEGIN:\(stack.last ?? "")")
                }
                stack.removeLast()
                if component == "VEVENT", stack.count == 1, let builder = event {
                    entries.append(try builder.build())
                    event = nil
                }
            default:
                if stack.count == 2, stack[1] == "VEVENT" {
                    try event?.add(line)
                }
            }
        }
        guard sawCalendar else { throw .malformed(format: "ics", reason: "not a VCALENDAR") }
        if let open = stack.last { throw .malformed(format: "ics", reason: "missing END:\(open)") }
        return entries
    }
}
