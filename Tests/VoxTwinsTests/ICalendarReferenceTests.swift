import Foundation
import Testing
import VoxTwins

/// One case of Fixtures/rrule_dateutil.json, written by Tools/ics_fixtures.py from python-dateutil.
struct ReferenceCase: Decodable, Sendable, CustomTestStringConvertible {
    var name: String
    var dtstart: String
    var rrule: String
    var from: Int
    var to: Int
    var expected: [Int]

    var testDescription: String { name }

    static func load() throws -> [ReferenceCase] {
        struct File: Decodable { var cases: [ReferenceCase] }
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/rrule_dateutil.json")
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases
    }
}

/// Reference check: our expansion must equal python-dateutil's rrule exactly (tolerance 0 s).
@Suite struct ICalendarReferenceTests {
    @Test func fixtureIsPresent() throws {
        #expect(try ReferenceCase.load().count >= 15)
    }

    @Test(arguments: (try? ReferenceCase.load()) ?? [])
    func matchesDateutil(_ reference: ReferenceCase) throws {
        let entries = try ICalendar.parse(calendar(["UID:\(reference.name)", reference.dtstart, reference.rrule]))
        let got = ICalendar.occurrences(entries, from: Double(reference.from), to: Double(reference.to)).map { Int($0.start) }
        #expect(got == reference.expected)
    }
}
