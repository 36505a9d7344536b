import Foundation

/// A DATE or DATE-TIME value: its wall-clock reading and the instant it names.
struct DateValue: Sendable, Equatable {
    /// Seconds since 1970-01-01T00:00 on the value's own wall clock.
    var wall: Int
    /// Unix seconds (UTC).
    var unix: Int
    /// True for a DATE (no time of day).
    var isDate: Bool
    /// The clock the wall time is read on (UTC for `Z`, floating, and unknown zones).
    var clock: ZoneClock
}

/// A DURATION (RFC 5545 §3.3.6): days are nominal (wall-clock), seconds exact.
struct NominalDuration: Sendable, Equatable {
    var days: Int
    var seconds: Int
}

extension ICalendar {
    /// Common Windows zone names Outlook writes in TZID, mapped to IANA names.
    private static let windowsZones: [String: String] = [
        "W. Europe Standard Time": "Europe/Berlin", "Romance Standard Time": "Europe/Paris",
        "Central Europe Standard Time": "Europe/Budapest", "Central European Standard Time": "Europe/Warsaw",
        "GMT Standard Time": "Europe/London", "E. Europe Standard Time": "Europe/Chisinau",
        "FLE Standard Time": "Europe/Kiev", "Russian Standard Time": "Europe/Moscow",
        "Eastern Standard Time": "America/New_York", "Central Standard Time": "America/Chicago",
        "Mountain Standard Time": "America/Denver", "Pacific Standard Time": "America/Los_Angeles",
        "India Standard Time": "Asia/Kolkata", "China Standard Time": "Asia/Shanghai",
        "Tokyo Standard Time": "Asia/Tokyo", "AUS Eastern Standard Time": "Australia/Sydney",
    ]

    /// Resolves a TZID to a zone; `nil` (read as UTC) for UTC names, blanks and unknown zones.
    /// Also accepts vendor-prefixed IDs such as `/mozilla.org/20050126_1/Europe/Berlin`.
    static func zone(named raw: String?) -> TimeZone? {
        guard let raw else { return nil }
        let name = raw.trimmingCharacters(in: CharacterSet(charactersIn: "\" \t"))
        guard !name.isEmpty, name.utf8.count <= 200 else { return nil }
        if ["UTC", "GMT", "Z", "ETC/UTC", "ETC/GMT"].contains(name.uppercased()) { return nil }
        if let mapped = windowsZones[name] { return TimeZone(identifier: mapped) }
        if let zone = TimeZone(identifier: name), name.contains("/") || zone.identifier == name { return zone }
        // Vendor prefixes: try the last three, then two path components.
        let parts = name.split(separator: "/")
        for take in [3, 2] where parts.count > take {
            if let zone = TimeZone(identifier: parts.suffix(take).joined(separator: "/")) { return zone }
        }
        return nil
    }

    /// Parses `YYYYMMDD`, `YYYYMMDDTHHMMSS` or `YYYYMMDDTHHMMSSZ`. A `tzid` (when not `Z`) picks
    /// the zone; otherwise a floating value is read on `clock`.
    static func dateValue(_ text: String, tzid: String?, clock: ZoneClock) throws(TwinInputError) -> DateValue {
        let bytes = Array(text.utf8)
        func digits(_ range: Range<Int>) -> Int? {
            var value = 0
            for i in range {
                let b = bytes[i]
                guard b >= 0x30, b <= 0x39 else { return nil }
                value = value * 10 + Int(b - 0x30)
            }
            return value
        }
        func bad() -> TwinInputError { .malformed(format: "ics", reason: "unparseable date '\(text.prefix(40))'") }
        guard bytes.count == 8 || bytes.count == 15 || bytes.count == 16 else { throw bad() }
        guard let year = digits(0..<4), let month = digits(4..<6), let day = digits(6..<8), year >= 1,
            (1...12).contains(month), day >= 1, day <= CivilTime.daysInMonth(year, month)
        else { throw bad() }
        let midnight = CivilTime.days(year: year, month: month, day: day) * CivilTime.secondsPerDay
        if bytes.count == 8 {
            let zoneClock = tzid.map { ZoneClock(zone: zone(named: $0)) } ?? clock
            return DateValue(wall: midnight, unix: zoneClock.unix(fromWall: midnight), isDate: true, clock: zoneClock)
        }
        guard bytes[8] == UInt8(ascii: "T") || bytes[8] == UInt8(ascii: "t"), let hour = digits(9..<11),
            let minute = digits(11..<13), let second = digits(13..<15), hour <= 23, minute <= 59, second <= 60
        else { throw bad() }
        let wall = midnight + hour * 3600 + minute * 60 + min(second, 59)
        if bytes.count == 16 {
            guard bytes[15] == UInt8(ascii: "Z") || bytes[15] == UInt8(ascii: "z") else { throw bad() }
            return DateValue(wall: wall, unix: wall, isDate: false, clock: ZoneClock(zone: nil))
        }
        let zoneClock = tzid.map { ZoneClock(zone: zone(named: $0)) } ?? clock
        return DateValue(wall: wall, unix: zoneClock.unix(fromWall: wall), isDate: false, clock: zoneClock)
    }

    /// Parses a DURATION such as `P1D`, `PT1H30M`, `-PT15M`, `P2W`, `P1DT12H`.
    static func duration(_ text: String) throws(TwinInputError) -> NominalDuration {
        func bad() -> TwinInputError { .malformed(format: "ics", reason: "unparseable duration '\(text.prefix(40))'") }
        var scalars = Substring(text.uppercased())[...]
        var sign = 1
        if scalars.first == "+" || scalars.first == "-" {
            sign = scalars.first == "-" ? -1 : 1
            scalars = scalars.dropFirst()
        }
        guard scalars.first == "P" else { throw bad() }
        scalars = scalars.dropFirst()
        var result = NominalDuration(days: 0, seconds: 0)
        var inTime = false
        var sawComponent = false
        var number: Int?
        // 10^7 days is beyond the 9999-year range we represent; it also keeps the sums from overflowing.
        let maxComponent = 10_000_000
        for ch in scalars {
            if let digit = ch.wholeNumberValue, ch.isASCII {
                let next = (number ?? 0) * 10 + digit
                guard next <= maxComponent else { throw bad() }
                number = next
                continue
            }
            if ch == "T" {
                guard !inTime, number == nil else { throw bad() }
                inTime = true
                continue
            }
            guard let n = number else { throw bad() }
            switch (ch, inTime) {
            case ("W", false): result.days += 7 * n
            case ("D", false): result.days += n
            case ("H", true): result.seconds += 3600 * n
            case ("M", true): result.seconds += 60 * n
            case ("S", true): result.seconds += n
            default: throw bad()
            }
            number = nil
            sawComponent = true
        }
        guard sawComponent, number == nil else { throw bad() }
        return NominalDuration(days: sign * result.days, seconds: sign * result.seconds)
    }

    /// Undoes TEXT escaping: `\n`/`\N` → newline, `\,` `\;` `\\` → the character. An unknown
    /// escape keeps the escaped character.
    static func unescapeText(_ text: String) -> String {
        guard text.contains("\\") else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var escaping = false
        for ch in text {
            if escaping {
                out.append(ch == "n" || ch == "N" ? "\n" : ch)
                escaping = false
            } else if ch == "\\" {
                escaping = true
            } else {
                out.append(ch)
            }
        }
        if escaping { out.append("\\") }
        return out
    }
}
