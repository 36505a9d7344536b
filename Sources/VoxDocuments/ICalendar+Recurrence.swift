/// Generates the instances of one RRULE on its event's wall clock (RFC 5545 §3.3.10), period by
/// period: each period's days are filtered by the BY parts, crossed with the times of day, cut by
/// BYSETPOS, then converted to UTC one by one. Working on wall time keeps a 09:00 meeting at
/// 09:00 local across DST changes. A plain value; one per expansion.
struct RecurrenceExpander {
    /// Why generation stopped.
    enum Stop: Equatable {
        /// COUNT, UNTIL, the year 9999, or the caller's `emit` ended the set.
        case finished
        /// The step budget ran out first.
        case budgetExhausted
    }

    let rule: RecurrenceRule
    let clock: ZoneClock
    let startWall: Int
    private let startDay: Int
    private let start: (year: Int, month: Int, day: Int)
    private let startWeekday: Int
    private let timesOfDay: [Int]
    private let months: [Int]
    private let monthDays: [Int]
    private let weekdays: [RecurrenceRule.WeekdayRule]
    /// Last day we represent: 9999-12-31.
    private static let lastDay = CivilTime.days(year: 9999, month: 12, day: 31)

    init(rule: RecurrenceRule, clock: ZoneClock, startWall: Int) {
        self.rule = rule
        self.clock = clock
        self.startWall = startWall
        startDay = CivilTime.floorDiv(startWall, CivilTime.secondsPerDay)
        start = CivilTime.date(days: startDay)
        startWeekday = CivilTime.weekdayIndex(days: startDay)
        let seconds = startWall - startDay * CivilTime.secondsPerDay
        let hours = rule.byHour.isEmpty ? [seconds / 3600] : rule.byHour
        let minutes = rule.byMinute.isEmpty ? [seconds / 60 % 60] : rule.byMinute
        let secs = rule.bySecond.isEmpty ? [seconds % 60] : rule.bySecond
        timesOfDay = Set(hours.flatMap { h in minutes.flatMap { m in secs.map { s in h * 3600 + m * 60 + s } } }).sorted()
        // Without a day-level BY part a rule repeats on DTSTART's day of the week/month/year.
        let noDayParts = rule.byDay.isEmpty && rule.byMonthDay.isEmpty && rule.byYearDay.isEmpty
        var months = rule.byMonth
        var monthDays = rule.byMonthDay
        var weekdays = rule.byDay
        if noDayParts {
            switch rule.frequency {
            case .yearly:
                if months.isEmpty { months = [start.month] }
                monthDays = [start.day]
            case .monthly:
                monthDays = [start.day]
            case .weekly:
                weekdays = [RecurrenceRule.WeekdayRule(RecurrenceRule.Weekday.allCases[startWeekday])]
            case .daily:
                break
            }
        }
        self.months = Set(months).sorted()
        self.monthDays = monthDays
        self.weekdays = weekdays
    }

    /// The first period index worth visiting for instances starting at or after wall day `day`
    /// (used to skip ahead when there is no COUNT to keep; one period of slack either side).
    func firstPeriod(onOrAfterDay day: Int) -> Int {
        let target = CivilTime.date(days: day)
        let steps: Int
        switch rule.frequency {
        case .daily: steps = CivilTime.floorDiv(day - startDay, rule.interval)
        case .weekly: steps = CivilTime.floorDiv(day - weekStart(of: startDay), 7 * rule.interval)
        case .monthly:
            steps = CivilTime.floorDiv((target.year * 12 + target.month) - (start.year * 12 + start.month), rule.interval)
        case .yearly: steps = CivilTime.floorDiv(target.year - start.year, rule.interval)
        }
        return max(0, steps - 1)
    }

    private func weekStart(of day: Int) -> Int {
        day - CivilTime.floorMod(CivilTime.weekdayIndex(days: day) - rule.weekStart.rawValue, 7)
    }

    /// Fills `ranges` with the day ranges (inclusive day numbers) of period `k`, in order;
    /// returns false past the year 9999. Reuses the buffer: no allocation per period.
    private func periodDays(_ k: Int, into ranges: inout [ClosedRange<Int>]) -> Bool {
        ranges.removeAll(keepingCapacity: true)
        let (step, overflow) = k.multipliedReportingOverflow(by: rule.interval)
        guard !overflow, step <= 10_000 * 366 else { return false }
        switch rule.frequency {
        case .daily:
            let day = startDay + step
            guard day <= Self.lastDay else { return false }
            ranges.append(day...day)
        case .weekly:
            let first = weekStart(of: startDay) + 7 * step
            guard first <= Self.lastDay else { return false }
            ranges.append(first...(first + 6))
        case .monthly:
            let index = start.year * 12 + (start.month - 1) + step
            let year = CivilTime.floorDiv(index, 12)
            let month = index - year * 12 + 1
            guard year <= 9999 else { return false }
            let first = CivilTime.days(year: year, month: month, day: 1)
            ranges.append(first...(first + CivilTime.daysInMonth(year, month) - 1))
        case .yearly:
            let year = start.year + step
            guard year <= 9999 else { return false }
            for month in months {
                let first = CivilTime.days(year: year, month: month, day: 1)
                ranges.append(first...(first + CivilTime.daysInMonth(year, month) - 1))
            }
            if months.isEmpty {
                let first = CivilTime.days(year: year, month: 1, day: 1)
                ranges.append(first...(first + CivilTime.daysInYear(year) - 1))
            }
        }
        return true
    }

