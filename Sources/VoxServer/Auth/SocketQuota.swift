import Synchronization

/// Open WebSockets (frames and events subscribers) per API key, at most `limit` each: a key that
/// opens more gets close code 1013 ("try again later"), counted. Without keys there is no quota
/// (the server then serves loopback only).
final class SocketQuota: Sendable {
    let limit: Int
    private let open = Mutex<[String: Int]>([:])

    init(limit: Int) { self.limit = limit }

    /// Takes a slot for `key`; false when it holds `limit` already.
    func acquire(_ key: String) -> Bool {
        open.withLock { o in
            guard o[key, default: 0] < limit else { return false }
            o[key, default: 0] += 1
            return true
        }
    }

    /// Gives a slot back.
    func release(_ key: String) {
        open.withLock { o in
            let n = (o[key] ?? 1) - 1
            o[key] = n > 0 ? n : nil
        }
    }

    /// Runs `body` holding a slot of the caller's key (no key: no quota); false, without
    /// running it, when the key has no slot left.
    func withSlot(_ key: String?, _ body: () async throws -> Void) async rethrows -> Bool {
        guard let key else {
            try await body()
            return true
        }
        guard acquire(key) else { return false }
        defer { release(key) }
        try await body()
        return true
    }
}
