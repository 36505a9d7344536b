import Foundation

/// Proleptic Gregorian date arithmetic on plain integers ("wall seconds" = seconds since
/// 1970-01-01T00:00:00 of a clock that never jumps). Pure and allocation-free.
enum CivilTime {
    static let secondsPerDay = 86_400
    /// 0001-01-01T00:00:00 and 9999-12-31T23:59:59 as Unix seconds: the range iCalendar can write.
    static let minSeconds = -62_135_596_800
    static let maxSeconds = 253_402_300_799

    /// Floor division (Swift's `/` truncates toward zero).
    static func floorDiv(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// Modulo with a result in `0..<b` for positive `b`.
    static func floorMod(_ a: Int, _ b: Int) -> Int { a - floorDiv(a, b) * b }

    static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    static func daysInMonth(_ year: Int, _ month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func daysInYear(_ year: Int) -> Int { isLeap(year) ? 366 : 365 }

    /// Days since 1970-01-01 of a civil date (Howard Hinnant's era decomposition, rewritten).
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = floorDiv(y, 400)
        let yearOfEra = y - era * 400
        let shiftedMonth = month > 2 ? month - 3 : month + 9  // March = 0 so leap day is last
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The civil date of a day count since 1970-01-01.
    static func date(days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = floorDiv(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// 0 = Monday ... 6 = Sunday (1970-01-01 was a Thursday).
    static func weekdayIndex(days: Int) -> Int { floorMod(days + 3, 7) }
}

/// Converts between wall-clock seconds in one zone and Unix seconds. A `nil` zone is UTC
/// (also used for floating times, which we read as UTC).
struct ZoneClock: Sendable, Equatable {
    let zone: TimeZone?

    func offset(atUnix t: Int) -> Int {
        guard let zone else { return 0 }
        return zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(t)))
    }

    /// Unix seconds of the wall time `wall`, following RFC 5545 §3.3.5: an ambiguous time (DST
    /// fall-back) takes its first occurrence; a nonexistent one (spring-forward gap) is read with
    /// the offset in force before the gap (02:30 becomes 03:30). Python's `fold=0` does the same.
    func unix(fromWall wall: Int) -> Int {
        guard zone != nil else { return wall }
        // A zone's offset stays within ±26 h and transitions are months apart, so the offsets a
        // day either side are the only two candidates.
        let before = offset(atUnix: wall - CivilTime.secondsPerDay)
        let after = offset(atUnix: wall + CivilTime.secondsPerDay)
        var best: Int?
        for candidate in [before, after] where offset(atUnix: wall - candidate) == candidate {
            let t = wall - candidate
            best = min(best ?? t, t)
        }
        return best ?? wall - before
    }

    func wall(fromUnix t: Int) -> Int { t + offset(atUnix: t) }

    /// The wall time an instant was written as: like `wall(fromUnix:)`, except that an instant
    /// produced from a nonexistent wall time (a DST gap, see `unix(fromWall:)`) gives back that
    /// wall time, so a rule starting at 01:00 on a spring-forward day keeps repeating at 01:00.
    func writtenWall(fromUnix t: Int) -> Int {
        let before = offset(atUnix: t - CivilTime.secondsPerDay)
        let plain = wall(fromUnix: t)
        let gapWall = t + before
        if before != offset(atUnix: t), gapWall != plain, unix(fromWall: gapWall) == t { return gapWall }
        return plain
    }
}
