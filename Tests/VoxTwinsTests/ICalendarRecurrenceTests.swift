import Foundation
import Testing
import VoxTwins

@Suite struct ICalendarRecurrenceTests {
    @Test func dailyWithCount() throws {
        let got = try starts(
            calendar(["DTSTART:20240101T100000Z", "DTEND:20240101T110000Z", "RRULE:FREQ=DAILY;COUNT=5"]),
            from: "2023-01-01T00:00:00Z", to: "2025-01-01T00:00:00Z")
        #expect(got == (1...5).map { utc("2024-01-0\($0)T10:00:00Z") })
    }

    @Test func occurrenceCarriesEntryFields() throws {
        let entries = try ICalendar.parse(
            calendar([
                "UID:u1", "SUMMARY:Standup", "DESCRIPTION:Daily", "LOCATION:Room 1", "ORGANIZER;CN=Ann:mailto:a@x",
                "ATTENDEE:mailto:b@x", "DTSTART:20240101T100000Z", "DTEND:20240101T101500Z", "RRULE:FREQ=DAILY;COUNT=2",
            ]))
        let got = ICalendar.occurrences(entries, from: utc("2024-01-02T00:00:00Z"), to: utc("2024-01-03T00:00:00Z"))
        #expect(
            got == [
                CalendarOccurrence(entry: entries[0], start: utc("2024-01-02T10:00:00Z"), end: utc("2024-01-02T10:15:00Z"))
            ])
        #expect(got.first?.summary == "Standup")
        #expect(got.first?.organizer == "Ann")
        #expect(got.first?.attendees == ["b@x"])
        #expect(got.first?.location == "Room 1")
    }

    @Test func weeklyByDayWithUntil() throws {
        let got = try starts(
            calendar(["DTSTART:20240101T090000Z", "RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR;UNTIL=20240112T235959Z"]),
            from: "2023-01-01T00:00:00Z", to: "2025-01-01T00:00:00Z")
        #expect(got == ["01", "03", "05", "08", "10", "12"].map { utc("2024-01-\($0)T09:00:00Z") })
    }

    @Test func untilIsInclusive() throws {
        let got = try starts(
            calendar(["DTSTART:20240101T090000Z", "RRULE:FREQ=DAILY;UNTIL=20240103T090000Z"]),
            from: "2023-01-01T00:00:00Z", to: "2025-01-01T00:00:00Z")
        #expect(got.count == 3)
    }

    @Test func monthlyLastFriday() throws {
        let got = try starts(
            calendar(["DTSTART:20240126T160000Z", "RRULE:FREQ=MONTHLY;BYDAY=-1FR;COUNT=4"]),
            from: "2024-01-01T00:00:00Z", to: "2025-01-01T00:00:00Z")
        #expect(got == ["2024-01-26", "2024-02-23", "2024-03-29", "2024-04-26"].map { utc("\($0)T16:00:00Z") })
    }

    @Test func monthlySecondTuesday() throws {
        let got = try starts(
            calendar(["DTSTART:20240109T100000Z", "RRULE:FREQ=MONTHLY;BYDAY=2TU;COUNT=4"]),
            from: "2024-01-01T00:00:00Z", to: "2025-01-01T00:00:00Z")
        #expect(got == ["2024-01-09", "2024-02-13", "2024-03-12", "2024-04-09"].map { utc("\($0)T10:00:00Z") })
    }

    @Test func monthlyThirtyFirstSkipsShortMonths() throws {
        let got = try starts(
            calendar(["DTSTART:20240131T120000Z", "RRULE:FREQ=MONTHLY;BYMONTHDAY=31;COUNT=4"]),
            from: "2024-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z")
        #expect(got == ["2024-01-31", "2024-03-31", "2024-05-31", "2024-07-31"].map { utc("\($0)T12:00:00Z") })
        // Without BYMONTHDAY the 31st comes from DTSTART and is skipped the same way.
        let plain = try starts(
            calendar(["DTSTART:20240131T120000Z", "RRULE:FREQ=MONTHLY;COUNT=3"]),
            from: "2024-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z")
        #expect(plain == ["2024-01-31", "2024-03-31", "2024-05-31"].map { utc("\($0)T12:00:00Z") })
    }

    @Test func monthlyNegativeMonthDay() throws {
        let got = try starts(
            calendar(["DTSTART:20240131T120000Z", "RRULE:FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=3"]),
            from: "2024-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z")
        #expect(got == ["2024-01-31", "2024-02-29", "2024-03-31"].map { utc("\($0)T12:00:00Z") })
    }

    @Test func yearly() throws {
        let got = try starts(
            calendar(["DTSTART:20200615T120000Z", "RRULE:FREQ=YEARLY;COUNT=3"]),
            from: "2000-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z")
        #expect(got == ["2020", "2021", "2022"].map { utc("\($0)-06-15T12:00:00Z") })
        let leap = try starts(
            calendar(["DTSTART:20240229T120000Z", "RRULE:FREQ=YEARLY;COUNT=2"]),
            from: "2000-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z")
        #expect(leap == [utc("2024-02-29T12:00:00Z"), utc("2028-02-29T12:00:00Z")])
    }

    @Test func intervalTwo() throws {
        let daily = try starts(
            calendar(["DTSTART:20240101T100000Z", "RRULE:FREQ=DAILY;INTERVAL=2;COUNT=3"]),
            from: "2024-01-01T00:00:00Z", to: "2025-01-01T00:00:00Z")
        #expect(daily == ["01", "03", "05"].map { utc("2024-01-\($0)T10:00:00Z") })
        let weekly = try starts(
            calendar(["DTSTART:20240101T100000Z", "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TU;COUNT=4"]),
            from: "2024-01-01T00:00:00Z", to: "2025-01-01T00:00:00Z")
        #expect(weekly == ["01", "02", "15", "16"].map { utc("2024-01-\($0)T10:00:00Z") })
    }

    @Test func exdatesRemoveInstancesButStillCount() throws {
        let got = try starts(
            calendar([
                "DTSTART;TZID=Europe/Berlin:20240101T110000", "RRULE:FREQ=DAILY;COUNT=5",
                "EXDATE;TZID=Europe/Berlin:20240103T110000", "EXDATE:20240104T100000Z",
            ]),
            from: "2024-01-01T00:00:00Z", to: "2025-01-01T00:00:00Z")
        #expect(got == ["01", "02", "05"].map { utc("2024-01-\($0)T10:00:00Z") })
    }

    @Test func recurrenceIDMovesOneInstance() throws {
        let entries = try ICalendar.parse(
            calendar(
                ["UID:abc", "SUMMARY:Weekly", "DTSTART:20240101T100000Z", "DTEND:20240101T110000Z", "RRULE:FREQ=WEEKLY;COUNT=3"],
                ["UID:abc", "SUMMARY:Moved", "RECURRENCE-ID:20240108T100000Z", "DTSTART:20240109T150000Z", "DTEND:20240109T160000Z"],
                ["UID:other", "SUMMARY:Other", "RECURRENCE-ID:20240115T100000Z", "DTSTART:20240120T150000Z"]))
        let got = ICalendar.occurrences(entries, from: utc("2024-01-01T00:00:00Z"), to: utc("2024-02-01T00:00:00Z"))
        #expect(got.map(\.summary) == ["Weekly", "Moved", "Weekly", "Other"])
        #expect(
            got.map(\.start) == [
                utc("2024-01-01T10:00:00Z"), utc("2024-01-09T15:00:00Z"), utc("2024-01-15T10:00:00Z"), utc("2024-01-20T15:00:00Z"),
            ])
        #expect(got.map(\.index) == [0, 1, 0, 2])
        #expect(got[1].end == utc("2024-01-09T16:00:00Z"))
    }

    @Test func cancelledOverrideAndCancelledSeries() throws {
        let entries = try ICalendar.parse(
            calendar(
                ["UID:abc", "DTSTART:20240101T100000Z", "RRULE:FREQ=WEEKLY;COUNT=3"],
                ["UID:abc", "RECURRENCE-ID:20240108T100000Z", "DTSTART:20240108T100000Z", "STATUS:CANCELLED"],
                ["UID:gone", "DTSTART:20240101T120000Z", "RRULE:FREQ=DAILY", "STATUS:CANCELLED"]))
        let got = ICalendar.occurrences(entries, from: utc("2024-01-01T00:00:00Z"), to: utc("2024-02-01T00:00:00Z"))
        #expect(got.map(\.start) == [utc("2024-01-01T10:00:00Z"), utc("2024-01-15T10:00:00Z")])
    }

    @Test func weeklyBerlinKeepsLocalTimeAcrossDST() throws {
        let spring = try starts(
            calendar(["DTSTART;TZID=Europe/Berlin:20240318T090000", "RRULE:FREQ=WEEKLY;COUNT=4"]),
            from: "2024-01-01T00:00:00Z", to: "2025-01-01T00:00:00Z")
        #expect(
            spring == [
                utc("2024-03-18T08:00:00Z"), utc("2024-03-25T08:00:00Z"), utc("2024-04-01T07:00:00Z"), utc("2024-04-08T07:00:00Z"),
            ])
        let autumn = try starts(
            calendar(["DTSTART;TZID=Europe/Berlin:20241021T090000", "RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20241104T235959Z"]),
            from: "2024-01-01T00:00:00Z", to: "2025-01-01T00:00:00Z")
        #expect(autumn == [utc("2024-10-21T07:00:00Z"), utc("2024-10-28T08:00:00Z"), utc("2024-11-04T08:00:00Z")])
    }

    @Test func allDaySeriesStaysOnLocalMidnight() throws {
        let entries = try ICalendar.parse(calendar(["DTSTART;TZID=Europe/Berlin;VALUE=DATE:20240325", "RRULE:FREQ=WEEKLY;COUNT=2"]))
        let got = ICalendar.occurrences(entries, from: utc("2024-01-01T00:00:00Z"), to: utc("2025-01-01T00:00:00Z"))
        #expect(got.map(\.start) == [utc("2024-03-24T23:00:00Z"), utc("2024-03-31T22:00:00Z")])
        #expect(got.map(\.end) == [utc("2024-03-25T23:00:00Z"), utc("2024-04-01T22:00:00Z")])
        #expect(got.allSatisfy { $0.allDay })
    }

    @Test func windowClipsByOverlap() throws {
        let text = calendar(["DTSTART:20240101T100000Z", "DTEND:20240101T120000Z"])
        #expect(try starts(text, from: "2024-01-01T11:00:00Z", to: "2024-01-02T00:00:00Z").count == 1)  // running at `from`
        #expect(try starts(text, from: "2024-01-01T12:00:00Z", to: "2024-01-02T00:00:00Z").isEmpty)  // ended at `from`
        #expect(try starts(text, from: "2024-01-01T00:00:00Z", to: "2024-01-01T10:00:00Z").isEmpty)  // starts at `to`
        #expect(try starts(text, from: "2024-01-01T00:00:00Z", to: "2024-01-01T10:00:01Z").count == 1)
        let point = calendar(["DTSTART:20240101T100000Z"])
        #expect(try starts(point, from: "2024-01-01T10:00:00Z", to: "2024-01-01T10:00:01Z").count == 1)
        #expect(try starts(point, from: "2024-01-01T10:00:01Z", to: "2024-01-01T11:00:00Z").isEmpty)
    }

    @Test func windowClipsASeries() throws {
        let got = try starts(
            calendar(["DTSTART:20200101T080000Z", "RRULE:FREQ=DAILY"]), from: "2024-02-28T00:00:00Z", to: "2024-03-02T00:00:00Z")
        #expect(got == ["2024-02-28", "2024-02-29", "2024-03-01"].map { utc("\($0)T08:00:00Z") })
    }

    @Test func emptyOrInvertedWindow() throws {
        let entries = try ICalendar.parse(calendar(["DTSTART:20240101T100000Z", "RRULE:FREQ=DAILY"]))
        #expect(ICalendar.occurrences(entries, from: utc("2024-02-01T00:00:00Z"), to: utc("2024-01-01T00:00:00Z")).isEmpty)
        #expect(ICalendar.occurrences(entries, from: .nan, to: .infinity).isEmpty)
        #expect(ICalendar.occurrences(entries, from: 0, to: utc("2030-01-01T00:00:00Z"), limit: 0).isEmpty)
    }

    @Test func limitKeepsTheEarliestAcrossEntries() throws {
        let entries = try ICalendar.parse(
            calendar(
                ["UID:late", "DTSTART:20240101T120000Z", "RRULE:FREQ=DAILY"],
                ["UID:early", "DTSTART:20240101T080000Z", "RRULE:FREQ=DAILY"]))
        let result = ICalendar.expand(entries, from: utc("2024-01-01T00:00:00Z"), to: utc("2025-01-01T00:00:00Z"), limit: 5)
        #expect(result.truncated)
        #expect(result.occurrences.map(\.uid) == ["early", "late", "early", "late", "early"])
        #expect(result.occurrences.map(\.start) == result.occurrences.map(\.start).sorted())
        let all = ICalendar.expand(entries, from: utc("2024-01-01T00:00:00Z"), to: utc("2024-01-03T00:00:00Z"), limit: 5)
        #expect(all.occurrences.count == 4)
        #expect(!all.truncated)
    }

    @Test func hugeCountDoesNotHang() throws {
        let entries = try ICalendar.parse(calendar(["DTSTART:20240101T100000Z", "RRULE:FREQ=DAILY;COUNT=1000000000"]))
        let year = ICalendar.occurrences(entries, from: utc("2024-01-01T00:00:00Z"), to: utc("2025-01-01T00:00:00Z"))
        #expect(year.count == 366)
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            let everything = ICalendar.expand(entries, from: -1e18, to: 1e18)
            #expect(everything.occurrences.count == 10_000)
            #expect(everything.truncated)
        }
        #expect(elapsed < .seconds(20))
    }

    @Test func ruleThatNeverMatchesStopsAtTheCap() throws {
        let entries = try ICalendar.parse(
            calendar(
                ["DTSTART:20240101T100000Z", "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;COUNT=1000000000"],
                ["DTSTART:20240101T100000Z", "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"]))
        let result = ICalendar.expand(entries, from: utc("2025-01-01T00:00:00Z"), to: 1e18)
        #expect(result.occurrences.isEmpty)
        #expect(result.truncated)  // the DAILY rule ran out of steps before the year 9999
        let yearlyOnly = ICalendar.expand([entries[1]], from: utc("2025-01-01T00:00:00Z"), to: 1e18)
        #expect(yearlyOnly.occurrences.isEmpty)
        #expect(!yearlyOnly.truncated)
    }

    @Test func unboundedRuleFarFromStartSkipsAhead() throws {
        let got = try starts(
            calendar(["DTSTART:19000101T000000Z", "RRULE:FREQ=DAILY"]), from: "2999-12-30T00:00:00Z", to: "3000-01-02T00:00:00Z")
        #expect(got == ["2999-12-30", "2999-12-31", "3000-01-01"].map { utc("\($0)T00:00:00Z") })
    }

    @Test func rdatesAddInstances() throws {
        let got = try starts(
            calendar(["DTSTART:20240101T100000Z", "RRULE:FREQ=WEEKLY;COUNT=2", "RDATE:20240103T150000Z,20240108T100000Z"]),
            from: "2024-01-01T00:00:00Z", to: "2025-01-01T00:00:00Z")
        #expect(got == [utc("2024-01-01T10:00:00Z"), utc("2024-01-03T15:00:00Z"), utc("2024-01-08T10:00:00Z")])
    }

    @Test func dtstartOutOfStepIsStillTheFirstInstance() throws {
        // 2024-01-02 is a Tuesday; RFC 5545 counts DTSTART as the first instance anyway.
        let got = try starts(
            calendar(["DTSTART:20240102T100000Z", "RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=3"]),
            from: "2024-01-01T00:00:00Z", to: "2025-01-01T00:00:00Z")
        #expect(got == ["02", "08", "15"].map { utc("2024-01-\($0)T10:00:00Z") })
    }

    @Test func localUntilIsReadInTheEventZone() throws {
        let got = try starts(
            calendar(["DTSTART;TZID=America/New_York:20240101T090000", "RRULE:FREQ=DAILY;UNTIL=20240103T090000"]),
            from: "2024-01-01T00:00:00Z", to: "2025-01-01T00:00:00Z")
        #expect(got == ["01", "02", "03"].map { utc("2024-01-\($0)T14:00:00Z") })
    }

    @Test func bySetPosPicksEachPositionOnceInOrder() throws {
        // First and last weekday of each month; the repeated -1 and the out-of-range 40 add nothing.
        let got = try starts(
            calendar(["DTSTART:20240101T080000Z", "RRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1,1,-1,40;COUNT=5"]),
            from: "2024-01-01T00:00:00Z", to: "2025-01-01T00:00:00Z")
        #expect(got == ["01-01", "01-31", "02-01", "02-29", "03-01"].map { utc("2024-\($0)T08:00:00Z") })
    }

    @Test func yearlyByMonthVisitsTheMonthsInOrder() throws {
        let got = try starts(
            calendar(["DTSTART:20240115T120000Z", "RRULE:FREQ=YEARLY;BYMONTH=3,1;BYMONTHDAY=15;COUNT=4"]),
            from: "2024-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z")
        #expect(got == ["2024-01-15", "2024-03-15", "2025-01-15", "2025-03-15"].map { utc("\($0)T12:00:00Z") })
    }

    @Test func instancesBeforeTheWindowDoNotCrowdOutTheOnesInIt() throws {
        // 2,980 daily instances before the window, then 29 inside it (to 2023-03-29); an RDATE
        // repeating one of those is still one occurrence.
        let got = try starts(
            calendar([
                "DTSTART:20150101T070000Z", "RRULE:FREQ=DAILY;COUNT=3010", "RDATE:20230304T070000Z",
            ]),
            from: "2023-03-01T00:00:00Z", to: "2024-01-01T00:00:00Z")
        #expect(got.count == 29)
        #expect(got.first == utc("2023-03-01T07:00:00Z"))
        #expect(got.last == utc("2023-03-29T07:00:00Z"))
        #expect(Set(got).count == got.count)
    }
}
