/// How voxload answers the server's rate limit (429 `rate_limited` with `Retry-After`): it waits
/// as told and asks again, so setting up a large run (100 streams with 10 Live Link targets each
/// is 1,100 requests, past the default burst of 500) is slowed down, not refused.
public struct RateLimitRetry: Sendable, Equatable {
    /// Most waits per request before the 429 is reported as the answer.
    public var attempts: Int
    /// The longest single wait, seconds (a larger `Retry-After` is cut to it).
    public var longestWait: Double

    /// The defaults: 60 tries, at most 10 s each.
    public init(attempts: Int = 60, longestWait: Double = 10) {
        self.attempts = attempts
        self.longestWait = longestWait
    }

    /// Seconds to wait before trying again after a reply with `status` and `Retry-After` header
    /// `retryAfter` (RFC 9110: delay-seconds; an HTTP date or a missing or unreadable value counts
    /// as 1 s), on try `attempt` (0 = the first request); nil when the reply is the answer.
    public func wait(status: Int, retryAfter: String?, attempt: Int) -> Double? {
        guard status == 429, attempt < attempts else { return nil }
        let told = retryAfter.flatMap { Double($0.trimmingSpaces) }.flatMap { $0.isFinite && $0 >= 0 ? $0 : nil } ?? 1
        return min(longestWait, max(0.05, told))
    }
}

extension String {
    fileprivate var trimmingSpaces: Substring {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s.removeFirst() }
        while s.last == " " || s.last == "\t" { s.removeLast() }
        return s
    }
}

/// The value of header `name` (case-insensitive) in an HTTP/1.1 response head, if present.
public func headerValue(_ name: String, in head: String) -> String? {
    let wanted = name.lowercased()
    for line in head.split(separator: "\r\n").dropFirst() {
        guard let colon = line.firstIndex(of: ":") else { continue }
        if line[..<colon].lowercased() == wanted { return String(line[line.index(after: colon)...]) }
    }
    return nil
}
