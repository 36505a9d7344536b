// A twin's memory search at scale; see ../../README.md ("Twin memory").
//
//   TwinSearch100k          one hybrid search (BM25 over FTS5 + exact dense kNN + fusion + the
//                           memories read back) among 100,000 memories of one user, in a real
//                           SQLite store holding only that twin, the query's vector given (as
//                           chat and the evaluations reuse it)
//   TwinSearch100kCommonWords  the same with questions of the commonest words (each in most rows)
//   TwinSearch100kSharedStore  TwinSearch100k with a second, small twin in the store (a server of
//                           several users: BM25 then intersects the terms with the user's rows)
//   TwinSearch100kOffline   the same with the offline encoder embedding the query (the whole
//                           search as GET /v1/twins/{user}/memories runs it without the weights)
//   TwinSearch100kTwoAtOnce two of those searches started together (two clients of one twin):
//                           the time until both are done, against TwinSearch100k's one
//   TwinSearch100kColdVectors  a server with room in memory for one twin's vectors only
//                           (`--twin-vectors 100000`) and two twins searched in turn: each
//                           iteration searches the small twin, then the large one, so both
//                           read their vectors from the store again (the 100,000 rows dominate)
//   TwinChatContext100k     what the chat retrieves for a message (POST /v1/twins/{user}/chat):
//                           the search above, the offline encoder embedding the message, then up
//                           to 5 graph facts (every second memory brings an edge from the user
//                           to one of 5,000 names; the store ends with about 26,000 edges and
//                           9,800 entities): the edges of entities the message names, half the
//                           messages naming one, then the edges of the memories found
//   TwinIngestChatInto100k  one small chat log (3 messages) ingested into that user's twin as
//                           POST /v1/twins/{user}/ingest runs it: read, distilled, embedded
//                           offline, committed to the store and to the in-memory vectors that
//                           searches scan (each iteration a new log, so none is a duplicate)
//   TwinQueryEncodeMiniLM   all-MiniLM-L6-v2 on a 10-word question (the sentence encoder's share
//                           of a search when its weights are present)
//   TwinOfflineAnswerMiniLM the offline twin's answer to one question (no language model): the
//                           sentences of the chat's context (5 memories, up to 5 facts) each
//                           encoded by all-MiniLM-L6-v2 and weighed against the question; the
//                           twin is the golden footprint's (Tests/VoxTwinsTests/Fixtures/golden)
//
// The memories are sentences of 8-30 words drawn from a 6,000-word vocabulary with Zipf's
// frequencies (as people write), each with its offline-encoder vector (the vectors' values do
// not change the cost of an exact scan of 384 dimensions). Questions are 3-7 content words (the
// language's 100 commonest words stand for English's function words, which queries drop).

import Benchmark
import Foundation
import VoxCore
import VoxLLM
import VoxMatch
import VoxModel
import VoxStore
import VoxTwins

final class TwinUnderTest: @unchecked Sendable {
    var service: TwinService?
    /// A second server on the same store with room for one twin's vectors (ColdVectors).
    var tight: TwinService?
    var queries: [(String, [Float])] = []
    var common: [(String, [Float])] = []
    var messages: [String] = []
    var next = 0
    var directory = ""
}

/// Words of a made-up language with Zipf's frequencies: word i has weight 1/(i+1).
struct ZipfWords {
    let words: [String]
    let cumulative: [Double]

    init(count: Int, random: inout SplitMix64) {
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        var seen = Set<String>()
        var list: [String] = []
        while list.count < count {
            let n = 3 + Int(random.next() % 7)
            let w = String((0..<n).map { _ in letters[Int(random.next() % 26)] })
            if seen.insert(w).inserted { list.append(w) }
        }
        words = list
        var sum = 0.0
        cumulative = (0..<count).map { i in
            sum += 1 / Double(i + 1)
            return sum
        }
    }

    func word(_ random: inout SplitMix64) -> String {
        let x = random.nextUnit() * cumulative[cumulative.count - 1]
        var lo = 0
        var hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return words[lo]
    }

    func sentence(_ random: inout SplitMix64, length: Int) -> String {
        (0..<length).map { _ in word(&random) }.joined(separator: " ")
    }

    /// A content word: the 100 most frequent words of the language play the part of English's
    /// function words, which a query leaves out.
    func contentWord(_ random: inout SplitMix64) -> String {
        while true {
            let w = word(&random)
            if let i = words.firstIndex(of: w), i >= 100 { return w }
        }
    }
}

