import FoundationEssentials
import Hummingbird
import HummingbirdWebSocket
import NIOCore
import VoxStore

/// `GET /v1/events`: the event API over WebSocket (Protocols/events.md). The client subscribes
/// to topic patterns, optionally resuming after the last `seq` it saw; durable events come from
/// the store's log first, then live ones from the bus, with neither gap nor repeat.
struct EventRoutes: Sendable {
    let services: SecondaryServices
    let bus: EventBus
    /// Events a client may have queued before it is closed with 4429 (and resumes).
    let capacity: Int
    /// Events clients per API key.
    let quota: SocketQuota

    /// Largest subscribe message, bytes.
    static let maxMessage = 16 << 10
    /// Most patterns in one subscription.
    static let maxPatterns = 64
    /// Seconds a client has to send its subscription.
    static let subscribeTimeout = 10.0
    /// Events read from the log per page while replaying.
    static let replayPage = 1000

    struct Subscribe: Decodable {
        var subscribe: [String]
        var since: Int64?
    }

    /// Whether `principal` may see an event: admins everything; clients the `streams` and `world`
    /// topics; a user also its own avatars' and profiles' topics and the shared space
    /// (`matchmaking`: positions, rooms, names), not other users' avatars.
    func visible(_ topic: String, _ data: String, to principal: Principal) -> Bool {
        let parts = topic.split(separator: "/", maxSplits: 3).map(String.init)
        switch principal {
        case .admin: return true
        case .client: return parts.first == "streams" || parts.first == "world"
        case .user(let name):
            switch (parts.first, parts.count) {
            case ("streams", _), ("world", _), ("matchmaking", 1): return true
            case ("avatars", 1):
                // {"created"|"updated"|"deleted": ID}: a deleted avatar's owner is gone with it.
                guard let id = data.firstMatch(of: /"(?:created|updated)":"([^"]+)"/)?.1 else { return false }
                return services.avatars.profile(String(id))?.owner == name
            case ("avatars", _): return services.avatars.profile(parts[1])?.owner == name
            case ("twins", 2): return parts[1] == name
            case ("matchmaking", _) where parts.count >= 3 && parts[1] == "profiles":
                return services.match.owner(of: parts[2]) == name
            default: return false
            }
        }
    }

    func register(on router: Router<VoxRequestContext>) {
        router.ws("/v1/events") { inbound, outbound, context in
            let admitted = try await quota.withSlot(context.requestContext.apiKey) { try await events(inbound, outbound, context) }
            if !admitted {
                services.counters.error("sockets_per_key")
                try await outbound.close(.init(codeNumber: 1013), reason: "too many sockets open with this key")
            }
        }
    }

    private func events(
        _ inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter, _ context: WebSocketRouterContext<VoxRequestContext>
    ) async throws {
        await context.requestContext.boundSendBuffers()
        var messages = inbound.messages(maxSize: Self.maxMessage).makeAsyncIterator()
        // A client that does not subscribe in time is closed (its read then ends).
        let timer = Task {
            try await Task.sleep(for: .seconds(Self.subscribeTimeout))
            try await outbound.close(.init(codeNumber: 1008), reason: "no subscription in time")
        }
        let first = try await messages.next()
        timer.cancel()
        guard case .text(let text)? = first,
            let request = try? JSONDecoder().decode(Subscribe.self, from: Data(text.utf8))
        else {
            services.counters.error("bad_subscribe")
            return try await outbound.close(
                .init(codeNumber: 1008), reason: "send {\"subscribe\": [patterns], \"since\": seq} first")
        }
        let patterns = request.subscribe.compactMap(TopicPattern.init)
        guard !patterns.isEmpty, patterns.count == request.subscribe.count, patterns.count <= Self.maxPatterns else {
            services.counters.error("bad_subscribe")
            return try await outbound.close(.init(codeNumber: 1008), reason: "bad topic pattern")
        }
        // Live events are queued from here on, so nothing published during the replay is missed.
        let subscription = bus.subscribe(patterns: patterns, capacity: capacity)
        defer { bus.unsubscribe(subscription) }
        let store = services.store
        let principal = context.requestContext.principal ?? .admin
        try await outbound.write(
            .text(
                "{\"type\":\"subscribed\",\"patterns\":[\(patterns.map { JSONString.quote($0.description) }.joined(separator: ","))],"
                    + "\"seq\":\(store.lastSeq)}"))
        var replayedThrough = Int64.min
        if let since = request.since {
            if since < store.prunedThrough {
                try await outbound.write(
                    .text("{\"type\":\"gap\",\"since\":\(since),\"pruned_through\":\(store.prunedThrough)}"))
            }
            var cursor = since
            while true {
                let page = try await store.events(after: cursor, limit: Self.replayPage)
                guard let last = page.last else { break }
                for event in page where TopicPattern.any(patterns, match: event.topic) && visible(event.topic, event.data, to: principal) {
                    try await outbound.write(.text(event.json))
                    services.counters.sent.add(1, ordering: .relaxed)
                }
                cursor = last.seq
            }
            replayedThrough = cursor
            try await outbound.write(.text("{\"type\":\"live\",\"seq\":\(cursor)}"))
        }
        // The writer runs beside; this task reads until the client goes away.
        let writer = Task {
            for await message in subscription {
                guard case .event(let event) = message else { continue }
                // Already sent from the log during the replay.
                if event.durable && event.seq <= replayedThrough { continue }
                guard visible(event.topic, event.data, to: principal) else { continue }
                try await outbound.write(.text(event.json))
                services.counters.sent.add(1, ordering: .relaxed)
            }
            if subscription.overflowed {
                services.counters.overflowed.add(1, ordering: .relaxed)
                try await outbound.close(.init(codeNumber: 4429), reason: "too slow: reconnect with since")
            }
        }
        defer { writer.cancel() }
        while try await messages.next() != nil {}
    }
}
