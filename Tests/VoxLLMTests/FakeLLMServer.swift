import Hummingbird
import Synchronization

/// A small OpenAI-compatible chat-completions server on a free loopback port, started once inside
/// the test process and shared by every test: each test takes its own ``Scenario`` (its own URL
/// path, behaviour and counters), so tests run in parallel without seeing each other's requests.
///
/// One server for the process rather than one per test: stopping a Hummingbird application by
/// cancelling its task logs errors ("Waiting on child channel: CancellationError()"), and a
/// graceful stop needs ServiceLifecycle, which this test target does not depend on. The server
/// ends with the process.
final class FakeLLMServer: Sendable {
    /// How a scenario answers `POST /{id}/v1/chat/completions`.
    enum Behaviour: Sendable, CustomStringConvertible {
        /// Streams these pieces as server-sent events (one write each), then `[DONE]`.
        case stream([String])
        /// Answers one JSON completion with this text.
        case json(String)
        /// Waits this many seconds, then streams "late".
        case slow(Double)
        /// Sends the head and a chunk without text at once, then nothing for this many seconds.
        case stall(Double)
        /// Answers this HTTP status.
        case status(Int)
        /// Streams a malformed event.
        case garbage
        /// Streams the service's error object.
        case errorEvent
        /// Streams this many bytes of text in 16 KiB events.
        case huge(Int)

        var description: String {
            switch self {
            case .stream(let pieces): "stream \(pieces)"
            case .json(let text): "json \(text)"
            case .slow(let seconds): "slow \(seconds) s"
            case .stall(let seconds): "stall \(seconds) s"
            case .status(let code): "status \(code)"
            case .garbage: "garbage"
            case .errorEvent: "error event"
            case .huge(let bytes): "huge \(bytes) B"
            }
        }
    }

    /// One test's view of the server: its base URL, how it answers, what it received.
    final class Scenario: Sendable {
        /// The base URL to configure a client with (`http://127.0.0.1:{port}/{id}/v1`).
        let url: String
        fileprivate let behaviour: Mutex<Behaviour>
        fileprivate let received = Atomic(0)
        fileprivate let lastAuthorization = Mutex<String?>(nil)
        fileprivate let lastBody = Mutex("")

        fileprivate init(url: String, behaviour: Behaviour) {
            self.url = url
            self.behaviour = Mutex(behaviour)
        }

        /// Answers from now on with `behaviour`.
        func set(_ behaviour: Behaviour) { self.behaviour.withLock { $0 = behaviour } }
        /// Requests received so far.
        var requests: Int { received.load(ordering: .relaxed) }
        /// The last request's `Authorization` header.
        var authorization: String? { lastAuthorization.withLock { $0 } }
        /// The last request's body.
        var body: String { lastBody.withLock { $0 } }

        /// Waits (up to 2 s) until `count` requests have arrived.
        func waitForRequests(_ count: Int) async throws {
            let deadline = ContinuousClock.now + .seconds(2)
            while requests < count && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        }
    }

    /// A new scenario on the shared server (started on first use).
    static func scenario(_ behaviour: Behaviour = .stream(["Hel", "lo", " there"])) async throws -> Scenario {
        let server = try await shared.value
        let id = server.registry.nextID.add(1, ordering: .relaxed).newValue
        let scenario = Scenario(url: "http://127.0.0.1:\(server.port)/\(id)/v1", behaviour: behaviour)
        server.registry.scenarios.withLock { $0[id] = scenario }
        return scenario
    }

    private static let shared = Task { try await FakeLLMServer() }

    /// The scenarios by id, shared with the route.
    private final class Registry: Sendable {
        let scenarios = Mutex<[Int: Scenario]>([:])
        let nextID = Atomic(0)
    }

    private let port: Int
    private let registry = Registry()
    private let task: Task<Void, any Error>

    private init() async throws {
        let registry = self.registry
        let router = Router()
        router.post("/:scenario/v1/chat/completions") { request, context -> Response in
            let id = try context.parameters.require("scenario", as: Int.self)
            guard let scenario = registry.scenarios.withLock({ $0[id] }) else { return Response(status: .notFound) }
            return try await Self.answer(request, scenario)
        }
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) })
        task = Task {
            // A server that fails to start ends the stream, so the init does not wait forever.
            defer { continuation.finish() }
            try await app.runService(gracefulShutdownSignals: [])
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            task.cancel()
            throw FakeServerError.didNotStart
        }
        self.port = port
    }

    private static func answer(_ request: Request, _ scenario: Scenario) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: 1 << 20)
        scenario.lastAuthorization.withLock { $0 = request.headers[.authorization] }
        scenario.lastBody.withLock { $0 = String(buffer: body) }
        scenario.received.add(1, ordering: .relaxed)
        switch scenario.behaviour.withLock({ $0 }) {
        case .stream(let pieces):
            return events(pieces.map(chunk) + ["data: [DONE]\n\n"])
        case .json(let text):
            let body = "{\"id\":\"x\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"\(text)\"}}]}"
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
        case .slow(let seconds):
            try await Task.sleep(for: .seconds(seconds))
            return events([chunk("late"), "data: [DONE]\n\n"])
        case .stall(let seconds):
            let empty = "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n"
            return Response(
                status: .ok, headers: [.contentType: "text/event-stream"],
                body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: empty))
                    try await Task.sleep(for: .seconds(seconds))
                    try await writer.write(ByteBuffer(string: chunk("late") + "data: [DONE]\n\n"))
                    try await writer.finish(nil)
                })
        case .status(let code):
            return Response(status: .init(code: code))
        case .garbage:
            return events(["data: {not json\n\n"])
        case .errorEvent:
            return events(["data: {\"error\":{\"message\":\"model overloaded\",\"type\":\"server_error\"}}\n\n"])
        case .huge(let bytes):
            let piece = String(repeating: "x", count: 16 << 10)
            return events(Array(repeating: chunk(piece), count: max(1, bytes / piece.count)) + ["data: [DONE]\n\n"])
        }
    }

    /// One streamed chunk carrying `text`.
    private static func chunk(_ text: String) -> String {
        "data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\(text)\"}}]}\n\n"
    }

    /// A server-sent event stream written one event per write, so pieces arrive apart.
    private static func events(_ events: [String]) -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/event-stream"],
            body: ResponseBody { writer in
                for event in events { try await writer.write(ByteBuffer(string: event)) }
                try await writer.finish(nil)
            })
    }
}

/// The fake server could not start.
enum FakeServerError: Error {
    /// It never reported a listening port.
    case didNotStart
}