/// The graph's people and organisations: two-word names of the language's content words.
func entityNames(_ vocabulary: ZipfWords, count: Int) -> [String] {
    var random = SplitMix64(seed: 13)
    var seen = Set<String>()
    var names: [String] = []
    while names.count < count {
        let name = vocabulary.contentWord(&random).capitalized + " " + vocabulary.contentWord(&random).capitalized
        if seen.insert(name).inserted { names.append(name) }
    }
    return names
}

/// A twin service with `count` memories for user "bench", committed in batches; every second
/// memory brings a graph edge from the user to one of `entities` people and organisations.
func buildTwin(count: Int, entities: Int = 5000, directory: String) async throws -> (
    TwinService, ZipfWords, [String], SQLiteTwinRepository
) {
    let store = try Store(directory: directory, migrations: TwinSchema.migrations)
    let repository = SQLiteTwinRepository(store: store)
    let embedder = HashedTextEmbedder()
    let service = TwinService(
        repository: repository, projects: repository, embedder: embedder, clock: { 1_780_000_000 },
        compose: { _, fallback, _ in ChatReply(text: await fallback(), generator: "offline") })
    _ = try await service.create(user: "bench", name: "Bench User")
    var random = SplitMix64(seed: 7)
    let vocabulary = ZipfWords(count: 6000, random: &random)
    let names = entityNames(vocabulary, count: entities)
    let predicates = [("KNOWS", EntityType.person), ("WORKS_AT", .organisation), ("MEMBER_OF", .organisation)]
    let batch = 5000
    var made = 0
    while made < count {
        var distilled = Distilled()
        var vectors: [[[Float]]] = []
        for i in 0..<min(batch, count - made) {
            let text = "I " + vocabulary.sentence(&random, length: 8 + Int(random.next() % 23)) + " \(made + i)."
            distilled.memories.append(
                PendingMemory(
                    kind: .fact, domain: "general", text: text, importance: random.nextUnit(), session: "bench", turn: made + i,
                    validAt: 1_700_000_000 + Double(made + i) * 60, sources: [MemorySource(ingestion: "ing_bench", turns: [made + i])]))
            vectors.append([embedder.embed(text)])
            if (made + i) % 2 == 0 {
                let (predicate, type) = predicates[Int(random.next() % 3)]
                let relation = ExtractedRelation(
                    subject: "Bench User", subjectType: .user, predicate: predicate, object: names[Int(random.next() % UInt64(entities))],
                    objectType: type)
                distilled.relations.append(
                    PendingRelation(
                        relation: relation, validAt: 1_700_000_000 + Double(made + i) * 60, fact: text,
                        memory: distilled.memories.count - 1, sources: [MemorySource(ingestion: "ing_bench", turns: [made + i])]))
            }
        }
        let now = Date().timeIntervalSince1970
        let ingestion = Ingestion(id: "ing_\(made)", user: "bench", kind: "chat", filename: nil, contentHash: "\(made)", at: now)
        _ = try await repository.submit(ingestion, payload: [1], options: "{}")
        _ = try await repository.commit(ingestion, distilled, vectors: vectors, at: now)
        made += distilled.memories.count
    }
    return (service, vocabulary, names, repository)
}

/// Where this run's store lives.
let benchDirectory = NSTemporaryDirectory() + "voxface-twin-bench-\(getpid())"

