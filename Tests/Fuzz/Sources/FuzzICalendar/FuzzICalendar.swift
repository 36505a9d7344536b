import FuzzSupport
import VoxDocuments

/// The iCalendar reader the twins ingest calendars with: `ICalendar.parse` on the input as text
/// (a clear `TwinInputError` or entries, never a trap), then the expansion of every entry's
/// recurrence over a year around the first entry's start, capped. Checks that the expansion keeps
/// its limit and starts nothing after its window.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzICalendar(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
    guard let entries = try? ICalendar.parse(text), let first = entries.first else { return 0 }
    precondition(entries.count <= ICalendar.maxEntries)
    let from = first.start - 86_400
    let to = first.start + 366 * 86_400
    guard from.isFinite, to.isFinite else { return 0 }
    let limit = 2_000
    let occurrences = ICalendar.occurrences(entries, from: from, to: to, limit: limit)
    precondition(occurrences.count <= limit, "\(occurrences.count) occurrences over the limit")
    for occurrence in occurrences { precondition(occurrence.start <= to + 1, "an occurrence after the window") }
    return 0
}
