/// One VEVENT as written in the file.
public struct CalendarEntry: Sendable, Equatable {
    /// Position of the VEVENT among the file's VEVENTs (0-based).
    public var index: Int
    /// The UID property ("" when absent).
    public var uid: String
    /// SUMMARY, unescaped ("" when absent).
    public var summary: String
    /// DESCRIPTION, unescaped ("" when absent).
    public var description: String
    /// LOCATION, unescaped.
    public var location: String?
    /// ORGANIZER: its CN parameter if present, else the address without `mailto:`.
    public var organizer: String?
    /// ATTENDEEs, each by the same rule as `organizer`.
    public var attendees: [String]
    /// DTSTART in Unix seconds (UTC); a DATE value is midnight in the event's zone.
    public var start: Double
    /// DTEND, or DTSTART+DURATION, or `start` (+1 day for all-day) when neither is given.
    public var end: Double
    /// Whether DTSTART is a DATE (all-day) value.
    public var allDay: Bool
    /// The IANA zone DTSTART was written in (`TZID=`), or `nil` for UTC, floating times and
    /// unknown zones (all read as UTC). Recurrences are expanded on this zone's wall clock.
    public var timeZone: String?
    /// RRULE, if the event repeats.
    public var rule: RecurrenceRule?
    /// RDATE instants added to the recurrence set.
    public var recurrenceDates: [Double]
    /// EXDATE instants removed from the recurrence set.
    public var exceptions: [Double]
    /// RECURRENCE-ID: this entry overrides the instance of the uid's series starting then.
    public var recurrenceID: Double?
    /// STATUS:CANCELLED.
    public var cancelled: Bool

    /// Creates an entry; every field but the times has an empty default.
    public init(
        index: Int = 0, uid: String = "", summary: String = "", description: String = "", location: String? = nil,
        organizer: String? = nil, attendees: [String] = [], start: Double, end: Double, allDay: Bool = false,
        timeZone: String? = nil, rule: RecurrenceRule? = nil, recurrenceDates: [Double] = [], exceptions: [Double] = [],
        recurrenceID: Double? = nil, cancelled: Bool = false
    ) {
        self.index = index
        self.uid = uid
        self.summary = summary
        self.description = description
        self.location = location
        self.organizer = organizer
        self.attendees = attendees
        self.start = start
        self.end = end
        self.allDay = allDay
        self.timeZone = timeZone
        self.rule = rule
        self.recurrenceDates = recurrenceDates
        self.exceptions = exceptions
        self.recurrenceID = recurrenceID
        self.cancelled = cancelled
    }
}