    private func matches(day: Int) -> Bool {
        let date = CivilTime.date(days: day)
        if !months.isEmpty, !months.contains(date.month) { return false }
        let monthLength = CivilTime.daysInMonth(date.year, date.month)
        if !monthDays.isEmpty, !monthDays.contains(date.day), !monthDays.contains(date.day - monthLength - 1) {
            return false
        }
        let yearDay = day - CivilTime.days(year: date.year, month: 1, day: 1) + 1
        let yearLength = CivilTime.daysInYear(date.year)
        if !rule.byYearDay.isEmpty, !rule.byYearDay.contains(yearDay), !rule.byYearDay.contains(yearDay - yearLength - 1) {
            return false
        }
        guard !weekdays.isEmpty else { return true }
        let weekday = CivilTime.weekdayIndex(days: day)
        // Ordinals count within the month for MONTHLY (and YEARLY with BYMONTH), within the year
        // for a plain YEARLY rule, and mean nothing for WEEKLY/DAILY.
        let inMonth = rule.frequency == .monthly || (rule.frequency == .yearly && !rule.byMonth.isEmpty)
        let inYear = rule.frequency == .yearly && rule.byMonth.isEmpty
        for item in weekdays where item.weekday.rawValue == weekday {
            guard let ordinal = item.ordinal, inMonth || inYear else { return true }
            let (position, length) = inMonth ? (date.day, monthLength) : (yearDay, yearLength)
            if ordinal == (position - 1) / 7 + 1 || ordinal == -((length - position) / 7 + 1) { return true }
        }
        return false
    }

    /// Calls `emit(wall, unix)` for each instance in order, DTSTART first, until COUNT or UNTIL
    /// ends the set, `emit` returns false, a period starts after `stopUnix`, or `budget` (days
    /// examined, shared with the caller) runs out. `fromPeriod` > 0 skips ahead; only valid
    /// without COUNT (the skipped instances would have counted).
    func generate(
        fromPeriod: Int = 0, stopUnix: Int, budget: inout Int, _ emit: (_ wall: Int, _ unix: Int) -> Bool
    ) -> Stop {
        precondition(fromPeriod == 0 || rule.count == nil, "cannot skip periods of a COUNT rule")
        var emitted = 0
        let until = rule.until.map { Int($0.rounded(.down)) }
        // DTSTART is always the first instance (RFC 5545 §3.8.5.3) and counts toward COUNT.
        emitted += 1
        guard emit(startWall, clock.unix(fromWall: startWall)) else { return .finished }
        if let count = rule.count, emitted >= count { return .finished }
        var k = fromPeriod
        var candidates: [Int] = []
        var selected: [Int] = []
        var ranges: [ClosedRange<Int>] = []
        while periodDays(k, into: &ranges) {
            // Offsets stay within ±26 h, so a period starting two days past the stop is past it.
            if ranges[0].lowerBound * CivilTime.secondsPerDay - 2 * CivilTime.secondsPerDay > stopUnix { return .finished }
            candidates.removeAll(keepingCapacity: true)
            for range in ranges {
                budget -= range.count
                for day in range where matches(day: day) {
                    for time in timesOfDay { candidates.append(day * CivilTime.secondsPerDay + time) }
                }
            }
            if !rule.bySetPos.isEmpty, !candidates.isEmpty {
                // The set positions picked, in order, each once (buffers reused, no allocation).
                selected.removeAll(keepingCapacity: true)
                for pos in rule.bySetPos {
                    let i = pos > 0 ? pos - 1 : candidates.count + pos
                    if candidates.indices.contains(i) { selected.append(candidates[i]) }
                }
                selected.sort()
                candidates.removeAll(keepingCapacity: true)
                for wall in selected where wall != candidates.last { candidates.append(wall) }
            }
            for wall in candidates where wall > startWall {
                let unix = clock.unix(fromWall: wall)
                if let until, unix > until { return .finished }
                emitted += 1
                guard emit(wall, unix) else { return .finished }
                if let count = rule.count, emitted >= count { return .finished }
            }
            if budget <= 0 { return .budgetExhausted }
            k += 1
        }
        return .finished
    }
}
