import Foundation
import VoxTwins

/// Unix seconds of an ISO-8601 UTC time such as `2024-03-01T08:00:00Z` (computed by Foundation,
/// independently of the code under test).
func utc(_ text: String) -> Double {
    guard let date = ISO8601DateFormatter().date(from: text) else { fatalError("bad test time \(text)") }
    return date.timeIntervalSince1970
}

/// Wraps VEVENT bodies (lines joined by CRLF) in a VCALENDAR.
func calendar(_ events: [String]...) -> String {
    var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Voxface//Tests//EN"]
    for event in events { lines += ["BEGIN:VEVENT"] + event + ["END:VEVENT"] }
    lines.append("END:VCALENDAR")
    return lines.joined(separator: "\r\n") + "\r\n"
}

/// Parses and expands, returning the occurrence starts.
func starts(_ text: String, from: String, to: String, limit: Int = 10_000) throws -> [Double] {
    try ICalendar.occurrences(ICalendar.parse(text), from: utc(from), to: utc(to), limit: limit).map(\.start)
}

/// The reason of a `.malformed` error thrown by `body`, or `nil`.
func malformedReason(_ body: () throws(TwinInputError) -> Void) -> String? {
    do {
        try body()
        return nil
    } catch {
        if case .malformed(format: "ics", let reason) = error { return reason }
        return nil
    }
}
