import Foundation
import Testing
import VoxTwins

@Suite struct ICalendarParseTests {
    @Test func unfoldsContinuationLinesAndUnescapesText() throws {
        let text =
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:fold-1\r\nDTSTART:20240101T100000Z\r\n"
            + "SUMMARY:Quarterly pl\r\n anning\r\n\tsession\r\n"
            + "DESCRIPTION:Line one\\nline two\\Nthree\\, with comma\\; semi\\\\ back\r\n"
            + "LOCATION:Room 4\\, https://example.com/a:b\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        let entries = try ICalendar.parse(text)
        #expect(entries.count == 1)
        #expect(entries[0].summary == "Quarterly planningsession")
        #expect(entries[0].description == "Line one\nline two\nthree, with comma; semi\\ back")
        #expect(entries[0].location == "Room 4, https://example.com/a:b")
        #expect(entries[0].uid == "fold-1")
    }

    @Test func acceptsBareLineFeedsAndBlankLines() throws {
        let text = "BEGIN:VCALENDAR\n\nBEGIN:VEVENT\nDTSTART:20240101T100000Z\nSUMMARY:a\n  b\nEND:VEVENT\nEND:VCALENDAR"
        let entries = try ICalendar.parse(text)
        #expect(entries.map(\.summary) == ["a b"])
    }

    @Test func keepsMultibyteTextAcrossFolds() throws {
        let entries = try ICalendar.parse(calendar(["DTSTART:20240101T100000Z", "SUMMARY:Caf", " é – Zürich 会议"]))
        #expect(entries[0].summary == "Café – Zürich 会议")
    }

    @Test func readsQuotedParametersWithSeparatorsInside() throws {
        let entries = try ICalendar.parse(
            calendar([
                "DTSTART;TZID=\"Europe/Berlin\":20240115T090000",
                "ORGANIZER;CN=\"Doe, Jane; PhD: Ops\";SENT-BY=\"mailto:x@y.z\":mailto:jane@example.com",
                "ATTENDEE;ROLE=REQ-PARTICIPANT;CN=Bob:mailto:bob@example.com",
                "ATTENDEE;RSVP=TRUE:MAILTO:carol@example.com",
                "ATTENDEE;CN=\"\":mailto:dan@example.com",
            ]))
        #expect(entries[0].organizer == "Doe, Jane; PhD: Ops")
        #expect(entries[0].attendees == ["Bob", "carol@example.com", "dan@example.com"])
        #expect(entries[0].start == utc("2024-01-15T08:00:00Z"))
        #expect(entries[0].timeZone == "Europe/Berlin")
    }

    @Test func defaultsForMissingProperties() throws {
        let entry = try #require(try ICalendar.parse(calendar(["DTSTART:20240101T100000Z"])).first)
        #expect(entry.uid == "")
        #expect(entry.summary == "")
        #expect(entry.location == nil)
        #expect(entry.organizer == nil)
        #expect(entry.end == entry.start)
        #expect(entry.allDay == false)
        #expect(entry.rule == nil)
        #expect(entry.cancelled == false)
        #expect(entry.recurrenceID == nil)
    }

    @Test func numbersEventsInFileOrder() throws {
        let entries = try ICalendar.parse(
            calendar(["UID:a", "DTSTART:20240101T100000Z"], ["UID:b", "DTSTART:20240101T090000Z"], ["UID:c", "DTSTART:20240102T100000Z"]))
        #expect(entries.map(\.index) == [0, 1, 2])
        #expect(entries.map(\.uid) == ["a", "b", "c"])
    }

    @Test func allDayEventWithoutEndLastsOneDay() throws {
        let entry = try #require(try ICalendar.parse(calendar(["DTSTART;VALUE=DATE:20240704"])).first)
        #expect(entry.allDay)
        #expect(entry.start == utc("2024-07-04T00:00:00Z"))
        #expect(entry.end == utc("2024-07-05T00:00:00Z"))
    }

    @Test func allDayEventWithDateEndAndZone() throws {
        let entries = try ICalendar.parse(
            calendar(
                ["DTSTART;VALUE=DATE:20240704", "DTEND;VALUE=DATE:20240706"],
                ["DTSTART;TZID=Europe/Berlin;VALUE=DATE:20240704"]))
        #expect(entries[0].end - entries[0].start == 2 * 86_400)
        #expect(entries[1].allDay)
        #expect(entries[1].start == utc("2024-07-03T22:00:00Z"))
        #expect(entries[1].end == utc("2024-07-04T22:00:00Z"))
    }

    @Test func convertsZonedTimesWithKnownOffsets() throws {
        let entries = try ICalendar.parse(
            calendar(
                ["DTSTART;TZID=America/New_York:20240115T090000"],
                ["DTSTART;TZID=America/New_York:20240715T090000"],
                ["DTSTART;TZID=Asia/Kolkata:20240115T090000"],
                ["DTSTART;TZID=Australia/Sydney:20240115T090000"],
                ["DTSTART:20240115T090000"],
                ["DTSTART:20240115T090000Z"]))
        #expect(entries[0].start == utc("2024-01-15T14:00:00Z"))  // EST, -5
        #expect(entries[1].start == utc("2024-07-15T13:00:00Z"))  // EDT, -4
        #expect(entries[2].start == utc("2024-01-15T03:30:00Z"))  // IST, +5:30
        #expect(entries[3].start == utc("2024-01-14T22:00:00Z"))  // AEDT, +11
        #expect(entries[4].start == utc("2024-01-15T09:00:00Z"))  // floating reads as UTC
        #expect(entries[4].timeZone == nil)
        #expect(entries[5].start == utc("2024-01-15T09:00:00Z"))
    }

