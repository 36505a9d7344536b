import Hummingbird
import NIOCore
import Synchronization

/// A small OpenAI-compatible chat-completions server, started inside a test on a free port, whose
/// behaviour the test sets.
final class FakeLLMServer: Sendable {
    enum Behaviour: Sendable {
        /// Streams these pieces as server-sent events, then [DONE].
        case stream([String])
        /// Answers one JSON completion.
        case json(String)
        /// Waits this long, then streams "late".
        case slow(Double)
        /// Answers this HTTP status.
        case status(Int)
        /// Streams a malformed event.
        case garbage
        /// Streams this many bytes of content.
        case huge(Int)
    }

    let behaviour = Mutex<Behaviour>(.stream(["Hel", "lo", " there"]))
    let requests = Atomic<Int>(0)
    let authorization = Mutex<String?>(nil)
    let port: Int
    private let task: Task<Void, any Error>

    init() async throws {
        // The route reaches the server through a box filled in once the server is built.
        let reference = Reference()
        let router = Router()
        router.post("/v1/chat/completions") { request, _ -> Response in
            guard let server = reference.value else { return Response(status: .serviceUnavailable) }
            return try await server.answer(request)
        }
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) })
        task = Task { try await app.runService() }
        var iterator = ports.makeAsyncIterator()
        port = await iterator.next() ?? 0
        reference.value = self
    }

    private final class Reference: @unchecked Sendable { var value: FakeLLMServer? }

    func set(_ b: Behaviour) { behaviour.withLock { $0 = b } }

    private func answer(_ request: Request) async throws -> Response {
        requests.add(1, ordering: .relaxed)
        authorization.withLock { $0 = request.headers[.authorization] }
        var request = request
        _ = try await request.collectBody(upTo: 1 << 20)
        switch behaviour.withLock({ $0 }) {
        case .stream(let pieces): return Self.sse(pieces.map(Self.chunk) + ["data: [DONE]\n\n"])
        case .json(let text):
            let body = "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"\(text)\"}}]}"
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
        case .slow(let seconds):
            try await Task.sleep(for: .seconds(seconds))
            return Self.sse([Self.chunk("late"), "data: [DONE]\n\n"])
        case .status(let code): return Response(status: .init(code: code))
        case .garbage: return Self.sse(["data: {not json\n\n"])
        case .huge(let bytes): return Self.sse([Self.chunk(String(repeating: "x", count: bytes)), "data: [DONE]\n\n"])
        }
    }

    private static func chunk(_ text: String) -> String {
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\(text)\"}}]}\n\n"
    }

    private static func sse(_ events: [String]) -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/event-stream"], body: .init(byteBuffer: ByteBuffer(string: events.joined())))
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}
