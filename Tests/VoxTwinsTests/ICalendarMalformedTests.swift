import Testing
import VoxTwins

@Suite struct ICalendarMalformedTests {
    @Test func plainTextIsNotACalendar() {
        #expect(throws: TwinInputError.malformed(format: "ics", reason: "not a VCALENDAR")) {
            try ICalendar.parse("hello world\nthis is a note")
        }
        #expect(throws: TwinInputError.malformed(format: "ics", reason: "not a VCALENDAR")) { try ICalendar.parse("") }
        #expect(throws: TwinInputError.malformed(format: "ics", reason: "not a VCALENDAR")) {
            try ICalendar.parse("BEGIN:VCARD\r\nFN:Jane\r\nEND:VCARD\r\n")
        }
    }

    @Test func byteOrderMarkIsAccepted() throws {
        #expect(try ICalendar.parse("\u{FEFF}" + calendar(["DTSTART:20240101T100000Z"])).count == 1)
    }

    @Test func mismatchedEnd() {
        let text = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20240101T100000Z\r\nEND:VCALENDAR\r\n"
        #expect(throws: TwinInputError.malformed(format: "ics", reason: "line 4: END:VCALENDAR does not match BEGIN:VEVENT")) {
            try ICalendar.parse(text)
        }
    }

    @Test func missingEnd() {
        let text = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20240101T100000Z\r\nEND:VEVENT\r\n"
        #expect(throws: TwinInputError.malformed(format: "ics", reason: "missing END:VCALENDAR")) { try ICalendar.parse(text) }
    }

    @Test func contentAfterCalendarEnds() {
        let text = calendar(["DTSTART:20240101T100000Z"]) + "SUMMARY:stray\r\n"
        let reason = malformedReason { () throws(TwinInputError) in _ = try ICalendar.parse(text) }
        #expect(reason == "line 8: content after END:VCALENDAR")
    }

    @Test func eventWithoutStart() {
        let reason = malformedReason { () throws(TwinInputError) in _ = try ICalendar.parse(calendar(["SUMMARY:No start"])) }
        #expect(reason == "VEVENT at line 4 has no DTSTART")
    }

    @Test(arguments: ["2024-01-01", "20240230T100000Z", "20241301", "20240101T250000", "20240101T1000", "tomorrow", "20240101X100000"])
    func garbageDate(_ value: String) {
        let reason = malformedReason { () throws(TwinInputError) in _ = try ICalendar.parse(calendar(["DTSTART:\(value)"])) }
        #expect(reason == "unparseable date '\(value)'")
    }

    @Test func garbageDurationAndEnd() {
        #expect(
            malformedReason { () throws(TwinInputError) in
                _ = try ICalendar.parse(calendar(["DTSTART:20240101T100000Z", "DURATION:1H"]))
            } == "unparseable duration '1H'")
        #expect(
            malformedReason { () throws(TwinInputError) in
                _ = try ICalendar.parse(calendar(["DTSTART:20240101T100000Z", "DURATION:PT1D"]))
            } == "unparseable duration 'PT1D'")
        #expect(
            malformedReason { () throws(TwinInputError) in
                _ = try ICalendar.parse(calendar(["DTSTART:20240101T100000Z", "DTEND:soon"]))
            } == "unparseable date 'soon'")
    }

    @Test func brokenRules() {
        for (rule, reason) in [
            ("COUNT=3", "RRULE: RRULE has no FREQ"),
            ("FREQ=FORTNIGHTLY", "RRULE: unknown FREQ 'FORTNIGHTLY'"),
            ("FREQ=DAILY;INTERVAL=0", "RRULE: INTERVAL value '0' is not in 1...10000"),
            ("FREQ=MONTHLY;BYMONTHDAY=32", "RRULE: BYMONTHDAY value '32' is not in -31...31"),
            ("FREQ=MONTHLY;BYDAY=XX", "RRULE: BYDAY item 'XX' has no weekday"),
            ("FREQ=MONTHLY;BYDAY=0MO", "RRULE: BYDAY ordinal '0' is not in ±1...53"),
            ("FREQ", "RRULE: rule part 'FREQ' has no '='"),
        ] {
            let got = malformedReason { () throws(TwinInputError) in
                _ = try ICalendar.parse(calendar(["DTSTART:20240101T100000Z", "RRULE:\(rule)"]))
            }
            #expect(got == reason, "\(rule)")
        }
    }

    @Test func brokenContentLines() {
        #expect(
            malformedReason { () throws(TwinInputError) in
                _ = try ICalendar.parse(calendar(["DTSTART:20240101T100000Z", "SUMMARY without colon"]))
            } == "line 6: SUMMARY has no ':'")
        #expect(
            malformedReason { () throws(TwinInputError) in
                _ = try ICalendar.parse(calendar(["DTSTART;TZID=\"Europe/Berlin:20240101T100000"]))
            } == "line 5: unterminated quoted parameter value")
    }

    @Test func tooManyEvents() {
        var lines = ["BEGIN:VCALENDAR"]
        for _ in 0...ICalendar.maxEntries { lines += ["BEGIN:VEVENT", "DTSTART:20240101T100000Z", "END:VEVENT"] }
        lines.append("END:VCALENDAR")
        #expect(throws: TwinInputError.tooLarge(what: "events", limit: ICalendar.maxEntries)) {
            try ICalendar.parse(lines.joined(separator: "\n"))
        }
    }

    @Test func overlongLine() {
        let long = "DESCRIPTION:" + String(repeating: "x", count: ICalendar.maxLineBytes)
        #expect(throws: TwinInputError.tooLarge(what: "line", limit: ICalendar.maxLineBytes)) {
            try ICalendar.parse(calendar(["DTSTART:20240101T100000Z", long]))
        }
        // The same length reached by folding is caught too.
        let folded = ["DESCRIPTION:start"] + Array(repeating: " " + String(repeating: "y", count: 70), count: 1_100)
        #expect(throws: TwinInputError.tooLarge(what: "line", limit: ICalendar.maxLineBytes)) {
            try ICalendar.parse(calendar(["DTSTART:20240101T100000Z"] + folded))
        }
    }

    @Test func tooManyExceptions() {
        let exdates = (0...ICalendar.maxValuesPerEntry).map { _ in "EXDATE:20240102T100000Z" }
        #expect(throws: TwinInputError.tooLarge(what: "values in one event", limit: ICalendar.maxValuesPerEntry)) {
            try ICalendar.parse(calendar(["DTSTART:20240101T100000Z"] + exdates))
        }
    }
}
