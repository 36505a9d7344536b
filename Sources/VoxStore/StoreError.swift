/// Why the store could not do what was asked. Every case carries one line for people.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The data directory or database file cannot be created, opened or written (start-up).
    case cannotOpen(path: String, reason: String)
    /// The database was written by a newer voxface (it has migrations this build does not know).
    case newerSchema(path: String, unknown: [String])
    /// The storage is temporarily unusable: disk full, I/O error, read-only file, busy. Nothing
    /// of the failed change was applied; the caller may retry later (HTTP 503).
    case unavailable(String)
    /// Any other database failure (a bug or a corrupt file); nothing was applied.
    case failed(String)

    /// The one line.
    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "cannot open the data store at \(path): \(reason)"
        case .newerSchema(let path, let unknown):
            "the data store at \(path) was written by a newer voxface (unknown migrations: \(unknown.joined(separator: ", "))); "
                + "upgrade voxface or use another --data-dir"
        case .unavailable(let reason): "the data store is unavailable: \(reason)"
        case .failed(let reason): "the data store failed: \(reason)"
        }
    }
}
