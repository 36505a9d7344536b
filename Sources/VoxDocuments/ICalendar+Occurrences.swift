import Foundation

extension ICalendar {
    /// The most days one entry's rule may examine in one expansion (about 1,100 years of a DAILY rule).
    public static let maxStepsPerEntry = 400_000
    /// The most days all rules together may examine in one expansion.
    public static let maxStepsPerExpansion = 4_000_000

    /// Occurrences overlapping [from, to), sorted by start, at most `limit` (expansion of
    /// unbounded rules stops at the window end; EXDATEs removed; RECURRENCE-ID overrides replace
    /// their instance; cancelled ones dropped). A zero-length occurrence overlaps when it starts in the window.
    public static func occurrences(
        _ entries: [CalendarEntry], from: Double, to: Double, limit: Int = 10_000
    ) -> [CalendarOccurrence] {
        expand(entries, from: from, to: to, limit: limit).occurrences
    }

    /// Like `occurrences`, and also says whether `limit` or the step caps cut the result short.
    public static func expand(
        _ entries: [CalendarEntry], from: Double, to: Double, limit: Int = 10_000
    ) -> CalendarExpansion {
        let low = max(from, Double(CivilTime.minSeconds))
        let high = min(to, Double(CivilTime.maxSeconds) + 1)
        guard limit > 0, low < high else { return CalendarExpansion(occurrences: [], truncated: false) }
        let window = Int(low.rounded(.up))..<Int(high.rounded(.up))
        guard !window.isEmpty else { return CalendarExpansion(occurrences: [], truncated: false) }

        var overridden: [String: Set<Int>] = [:]
        for entry in entries {
            if let id = entry.recurrenceID, let instant = Self.instant(id) { overridden[entry.uid, default: []].insert(instant) }
        }
        var state = ExpansionState(window: window, limit: limit)
        for entry in entries where !entry.cancelled {
            guard let start = Self.instant(entry.start), let end = Self.instant(entry.end) else { continue }
            if entry.recurrenceID != nil {
                state.add(entry, start: start, end: max(start, end))
            } else {
                expandSeries(entry, start: start, end: max(start, end), skipping: overridden[entry.uid] ?? [], into: &state)
            }
            state.compactIfLarge()
        }
        return state.finish()
    }

    /// A Double instant as whole seconds in the representable range, `nil` for NaN or far out.
    private static func instant(_ value: Double) -> Int? {
        guard value >= Double(CivilTime.minSeconds), value <= Double(CivilTime.maxSeconds) else { return nil }
        return Int(value.rounded(.down))
    }

    private static func expandSeries(
        _ entry: CalendarEntry, start: Int, end: Int, skipping overridden: Set<Int>, into state: inout ExpansionState
    ) {
        let clock = ZoneClock(zone: zone(named: entry.timeZone))
        let startWall = clock.writtenWall(fromUnix: start)
        // All-day spans are nominal days on the wall clock; timed spans are exact seconds.
        let wallLength = clock.wall(fromUnix: end) - startWall
        let exactLength = end - start
        func endOf(wall: Int, unix: Int) -> Int { entry.allDay ? clock.unix(fromWall: wall + wallLength) : unix + exactLength }
        let excluded = Set(entry.exceptions.compactMap(instant)).union(overridden)
        var seen = Set<Int>()
        var inWindow = 0
        var entryTruncated = false

        /// Returns false once later instances cannot matter.
        func consider(wall: Int, unix: Int) -> Bool {
            if unix >= state.window.upperBound || unix > state.cutoff { return false }
            let end = endOf(wall: wall, unix: unix)
            // Only instances in the window are remembered, so `seen` stays within `limit`.
            guard state.overlaps(start: unix, end: end), !excluded.contains(unix), seen.insert(unix).inserted else {
                return true
            }
            state.add(entry, start: unix, end: end)
            inWindow += 1
            if inWindow >= state.limit {
                entryTruncated = true  // we stop looking; there may have been more
                return false
            }
            return true
        }

        if let rule = entry.rule {
            let expander = RecurrenceExpander(rule: rule, clock: clock, startWall: startWall)
            var firstPeriod = 0
            if rule.count == nil {
                // Skip periods that end before the window, less the event's length and 3 days of slack.
                let earliest = state.window.lowerBound - max(exactLength, wallLength) - 3 * CivilTime.secondsPerDay
                firstPeriod = expander.firstPeriod(onOrAfterDay: CivilTime.floorDiv(earliest, CivilTime.secondsPerDay))
            }
            var budget = min(maxStepsPerEntry, state.budget)
            let before = budget
            let stop = expander.generate(fromPeriod: firstPeriod, stopUnix: state.window.upperBound, budget: &budget) {
                consider(wall: $0, unix: $1)
            }
            state.budget -= before - budget
            if stop == .budgetExhausted { entryTruncated = true }
        } else {
            _ = consider(wall: startWall, unix: start)
        }
        for extra in entry.recurrenceDates {
            guard !entryTruncated, let unix = instant(extra) else { continue }
            _ = consider(wall: clock.wall(fromUnix: unix), unix: unix)
        }
        if entryTruncated { state.truncated = true }
    }
}

/// The occurrences gathered so far, kept to about `2 × limit` by sorting and cutting.
private struct ExpansionState {
    let window: Range<Int>
    let limit: Int
    var budget = ICalendar.maxStepsPerExpansion
    var items: [CalendarOccurrence] = []
    var truncated = false
    /// Once `limit` occurrences are kept, nothing starting after the last of them can make the cut.
    var cutoff = Int.max

    /// Whether an occurrence over [start, end) overlaps the window (a zero-length one when it starts in it).
    func overlaps(start: Int, end: Int) -> Bool {
        start < window.upperBound && (end > window.lowerBound || start >= window.lowerBound)
    }

    /// Appends the occurrence if it overlaps the window.
    mutating func add(_ entry: CalendarEntry, start: Int, end: Int) {
        guard overlaps(start: start, end: end) else { return }
        items.append(CalendarOccurrence(entry: entry, start: Double(start), end: Double(end)))
    }

    mutating func compactIfLarge() {
        guard items.count >= 2 * limit else { return }
        sortAndCut()
    }

    private mutating func sortAndCut() {
        items.sort { ($0.start, $0.index, $0.end) < ($1.start, $1.index, $1.end) }
        if items.count > limit {
            items.removeSubrange(limit...)
            truncated = true
        }
        if items.count == limit, let last = items.last { cutoff = Int(last.start) }
    }

    mutating func finish() -> CalendarExpansion {
        sortAndCut()
        return CalendarExpansion(occurrences: items, truncated: truncated)
    }
}
