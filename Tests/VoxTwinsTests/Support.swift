import Foundation
import Synchronization
import VoxLLM
import VoxMatch
import VoxStore
import VoxTestSupport

@testable import VoxTwins

/// A new directory for a real store, removed when the test process exits.
func temporaryDirectory() -> String { TestDirectories.make("voxtwins") }

/// A clock tests set by hand.
final class TestClock: Sendable {
    private let now: Mutex<Double>
    init(_ t: Double) { now = Mutex(t) }
    func callAsFunction() -> Double { now.withLock { $0 } }
    func set(_ t: Double) { now.withLock { $0 = t } }
}

/// The offline composer: no language model, the fallback answers (as `voxface serve` without one).
let offlineComposer: TwinComposer = { _, fallback, onDelta in
    let text = await fallback()
    onDelta?(text)
    return ChatReply(text: text, generator: "offline", fallbackReason: "disabled")
}

/// A twin service on a real store in a temporary directory, the offline encoder and a test clock.
func openTwins(
    _ dir: String = temporaryDirectory(), clock: TestClock = TestClock(1_780_000_000), maxPageCount: Int? = nil,
    configure: (inout TwinConfiguration) -> Void = { _ in }, compose: @escaping TwinComposer = offlineComposer,
    embedder: any TextEmbedder = HashedTextEmbedder()
) throws -> (TwinService, Store) {
    let store = try Store(directory: dir, migrations: TwinSchema.migrations, maxPageCount: maxPageCount)
    let repository = SQLiteTwinRepository(store: store)
    var configuration = TwinConfiguration()
    configuration.retryDelay = 0.001
    configure(&configuration)
    let service = TwinService(
        repository: repository, projects: repository, embedder: embedder, configuration: configuration,
        clock: { clock() }, compose: compose)
    return (service, store)
}

/// Submits and processes an ingestion; returns it finished.
@discardableResult
func ingestNow(_ twins: TwinService, _ user: String, _ kind: IngestKind, _ text: String, filename: String? = nil) async throws -> Ingestion
{
    try await ingestNow(twins, user, kind, Array(text.utf8), filename: filename)
}

@discardableResult
func ingestNow(
    _ twins: TwinService, _ user: String, _ kind: IngestKind, _ bytes: [UInt8], filename: String? = nil, window: ClosedRange<Double>? = nil
)
    async throws -> Ingestion
{
    let (submitted, _) = try await twins.ingest(user: user, kind: kind, payload: bytes, filename: filename, window: window)
    try await twins.processQueued()
    return try await twins.ingestion(user: user, id: submitted.id)
}

/// A generic chat log's JSON.
func chatJSON(_ messages: [(String, String, String)]) -> String {
    let items = messages.map { sender, time, text in
        "{\"sender\": \(quote(sender)), \"time\": \(quote(time)), \"text\": \(quote(text))}"
    }
    return "[" + items.joined(separator: ",") + "]"
}

func quote(_ s: String) -> String {
    (try? JSONEncoder().encode(s)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
}

/// The path of a fixture.
func fixture(_ path: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/" + path).path
}
