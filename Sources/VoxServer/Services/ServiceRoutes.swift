import Hummingbird

/// What the service routes share.
enum ServiceRoutes {
    /// Runs a handler, turning service and store errors into JSON API errors with `map` (counted
    /// by code in /metrics).
    static func guarded(
        _ services: SecondaryServices, map: (any Error) -> APIError, _ body: () async throws -> Response
    ) async throws -> Response {
        do { return try await body() } catch {
            let api = map(error)
            services.counters.error(api.code)
            throw api
        }
    }

    /// A query parameter `name` that must be an integer in 1...`max`; `value` when absent.
    static func number(_ text: String?, _ name: String, default value: Int, max: Int) throws(APIError) -> Int {
        guard let text else { return value }
        guard let n = Int(text), (1...max).contains(n) else { throw APIError(.badRequest, "bad_query", "\(name) must be 1...\(max)") }
        return n
    }
}
