/// Parses the ISO-8601 timestamps of chat exports into Unix seconds, without Foundation's
/// locale- and platform-dependent formatters.
///
/// Accepts `YYYY-MM-DD`, optionally followed by `T` or a space, `hh:mm[:ss[.fraction]]` and a zone
/// (`Z`, `±hh:mm`, `±hhmm`, `±hh`). A timestamp without a zone is taken as UTC (Telegram writes
/// local time without a zone; we cannot know the exporter's zone).
enum ISO8601Time {
    /// Unix seconds for `text`, or nil when it is not such a timestamp or the date does not exist.
    static func parse(_ text: String) -> Double? {
        let bytes = Array(text.utf8)
        guard bytes.count <= 40 else { return nil }
        var position = 0

        func number(_ width: Int) -> Int? {
            guard position + width <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[position..<position + width] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            position += width
            return value
        }
        func skip(_ ascii: Unicode.Scalar) -> Bool {
            guard position < bytes.count, bytes[position] == UInt8(ascii: ascii) else { return false }
            position += 1
            return true
        }

        guard let year = number(4), skip("-"), let month = number(2), skip("-"), let day = number(2) else { return nil }
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day) else { return nil }
        var seconds = Double(daysFromCivil(year: year, month: month, day: day)) * 86_400
        guard position < bytes.count else { return seconds }
        guard skip("T") || skip("t") || skip(" ") else { return nil }
        guard let hour = number(2), skip(":"), let minute = number(2), hour < 24, minute < 60 else { return nil }
        seconds += Double(hour * 3600 + minute * 60)
        if skip(":") {
            guard let second = number(2), second <= 60 else { return nil }
            seconds += Double(second)
            if skip(".") || skip(",") {
                var scale = 0.1
                var digits = 0
                while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
                    seconds += Double(bytes[position] - UInt8(ascii: "0")) * scale
                    scale /= 10
                    digits += 1
                    position += 1
                }
                guard digits > 0 else { return nil }
            }
        }
        guard position < bytes.count else { return seconds }
        if skip("Z") || skip("z") { return position == bytes.count ? seconds : nil }
        let sign: Double
        if skip("+") {
            sign = 1
        } else if skip("-") {
            sign = -1
        } else {
            return nil
        }
        guard let zoneHours = number(2), zoneHours <= 14 else { return nil }
        var zoneMinutes = 0
        if position < bytes.count {
            _ = skip(":")
            guard let minutes = number(2), minutes < 60 else { return nil }
            zoneMinutes = minutes
        }
        guard position == bytes.count else { return nil }
        return seconds - sign * Double(zoneHours * 3600 + zoneMinutes * 60)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (the civil-from-days inverse of
    /// Howard Hinnant's "chrono-compatible low-level date algorithms").
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