    @Test func unknownAndVendorZones() throws {
        let entries = try ICalendar.parse(
            calendar(
                ["DTSTART;TZID=Mars/Olympus_Mons:20240115T090000"],
                ["DTSTART;TZID=/mozilla.org/20050126_1/Europe/Berlin:20240115T090000"],
                ["DTSTART;TZID=W. Europe Standard Time:20240115T090000"],
                ["DTSTART;TZID=Europe/Berlin:20240115T090000Z"]))
        #expect(entries[0].start == utc("2024-01-15T09:00:00Z"))
        #expect(entries[0].timeZone == nil)
        #expect(entries[1].start == utc("2024-01-15T08:00:00Z"))
        #expect(entries[2].start == utc("2024-01-15T08:00:00Z"))
        #expect(entries[3].start == utc("2024-01-15T09:00:00Z"))  // a trailing Z wins over TZID
    }

    @Test func endFromDuration() throws {
        let entries = try ICalendar.parse(
            calendar(
                ["DTSTART:20240101T100000Z", "DURATION:PT1H30M"],
                ["DTSTART:20240101T100000Z", "DURATION:P1W"],
                ["DTSTART;TZID=Europe/Berlin:20240330T120000", "DURATION:P1D"],
                ["DTSTART;TZID=Europe/Berlin:20240330T120000", "DURATION:PT24H"],
                ["DTSTART:20240101T100000Z", "DURATION:P1DT2H3M4S"]))
        #expect(entries[0].end - entries[0].start == 5_400)
        #expect(entries[1].end - entries[1].start == 7 * 86_400)
        // P1D is a nominal day: 12:00 CET to 12:00 CEST is 23 hours.
        #expect(entries[2].end == utc("2024-03-31T10:00:00Z"))
        #expect(entries[3].end - entries[3].start == 86_400)
        let mixed: Double = 86_400 + 2 * 3600 + 3 * 60 + 4
        #expect(entries[4].end - entries[4].start == mixed)
    }

    @Test func dtendInAnotherZone() throws {
        let entry = try #require(
            try ICalendar.parse(
                calendar(["DTSTART;TZID=Europe/London:20240601T090000", "DTEND;TZID=America/New_York:20240601T090000"])
            ).first)
        #expect(entry.end - entry.start == 5 * 3600)
    }

    @Test func skipsAlarmsTimezonesTodosAndJournals() throws {
        let text = [
            "BEGIN:VCALENDAR",
            "BEGIN:VTIMEZONE", "TZID:Europe/Berlin",
            "BEGIN:DAYLIGHT", "DTSTART:19700329T020000", "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "END:DAYLIGHT",
            "END:VTIMEZONE",
            "BEGIN:VTODO", "SUMMARY:todo without start", "END:VTODO",
            "BEGIN:VJOURNAL", "DTSTART:garbage?", "END:VJOURNAL",
            "BEGIN:VEVENT", "UID:e1", "DTSTART:20240101T100000Z",
            "BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:-PT15M", "DESCRIPTION:Reminder", "SUMMARY:Alarm", "END:VALARM",
            "SUMMARY:Real", "END:VEVENT",
            "END:VCALENDAR",
        ].joined(separator: "\r\n")
        let entries = try ICalendar.parse(text)
        #expect(entries.count == 1)
        #expect(entries[0].summary == "Real")
        #expect(entries[0].description == "")
        #expect(entries[0].rule == nil)
    }

    @Test func readsRuleExceptionsAndStatus() throws {
        let entry = try #require(
            try ICalendar.parse(
                calendar([
                    "DTSTART;TZID=Europe/Berlin:20240101T100000",
                    "RRULE:FREQ=MONTHLY;INTERVAL=2;BYDAY=2TU,-1FR;BYMONTHDAY=-3,31;BYMONTH=1,12;UNTIL=20241231;WKST=SU;COUNT=9",
                    "EXDATE;TZID=Europe/Berlin:20240102T100000,20240103T100000",
                    "EXDATE:20240104T090000Z",
                    "RDATE;VALUE=PERIOD:20240201T090000Z/PT1H",
                    "RECURRENCE-ID;TZID=Europe/Berlin:20240105T100000",
                    "STATUS:CANCELLED",
                ])
            ).first)
        let rule = try #require(entry.rule)
        #expect(rule.frequency == .monthly)
        #expect(rule.interval == 2)
        #expect(rule.count == 9)
        #expect(rule.byDay == [.init(.tuesday, ordinal: 2), .init(.friday, ordinal: -1)])
        #expect(rule.byMonthDay == [-3, 31])
        #expect(rule.byMonth == [1, 12])
        #expect(rule.weekStart == .sunday)
        #expect(rule.until == utc("2024-12-30T23:00:00Z"))  // a DATE UNTIL is midnight in the event's zone
        #expect(entry.exceptions == [utc("2024-01-02T09:00:00Z"), utc("2024-01-03T09:00:00Z"), utc("2024-01-04T09:00:00Z")])
        #expect(entry.recurrenceDates == [utc("2024-02-01T09:00:00Z")])
        #expect(entry.recurrenceID == utc("2024-01-05T09:00:00Z"))
        #expect(entry.cancelled)
    }

    @Test func subDailyRuleKeepsFirstInstance() throws {
        let entry = try #require(try ICalendar.parse(calendar(["DTSTART:20240101T100000Z", "RRULE:FREQ=HOURLY;COUNT=5"])).first)
        #expect(entry.rule == nil)
        #expect(throws: TwinInputError.unsupported("RRULE FREQ=MINUTELY")) { try RecurrenceRule(parsing: "FREQ=MINUTELY") }
    }
}
