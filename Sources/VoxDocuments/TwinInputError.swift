/// Why a submitted file or message could not be read (each becomes a 4xx JSON error or a
/// dead-lettered ingestion with this reason).
public enum TwinInputError: Error, Equatable, Sendable {
    /// The input is not valid `format` (`ics`, `chat`, `pdf`, ...): `reason` says where.
    case malformed(format: String, reason: String)
    /// The input exceeds a bound (`what` names it, e.g. "events", `limit` the bound).
    case tooLarge(what: String, limit: Int)
    /// The input is of a kind we do not read.
    case unsupported(String)
}
