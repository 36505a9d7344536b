import Testing

@testable import VoxTwins

/// A calendar's events as memories (``Distiller/calendar(_:from:to:ingestion:)``): one per event,
/// saying when it starts, how often it repeats in the window and until when.
struct CalendarMemoryTests {
    func texts(_ ics: String, from: String = "2026-01-01T00:00:00Z", to: String = "2026-12-31T00:00:00Z") throws -> [String] {
        let entries = try ICalendar.parse(ics)
        return Distiller(userNames: ["Maya Chen"]).calendar(entries, from: utc(from), to: utc(to), ingestion: "i1").memories.map(\.text)
    }

    @Test func aWeeklyEventWithACountSaysItsLastDay() throws {
        let ics = calendar(["UID:a", "DTSTART:20260105T073000Z", "DTEND:20260105T083000Z", "RRULE:FREQ=WEEKLY;COUNT=4", "SUMMARY:Yoga"])
        #expect(try texts(ics) == ["Yoga on Monday 5 January 2026 at 07:30 UTC, 4 times until Monday 26 January 2026 (repeats weekly)"])
    }

    @Test func anEndlessEventSaysTheWindowCutIt() throws {
        let ics = calendar(["UID:b", "DTSTART:20260110T103000Z", "RRULE:FREQ=MONTHLY", "SUMMARY:Assembly"])
        #expect(
            try texts(ics, to: "2026-04-01T00:00:00Z") == [
                "Assembly on Saturday 10 January 2026 at 10:30 UTC, 3 times until Tuesday 10 March 2026 (repeats monthly, open-ended)"
            ])
    }

    @Test func aSingleEventHasNoRepeats() throws {
        let ics = calendar(["UID:c", "DTSTART;VALUE=DATE:20260417", "SUMMARY:Priya in Lisbon", "LOCATION:Lisbon"])
        #expect(try texts(ics) == ["Priya in Lisbon on Friday 17 April 2026, at Lisbon"])
    }
}
