/// One occurrence of an event in a window.
public struct CalendarOccurrence: Sendable, Equatable {
    /// The index of the entry this occurrence came from.
    public var index: Int
    /// The entry's UID.
    public var uid: String
    /// The entry's SUMMARY.
    public var summary: String
    /// The entry's DESCRIPTION.
    public var description: String
    /// The entry's LOCATION.
    public var location: String?
    /// The entry's organizer name or address.
    public var organizer: String?
    /// The entry's attendee names or addresses.
    public var attendees: [String]
    /// Start of this occurrence, Unix seconds (UTC).
    public var start: Double
    /// End of this occurrence, Unix seconds (UTC).
    public var end: Double
    /// Whether the occurrence is an all-day one.
    public var allDay: Bool

    /// Creates an occurrence of `entry` spanning `start..<end`.
    public init(entry: CalendarEntry, start: Double, end: Double) {
        self.index = entry.index
        self.uid = entry.uid
        self.summary = entry.summary
        self.description = entry.description
        self.location = entry.location
        self.organizer = entry.organizer
        self.attendees = entry.attendees
        self.start = start
        self.end = end
        self.allDay = entry.allDay
    }
}

/// The result of expanding entries over a window, with a flag saying whether work bounds cut it short.
public struct CalendarExpansion: Sendable, Equatable {
    /// Occurrences overlapping the window, sorted by start, at most the requested limit.
    public var occurrences: [CalendarOccurrence]
    /// True when `limit` dropped occurrences or a rule hit the step cap before the window end.
    public var truncated: Bool
}