let benchmarks: @Sendable () -> Void = {
    let twin = TwinUnderTest()
    // `shared`: the store also holds a second, small twin (a server of several users); `cold`
    // likewise, for the server with room for one twin's vectors.
    func configuration(shared: Bool, cold: Bool = false) -> Benchmark.Configuration {
        .init(
            metrics: [.wallClock, .peakMemoryResident, .throughput], timeUnits: .microseconds, warmupIterations: 20, scalingFactor: .one,
            maxDuration: .seconds(20), maxIterations: 2000,
            setup: {
                guard twin.service == nil else { return }
                twin.directory = benchDirectory
                // The store (about 270 MB) goes when the run ends.
                atexit { try? FileManager.default.removeItem(atPath: benchDirectory) }
                let (service, vocabulary, names, repository) = try await buildTwin(count: 100_000, directory: twin.directory)
                var random = SplitMix64(seed: 11)
                let embedder = HashedTextEmbedder()
                twin.queries = (0..<200).map { _ in
                    let q =
                        "what do I "
                        + (0..<(3 + Int(random.next() % 5))).map { _ in vocabulary.contentWord(&random) }.joined(separator: " ")
                    return (q, embedder.embed(q))
                }
                // The worst case: questions made of the commonest words (most rows match each).
                twin.common = (0..<200).map { _ in
                    let q = vocabulary.sentence(&random, length: 6)
                    return (q, embedder.embed(q))
                }
                // Chat messages: half name one of the graph's entities.
                twin.messages = (0..<200).map { i in
                    let words = (0..<(3 + Int(random.next() % 5))).map { _ in vocabulary.contentWord(&random) }.joined(separator: " ")
                    return i % 2 == 0
                        ? "what do I know about \(names[Int(random.next() % UInt64(names.count))]) and \(words)" : "what do I \(words)"
                }
                twin.service = service
                var tight = TwinConfiguration()
                tight.maxCachedVectors = 100_000
                twin.tight = TwinService(
                    repository: repository, projects: repository, embedder: HashedTextEmbedder(), configuration: tight,
                    clock: { 1_780_000_000 }, compose: { _, fallback, _ in ChatReply(text: await fallback(), generator: "offline") })
                if shared || cold {
                    _ = try await service.create(user: "other", name: "Other User")
                    let log = #"[{"sender": "Other User", "time": "2026-01-01T10:00:00Z", "text": "\#(twin.messages[0])"}]"#
                    _ = try await service.ingest(user: "other", kind: .chat, payload: Array(log.utf8), filename: "other.json")
                    try await service.processQueued()
                }
                // The first search loads the user's vectors into memory (once per server run).
                _ = try await service.searchKnown(user: "bench", query: "warm up", k: 10, vector: twin.queries[0].1)
            })
    }
    let config = configuration(shared: false)
    Benchmark("TwinSearch100k", configuration: config) { benchmark in
        for _ in benchmark.scaledIterations {
            let (q, v) = twin.queries[twin.next % twin.queries.count]
            twin.next += 1
            blackHole(try await twin.service!.searchKnown(user: "bench", query: q, k: 10, vector: v))
        }
    }
    Benchmark("TwinSearch100kSharedStore", configuration: configuration(shared: true)) { benchmark in
        for _ in benchmark.scaledIterations {
            let (q, v) = twin.queries[twin.next % twin.queries.count]
            twin.next += 1
            blackHole(try await twin.service!.searchKnown(user: "bench", query: q, k: 10, vector: v))
        }
    }
    Benchmark("TwinSearch100kTwoAtOnce", configuration: config) { benchmark in
        for _ in benchmark.scaledIterations {
            let queries = [twin.queries[twin.next % twin.queries.count], twin.queries[(twin.next + 1) % twin.queries.count]]
            twin.next += 2
            let service = twin.service!
            try await withThrowingTaskGroup(of: Int.self) { group in
                for (q, v) in queries { group.addTask { try await service.searchKnown(user: "bench", query: q, k: 10, vector: v).count } }
                for try await n in group { blackHole(n) }
            }
        }
    }
    Benchmark("TwinSearch100kColdVectors", configuration: configuration(shared: false, cold: true)) { benchmark in
        for _ in benchmark.scaledIterations {
            let (q, v) = twin.queries[twin.next % twin.queries.count]
            twin.next += 1
            blackHole(try await twin.tight!.searchKnown(user: "other", query: q, k: 10, vector: v))
            blackHole(try await twin.tight!.searchKnown(user: "bench", query: q, k: 10, vector: v))
        }
    }
    Benchmark("TwinSearch100kCommonWords", configuration: config) { benchmark in
        for _ in benchmark.scaledIterations {
            let (q, v) = twin.common[twin.next % twin.common.count]
            twin.next += 1
            blackHole(try await twin.service!.searchKnown(user: "bench", query: q, k: 10, vector: v))
        }
    }
    Benchmark("TwinSearch100kOffline", configuration: config) { benchmark in
        for _ in benchmark.scaledIterations {
            let (q, _) = twin.queries[twin.next % twin.queries.count]
            twin.next += 1
            blackHole(try await twin.service!.search(user: "bench", query: q, k: 10))
        }
    }
    Benchmark("TwinChatContext100k", configuration: config) { benchmark in
        for _ in benchmark.scaledIterations {
            let message = twin.messages[twin.next % twin.messages.count]
            twin.next += 1
            blackHole(try await twin.service!.context(user: "bench", message: message, k: 5, factLimit: 5))
        }
    }
    Benchmark("TwinIngestChatInto100k", configuration: config) { benchmark in
        for _ in benchmark.scaledIterations {
            twin.next += 1
            let n = twin.next
            let log = (0..<3).map { i in
                #"{"sender": "\#(i == 1 ? "Sam" : "Bench User")", "time": "2026-01-0\#(1 + i)T10:00:00Z", "text": "note \#(n) \#(i): "#
                    + #"\#(twin.messages[(n + i) % twin.messages.count])"}"#
            }
            let payload = Array(("[" + log.joined(separator: ", ") + "]").utf8)
            blackHole(try await twin.service!.ingest(user: "bench", kind: .chat, payload: payload, filename: "chat-\(n).json"))
            try await twin.service!.processQueued()
        }
    }
    // The offline extractor on one chunk of the largest size ingestion makes (2,000 tokens):
    // entities, and relations (each sentence's triggers). Formerly a timed unit test.
    let extractor = OfflineExtractor()
    let context = ExtractionContext(userName: "Maya Chen", knownPeople: ["Sam Okafor"])
    let chunk = String(
        repeating: "Lunch with Daniel Okoro at Northwind Labs in Rotterdam about the housing proposal, said Grace. ", count: 2_000 / 16)
    let extraction = Benchmark.Configuration(
        metrics: [.wallClock, .throughput], timeUnits: .microseconds, warmupIterations: 5, scalingFactor: .one,
        maxDuration: .seconds(10), maxIterations: 1000)
    Benchmark("TwinExtractEntities2kTokens", configuration: extraction) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(extractor.entities(in: chunk, context: context)) }
    }
    Benchmark("TwinExtractRelations2kTokens", configuration: extraction) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(extractor.relations(in: chunk, context: context)) }
    }
    // The encoder `make` fetches, found from the Benchmarks folder when the search paths miss it.
    let fetched = URL(fileURLWithPath: "../.build/models/all-MiniLM-L6-v2")
    let directory =
        SentenceEncoder.findDefault() ?? (FileManager.default.fileExists(atPath: fetched.path + "/model.safetensors") ? fetched : nil)
    if let directory, let encoder = try? SentenceEncoder(directory: directory) {
        Benchmark(
            "TwinQueryEncodeMiniLM",
            configuration: .init(
                metrics: [.wallClock, .throughput], timeUnits: .microseconds, warmupIterations: 5, scalingFactor: .one,
                maxDuration: .seconds(10), maxIterations: 500)
        ) { benchmark in
            for _ in benchmark.scaledIterations { blackHole(encoder.encode("Where did Maya first meet Tomás, and when was it?")) }
        }
        let golden = "../Tests/VoxTwinsTests/Fixtures/golden/footprint"
        if FileManager.default.fileExists(atPath: golden) {
            var answer: (service: TwinService, plan: TwinChatPlan)?
            Benchmark(
                "TwinOfflineAnswerMiniLM",
                configuration: .init(
                    metrics: [.wallClock, .throughput], timeUnits: .milliseconds, warmupIterations: 2, scalingFactor: .one,
                    maxDuration: .seconds(10), maxIterations: 100,
                    setup: { answer = try await offlineAnswerSetup(golden, encoder: encoder) },
                    teardown: { answer = nil })
            ) { benchmark in
                guard let (service, plan) = answer else { return }
                for _ in benchmark.scaledIterations {
                    blackHole(await service.offlineAnswer(plan, names: ["Maya Chen", "maya"]))
                }
            }
        }
    }
}

