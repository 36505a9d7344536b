/// An RRULE (RFC 5545 §3.3.10): how an event repeats. Expanded by `ICalendar.occurrences`.
public struct RecurrenceRule: Sendable, Equatable {
    /// FREQ: the period the rule steps through.
    public enum Frequency: String, Sendable, Equatable, CaseIterable {
        /// Every `interval` days.
        case daily = "DAILY"
        /// Every `interval` weeks (weeks start on `weekStart`).
        case weekly = "WEEKLY"
        /// Every `interval` months.
        case monthly = "MONTHLY"
        /// Every `interval` years.
        case yearly = "YEARLY"
    }

    /// A day of the week as written in BYDAY and WKST.
    public enum Weekday: Int, Sendable, Equatable, CaseIterable {
        /// MO
        case monday = 0
        /// TU
        case tuesday
        /// WE
        case wednesday
        /// TH
        case thursday
        /// FR
        case friday
        /// SA
        case saturday
        /// SU
        case sunday

        /// The two-letter iCalendar code (`MO` ... `SU`).
        public var code: String { ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][rawValue] }

        /// Reads a two-letter code (case-insensitive), `nil` for anything else.
        public init?(code: String) {
            guard let found = Weekday.allCases.first(where: { $0.code == code.uppercased() }) else { return nil }
            self = found
        }
    }

    /// One BYDAY item: a weekday, optionally the n-th (or n-th from last, when negative) in the
    /// month or year, e.g. `2TU`, `-1FR`.
    public struct WeekdayRule: Sendable, Equatable {
        /// The ordinal (±1...53), or `nil` for every such weekday.
        public var ordinal: Int?
        /// The weekday.
        public var weekday: Weekday

        /// Creates a BYDAY item.
        public init(_ weekday: Weekday, ordinal: Int? = nil) {
            self.weekday = weekday
            self.ordinal = ordinal
        }
    }

    /// FREQ.
    public var frequency: Frequency
    /// INTERVAL (≥ 1).
    public var interval: Int
    /// COUNT: the number of instances, DTSTART included.
    public var count: Int?
    /// UNTIL as Unix seconds (a DATE or floating value is read in the event's zone); inclusive.
    public var until: Double?
    /// BYDAY.
    public var byDay: [WeekdayRule]
    /// BYMONTHDAY (±1...31; negative counts from the month's end).
    public var byMonthDay: [Int]
    /// BYMONTH (1...12).
    public var byMonth: [Int]
    /// BYYEARDAY (±1...366).
    public var byYearDay: [Int]
    /// BYHOUR (0...23).
    public var byHour: [Int]
    /// BYMINUTE (0...59).
    public var byMinute: [Int]
    /// BYSECOND (0...59; a leap second 60 reads as 59).
    public var bySecond: [Int]
    /// BYSETPOS (±1...366): which of each period's instances to keep.
    public var bySetPos: [Int]
    /// WKST: the first day of a week for WEEKLY rules.
    public var weekStart: Weekday

    /// Creates a rule; every part but FREQ defaults to "not given".
    public init(
        frequency: Frequency, interval: Int = 1, count: Int? = nil, until: Double? = nil, byDay: [WeekdayRule] = [],
        byMonthDay: [Int] = [], byMonth: [Int] = [], byYearDay: [Int] = [], byHour: [Int] = [], byMinute: [Int] = [],
        bySecond: [Int] = [], bySetPos: [Int] = [], weekStart: Weekday = .monday
    ) {
        precondition(interval >= 1, "INTERVAL must be positive")
        self.frequency = frequency
        self.interval = interval
        self.count = count
        self.until = until
        self.byDay = byDay
        self.byMonthDay = byMonthDay
        self.byMonth = byMonth
        self.byYearDay = byYearDay
        self.byHour = byHour
        self.byMinute = byMinute
        self.bySecond = bySecond
        self.bySetPos = bySetPos
        self.weekStart = weekStart
    }
}
