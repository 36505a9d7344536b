import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// A token bucket per client address: `rate` requests a second, bursts up to `burst`. Pure
/// value over an injected clock (seconds), so tests step it.
struct TokenBuckets {
    let rate: Double
    let burst: Double
    /// Most addresses tracked; past it the quietest half is forgotten (a forgotten client starts
    /// with a full bucket again).
    let capacity: Int
    private var buckets: [String: (tokens: Double, last: Double)] = [:]

    init(rate: Double, burst: Double, capacity: Int = 10_000) {
        self.rate = rate
        self.burst = burst
        self.capacity = capacity
    }

    /// Takes a token for `client` at time `now`; false when its bucket is empty.
    mutating func take(_ client: String, now: Double) -> Bool {
        var b = buckets[client] ?? (burst, now)
        b.tokens = min(burst, b.tokens + max(0, now - b.last) * rate)
        b.last = now
        let ok = b.tokens >= 1
        if ok { b.tokens -= 1 }
        buckets[client] = b
        if buckets.count > capacity {
            let keep = buckets.sorted { $0.value.last > $1.value.last }.prefix(capacity / 2)
            buckets = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
        }
        return ok
    }
}

/// Refuses a client address's requests beyond `--rate-limit` a second (bursts of 5 s worth) with
/// 429 `rate_limited` and `Retry-After`, counted; `/health` is never limited.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = VoxRequestContext
    /// The buckets, shared by every copy of the middleware.
    final class Shared: Sendable {
        let buckets: Mutex<TokenBuckets>
        init(_ buckets: TokenBuckets) { self.buckets = Mutex(buckets) }
    }
    let shared: Shared?
    let refused: @Sendable (String) -> Void

    init(perSecond: Double, refused: @escaping @Sendable (String) -> Void) {
        shared = perSecond > 0 ? Shared(TokenBuckets(rate: perSecond, burst: perSecond * 5)) : nil
        self.refused = refused
    }

    func handle(_ request: Request, context: VoxRequestContext, next: (Request, VoxRequestContext) async throws -> Response)
        async throws -> Response
    {
        guard let shared, request.uri.path != "/health" else { return try await next(request, context) }
        let client = context.channel.remoteAddress?.ipAddress ?? "unknown"
        let now = Double(MonotonicClock.now()) / 1e6
        guard shared.buckets.withLock({ $0.take(client, now: now) }) else {
            refused("rate_limited")
            throw RateLimited()
        }
        return try await next(request, context)
    }

    /// 429 with a JSON body and Retry-After.
    struct RateLimited: Error, HTTPResponseError {
        var status: HTTPResponse.Status { .tooManyRequests }
        func response(from request: Request, context: some RequestContext) throws -> Response {
            var response = try APIError(.tooManyRequests, "rate_limited", "too many requests from this address; retry in a second")
                .response(from: request, context: context)
            response.headers[.retryAfter] = "1"
            return response
        }
    }
}