/// The golden footprint's twin with the sentence encoder, and the chat's plan for one question
/// (its context: 5 memories and up to 5 facts).
func offlineAnswerSetup(_ footprint: String, encoder: SentenceEncoder) async throws -> (TwinService, TwinChatPlan) {
    let directory = NSTemporaryDirectory() + "voxface-bench-answer-" + UUID().uuidString
    let store = try Store(directory: directory, migrations: TwinSchema.migrations)
    let repository = SQLiteTwinRepository(store: store)
    let service = TwinService(
        repository: repository, projects: repository, embedder: SentenceTextEmbedder(encoder: encoder), clock: { 1_773_532_800 },
        compose: { _, fallback, _ in ChatReply(text: await fallback(), generator: "offline") })
    _ = try await service.create(user: "maya", name: "Maya Chen")
    for name in try FileManager.default.contentsOfDirectory(atPath: footprint).sorted() {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: footprint + "/" + name)))
        guard let kind = IngestKind.detect(filename: name, contentType: nil, bytes: bytes) else { continue }
        _ = try await service.ingest(user: "maya", kind: kind, payload: bytes, filename: name, window: 1_704_067_200...1_830_297_600)
    }
    try await service.processQueued()
    let question = "Can I leave Maya an audio message instead of typing?"
    let (found, facts) = try await service.context(
        user: "maya", message: question, k: TwinChatPlan.topMemories, factLimit: TwinChatPlan.graphFacts)
    let plan = TwinChatPlan(name: "Maya Chen", style: nil, recent: [], memories: found.map(\.memory), facts: facts, question: question)
    return (service, plan)
}
