import Dispatch
import Foundation
import Synchronization
public import VoxLLM
public import VoxMatch
import VoxStore

/// The twin service's settings.
public struct TwinConfiguration: Sendable {
    /// Largest file or body (20 MB).
    public var maxBytes = 20 << 20
    /// Ingestions waiting across users; more are refused as busy.
    public var maxQueued = 256
    /// Tries of an ingestion whose failure is the store's (a bad file is never retried).
    public var maxAttempts = 3
    /// Memories one ingestion may write.
    public var maxMemoriesPerIngestion = 100_000
    /// Calendar window when none is asked: a year back to a year ahead of the submission.
    public var calendarWindow: Double = 365 * 86_400
    /// Dense vectors kept in memory across users (`voxface serve --twin-vectors`; about 1.9 KB
    /// each): the least recently searched twins' vectors are dropped beyond it and read from the
    /// store again at their next search.
    public var maxCachedVectors = 250_000
    /// The fusion rule.
    public var ranking = HybridRanking()
    /// First retry's delay, seconds (doubling).
    public var retryDelay: Double = 1

    /// The defaults.
    public init() {}
}

/// A memory found by a search, with its fused score.
public struct FoundMemory: Sendable, Equatable, Codable {
    /// The memory.
    public var memory: Memory
    /// Fused score (higher is better; comparable within one search).
    public var score: Double
    /// Memories this one stands for in the results: ranked ones whose text it repeats or holds
    /// (a fact inside its passage, a message inside its window), so they took no place of their own.
    public var covers: [Int64] = []
}

/// Composes a chat reply: the language model, with the offline reply made by `fallback` when the
/// model is off or fails (VoxServer passes the resilient client; tests pass a function).
public typealias TwinComposer =
    @Sendable (
        _ request: ChatRequest, _ fallback: @escaping @Sendable () async -> String, _ onDelta: (@Sendable (String) -> Void)?
    ) async -> ChatReply

/// Digital twins (Protocols/twins.md): ingestion as background jobs, memories with hybrid
/// retrieval, the temporal graph, twin chat and recommendations. Plain logic over the repository;
/// no HTTP. Thread-safe.
public final class TwinService: Sendable {
    /// The settings.
    public let configuration: TwinConfiguration
    /// The text encoder for dense retrieval (the sentence encoder when present).
    public let embedder: any TextEmbedder
    let repository: any TwinRepository
    let projects: any ProjectRepository
    let clock: @Sendable () -> Double
    let compose: TwinComposer
    let dense: DenseCache
    /// Questions are embedded here (interactive).
    private let encoderQueue = DispatchQueue(label: "voxface.twins.encoder", qos: .userInitiated)
    /// Ingestions are read, distilled and embedded here, at nice 10.
    private let background = BackgroundThread(name: "voxface.twins.ingest")
    private let jobs: AsyncStream<String>
    private let enqueue: AsyncStream<String>.Continuation
    private let queued = Atomic<Int>(0)
    let counters = Mutex(TwinStats())

    /// A service over `repository`.
    public init(
        repository: any TwinRepository, projects: any ProjectRepository, embedder: any TextEmbedder,
        configuration: TwinConfiguration = .init(),
        clock: (@Sendable () -> Double)? = nil, compose: @escaping TwinComposer
    ) {
        self.repository = repository
        self.projects = projects
        self.embedder = embedder
        self.configuration = configuration
        self.clock = clock ?? { Date().timeIntervalSince1970 }
        self.compose = compose
        dense = DenseCache(dimension: embedder.dimension, maxVectors: configuration.maxCachedVectors)
        (jobs, enqueue) = AsyncStream<String>.makeStream(bufferingPolicy: .unbounded)
    }

    /// Counters for /metrics.
    public var stats: TwinStats {
        var s = counters.withLock { $0 }
        (s.vectorsInMemory, s.vectorEvictions) = dense.held
        return s
    }

    // MARK: - Twins

    /// Creates `user`'s twin.
    public func create(user: String, name: String?) async throws -> TwinView {
        try Self.check(user: user)
        let display = (name ?? user).trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(display.count) else { throw TwinError.invalid(field: "name", rule: "must be 1-200 characters") }
        guard try await repository.createTwin(user: user, name: display, at: clock()) else { throw TwinError.exists(user) }
        return try await get(user)
    }

    /// The twin.
    public func get(_ user: String) async throws -> TwinView {
        guard let view = try await repository.view(user) else { throw TwinError.notFound(user) }
        return view
    }

    /// Deletes the twin and everything it holds.
    public func delete(_ user: String) async throws {
        guard try await repository.deleteTwin(user) else { throw TwinError.notFound(user) }
        dense.drop(user)
    }

    /// User names: 1-128 letters, digits and `-._@` (as API keys name users).
    static func check(user: String) throws(TwinError) {
        guard (1...128).contains(user.utf8.count),
            user.unicodeScalars.allSatisfy({
                ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || "-._@".unicodeScalars.contains($0)
            })
        else { throw .invalid(field: "user", rule: "must be 1-128 characters of letters, digits and -._@") }
    }

    // MARK: - Ingestion

    /// Submits content for ingestion: stored, then read by the background worker. The same
    /// content submitted again returns the first ingestion (`duplicate` true).
    /// - Throws: ``TwinError/notFound(_:)``, ``TwinError/busy`` when the queue is full,
    ///   ``TwinInputError`` for a kind we do not read or content over the bound.
    public func ingest(user: String, kind: IngestKind, payload: [UInt8], filename: String?, window: ClosedRange<Double>? = nil)
        async throws -> (Ingestion, duplicate: Bool)
    {
        guard payload.count <= configuration.maxBytes else { throw TwinInputError.tooLarge(what: "bytes", limit: configuration.maxBytes) }
        guard !payload.isEmpty else { throw TwinInputError.malformed(format: kind.rawValue, reason: "the content is empty") }
        guard try await repository.twin(user) != nil else { throw TwinError.notFound(user) }
        guard queued.add(1, ordering: .relaxed).newValue <= configuration.maxQueued else {
            queued.subtract(1, ordering: .relaxed)
            counters.withLock { $0.busy += 1 }
            throw TwinError.busy
        }
        let now = clock()
        let ingestion = Ingestion(
            id: Self.newID(), user: user, kind: kind.rawValue, filename: filename.map { String($0.prefix(255)) },
            contentHash: Self.sha256(payload), at: now)
        let window = window ?? (now - configuration.calendarWindow)...(now + configuration.calendarWindow)
        let options = json(["from": window.lowerBound, "to": window.upperBound])
        let stored: (Ingestion, duplicate: Bool)
        do { stored = try await repository.submit(ingestion, payload: payload, options: options) } catch {
            queued.subtract(1, ordering: .relaxed)
            throw error
        }
        if stored.duplicate {
            queued.subtract(1, ordering: .relaxed)
        } else {
            enqueue.yield(stored.0.id)
        }
        return stored
    }

    /// One ingestion of the user's.
    public func ingestion(user: String, id: String) async throws -> Ingestion {
        guard let i = try await repository.ingestion(user: user, id: id) else { throw TwinError.ingestionNotFound(id) }
        return i
    }

    /// The user's ingestions, newest first.
    public func ingestions(user: String, limit: Int) async throws -> [Ingestion] {
        guard try await repository.twin(user) != nil else { throw TwinError.notFound(user) }
        return try await repository.ingestions(user: user, limit: limit)
    }

    /// Runs the ingestion worker until the task is cancelled: first the ingestions a previous run
    /// left unfinished, then new ones, one at a time, their work on a thread at nice 10.
    public func runWorker() async {
        if let left = try? await repository.unfinished() {
            for i in left {
                _ = queued.add(1, ordering: .relaxed)
                enqueue.yield(i.id)
            }
        }
        await withTaskCancellationHandler {
            for await id in jobs {
                await process(id)
                queued.subtract(1, ordering: .relaxed)
                if Task.isCancelled { break }
            }
        } onCancel: { [enqueue] in
            enqueue.finish()
        }
    }

    /// Processes every unfinished ingestion now, in order (tools, evaluations and tests, which
    /// run no worker).
    public func processQueued() async throws {
        for i in try await repository.unfinished() { await process(i.id) }
        queued.store(0, ordering: .relaxed)
    }

    /// Processes one ingestion until it is done or dead-lettered (retrying the store's failures).
    func process(_ id: String) async {
        guard let (user, payload, options) = try? await repository.payload(id),
            var ingestion = try? await repository.ingestion(user: user, id: id)
        else { return }
        let window = Self.window(options)
        while true {
            ingestion.attempts += 1
            ingestion.status = .running
            ingestion.error = nil
            ingestion.updatedAt = clock()
            do {
                try await repository.update(ingestion)
                guard let twin = try await repository.twin(user) else { return }
                var read = try await distil(ingestion, payload: payload, window: window, twin: twin)
                await addModelRelations(to: &read, userName: twin.name)
                let distilled = read
                let running = ingestion
                let vectors = try await embedMemories(distilled.memories) { fraction in
                    var progress = running
                    progress.progress = 0.1 + 0.8 * fraction
                    progress.updatedAt = self.clock()
                    progress.items = distilled.items
                    try? await self.repository.update(progress)
                }
                let result = try await repository.commit(ingestion, distilled, vectors: vectors, at: clock())
                remember(user, result, vectors)
                counters.withLock {
                    $0.ingested += 1
                    $0.memoriesWritten += result.memoryIDs.count
                    $0.relationsWritten += result.relations
                }
                return
            } catch let error as TwinInputError {
                await fail(&ingestion, reason: Self.describe(error))
                return
            } catch let error as StoreError {
                guard case .unavailable = error, ingestion.attempts < configuration.maxAttempts else {
                    await fail(&ingestion, reason: "the store failed: \(error)")
                    return
                }
                counters.withLock { $0.retries += 1 }
                let delay = configuration.retryDelay * Double(1 << (ingestion.attempts - 1))
                try? await Task.sleep(for: .seconds(delay))
            } catch {
                await fail(&ingestion, reason: "\(error)")
                return
            }
        }
    }

    private func fail(_ ingestion: inout Ingestion, reason: String) async {
        ingestion.status = .failed
        ingestion.error = String(reason.prefix(500))
        ingestion.updatedAt = clock()
        counters.withLock { $0.failed += 1 }
        try? await repository.update(ingestion)
    }

    /// Adds the language model's relations for the distilled facts (``ModelExtraction``), in
    /// batches; when the offline fallback answers instead (no model configured, or its circuit
    /// open) nothing is added and no further batch is sent. A relation the rules already found
    /// for the same fact is not added twice.
    func addModelRelations(to distilled: inout Distilled, userName: String) async {
        let facts = Array(distilled.memories.indices.filter { distilled.memories[$0].kind == .fact }.prefix(ModelExtraction.maxFacts))
        func key(_ memory: Int?, _ r: ExtractedRelation) -> String {
            "\(memory ?? -1)|\(r.subject.lowercased())|\(r.predicate)|\(r.object.lowercased())"
        }
        var known = Set(distilled.relations.map { key($0.memory, $0.relation) })
        for start in stride(from: 0, to: facts.count, by: ModelExtraction.factsPerRequest) {
            let batch = Array(facts[start..<min(facts.count, start + ModelExtraction.factsPerRequest)])
            let reply = await compose(
                ModelExtraction.request(facts: batch.map { distilled.memories[$0].text }, userName: userName), { "" }, nil)
            guard reply.generator == "llm" else { return }
            for (k, relation) in ModelExtraction.parse(reply.text, factCount: batch.count, userName: userName) {
                let m = batch[k]
                guard known.insert(key(m, relation)).inserted else { continue }
                let memory = distilled.memories[m]
                distilled.relations.append(
                    PendingRelation(relation: relation, validAt: memory.validAt, fact: memory.text, memory: m, sources: memory.sources))
                counters.withLock { $0.modelRelations += 1 }
            }
        }
    }

    /// Reads and distils an ingestion's content off the cooperative pool.
    func distil(_ ingestion: Ingestion, payload: [UInt8], window: ClosedRange<Double>?, twin: TwinRecord) async throws -> Distilled {
        let kind = IngestKind(rawValue: ingestion.kind) ?? .text
        let distiller = Distiller(userNames: [twin.name, twin.user])
        let now = ingestion.createdAt
        let cap = configuration.maxMemoriesPerIngestion
        return try await withCheckedThrowingContinuation { (c: CheckedContinuation<Distilled, any Error>) in
            background.async {
                do {
                    var d = try Self.read(
                        kind, payload, distiller: distiller, id: ingestion.id, window: window ?? (now - 365 * 86_400)...(now + 365 * 86_400)
                    )
                    if d.memories.count > cap { throw TwinInputError.tooLarge(what: "memories", limit: cap) }
                    d.relations = d.relations.filter { $0.memory.map { $0 < d.memories.count } ?? true }
                    c.resume(returning: d)
                } catch { c.resume(throwing: error) }
            }
        }
    }

    static func read(_ kind: IngestKind, _ payload: [UInt8], distiller: Distiller, id: String, window: ClosedRange<Double>) throws
        -> Distilled
    {
        switch kind {
        case .text, .markdown:
            guard let text = String(validating: payload, as: UTF8.self) else {
                throw TwinInputError.malformed(format: kind.rawValue, reason: "the text is not valid UTF-8")
            }
            return distiller.document(text, ingestion: id, time: nil)
        case .html:
            let html = String(decoding: payload, as: UTF8.self)
            let page = HTMLText.extract(html)
            let text = [page.title, page.text].compactMap { $0 }.joined(separator: "\n\n")
            return distiller.document(text, ingestion: id, time: nil)
        case .pdf:
            let pdf = try PDFText.extract(payload)
            return distiller.document(pdf.text, ingestion: id, time: nil)
        case .chat:
            return distiller.chat(try ChatLogReader.read(payload), ingestion: id)
        case .calendar:
            guard let text = String(validating: payload, as: UTF8.self) else {
                throw TwinInputError.malformed(format: "ics", reason: "the calendar is not valid UTF-8")
            }
            let entries = try ICalendar.parse(text)
            return distiller.calendar(entries, from: window.lowerBound, to: window.upperBound, ingestion: id)
        }
    }

    static func window(_ options: String) -> ClosedRange<Double>? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(options.utf8)) as? [String: Any],
            let from = object["from"] as? Double, let to = object["to"] as? Double, from <= to
        else { return nil }
        return from...to
    }

    static func describe(_ error: TwinInputError) -> String {
        switch error {
        case .malformed(let format, let reason): "malformed \(format): \(reason)"
        case .tooLarge(let what, let limit): "too large: more than \(limit) \(what)"
        case .unsupported(let what): "unsupported: \(what)"
        }
    }

    // MARK: - Encoding

    /// Embeds each memory's texts (the whole, then its parts).
    func embedMemories(_ memories: [PendingMemory], progress: @escaping @Sendable (Double) async -> Void) async throws -> [[[Float]]] {
        let flat = try await embedAll(memories.flatMap(\.embedded), progress: progress)
        var out: [[[Float]]] = []
        out.reserveCapacity(memories.count)
        var i = 0
        for m in memories {
            let n = m.embedded.count
            out.append(Array(flat[i..<(i + n)]))
            i += n
        }
        return out
    }

    /// Puts a commit's new vectors in the dense cache and takes superseded memories out.
    func remember(_ user: String, _ result: CommitResult, _ vectors: [[[Float]]]) {
        var added: [(Int64, [Float])] = []
        for (id, list) in zip(result.memoryIDs, vectors) where result.inserted.contains(id) {
            for v in list { added.append((id, v)) }
        }
        dense.apply(user, added: added, removed: result.superseded)
    }

    /// Embeds texts on the encoder's queue, reporting progress between batches.
    func embedAll(_ texts: [String], progress: @escaping @Sendable (Double) async -> Void) async throws -> [[Float]] {
        var out: [[Float]] = []
        out.reserveCapacity(texts.count)
        let batch = 64
        var start = 0
        let embedder = self.embedder
        let began = ContinuousClock.now
        while start < texts.count {
            let slice = Array(texts[start..<min(texts.count, start + batch)])
            let vectors = await withCheckedContinuation { (c: CheckedContinuation<[[Float]], Never>) in
                background.async { c.resume(returning: slice.map { embedder.embed($0) }) }
            }
            out += vectors
            start += slice.count
            if texts.count > batch { await progress(Double(start) / Double(texts.count)) }
            try Task.checkCancellation()
        }
        let d = ContinuousClock.now - began
        counters.withLock {
            $0.embeddings += texts.count
            $0.embeddingSeconds += Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        }
        return out
    }

    func embed(_ text: String) async -> [Float] {
        let embedder = self.embedder
        return await withCheckedContinuation { (c: CheckedContinuation<[Float], Never>) in
            encoderQueue.async { c.resume(returning: embedder.embed(text)) }
        }
    }

    // MARK: - Search

    /// The user's memories best matching `query` (hybrid: BM25 + dense + importance + recency),
    /// best first; expired memories and superseded ones left out.
    public func search(user: String, query: String, k: Int) async throws -> [FoundMemory] {
        guard let twin = try await repository.twin(user) else { throw TwinError.notFound(user) }
        // Every memory is about the user: their own names in a question only add noise.
        let focused = Self.focus(query, names: [twin.name, twin.user])
        return try await searchKnown(user: user, query: focused, k: k, vector: await embed(focused))
    }

    /// `query` as the user would ask it of themselves: the user's names become "I" (and "my"
    /// for the possessive), third-person pronouns likewise, since memories are in the first
    /// person and every memory is about the user anyway.
    static func focus(_ query: String, names: [String]) -> String {
        let drop = Set(names.flatMap { $0.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init) }.filter { $0.count >= 2 })
        var kept: [String] = []
        for word in query.split(separator: " ") {
            var core = word.lowercased().trimmingCharacters(in: .punctuationCharacters)
            var possessive = false
            for suffix in ["'s", "’s"] where core.hasSuffix(suffix) {
                core = String(core.dropLast(2))
                possessive = true
            }
            let tail = word.last.map { $0.isPunctuation && $0 != "'" ? String($0) : "" } ?? ""
            if drop.contains(core) {
                let replacement = possessive ? "my" : "I"
                if kept.last == "I" || kept.last == "my" { continue }  // "Maya Chen" is one "I"
                kept.append(replacement + tail)
            } else if let pronoun = Self.pronouns[core] {
                kept.append(pronoun + tail)
            } else {
                kept.append(String(word))
            }
        }
        let out = kept.joined(separator: " ")
        return out.contains(where: { $0.isLetter || $0.isNumber }) ? out : query
    }

    static let pronouns = ["she": "I", "he": "I", "her": "my", "his": "my", "herself": "myself", "himself": "myself", "hers": "mine"]

    /// The two retrievers' lists for `query` (best first, before fusion), for diagnostics.
    func retrieverLists(user: String, query: String) async throws -> (bm25: [Int64], dense: [Int64]) {
        guard let twin = try await repository.twin(user) else { throw TwinError.notFound(user) }
        let focused = Self.focus(query, names: [twin.name, twin.user])
        let depth = configuration.ranking.depth
        let bm25 = try await repository.bm25(user: user, query: focused, limit: depth)
        return (bm25, try await nearest(user: user, await embed(focused), k: depth))
    }

    /// The search of a known twin with the query's vector already computed (benchmarks and chat).
    public func searchKnown(user: String, query: String, k: Int, vector: [Float]) async throws -> [FoundMemory] {
        Self.collapsed(try await ranked(user: user, query: query, vector: vector), k: k)
    }

    /// What the chat retrieves for `message` (Protocols/twins.md, "Chat"): the top `k` memories,
    /// and up to `factLimit` graph facts. The facts are, first, the edges of entities the message
    /// names, then the edges drawn from the memories that rank for it (the PRD's graph search), each
    /// group in the rank of the memory the edge came from.
    public func context(user: String, message: String, k: Int, factLimit: Int) async throws -> (
        memories: [FoundMemory], facts: [GraphFact]
    ) {
        guard let twin = try await repository.twin(user) else { throw TwinError.notFound(user) }
        let focused = Self.focus(message, names: [twin.name, twin.user])
        let ranked = try await ranked(user: user, query: focused, vector: await embed(focused))
        let ids = ranked.map(\.memory.id)
        // Names as written: the focused query has the user's own names as "I".
        let named = try await repository.facts(user: user, mentionedIn: message, limit: 50).ordered(byRankOf: ids)
        var facts: [GraphFact] = []
        var seen: Set<Int64> = []
        for f in named + (try await repository.facts(user: user, fromMemories: ids, limit: factLimit))
        where facts.count < factLimit && seen.insert(f.id).inserted {
            facts.append(f)
        }
        return (Self.collapsed(ranked, k: k), facts)
    }

    /// The first `k` of `ranked` with repeats collapsed (``HybridRanking/collapse(_:k:)``).
    static func collapsed(_ ranked: [FoundMemory], k: Int) -> [FoundMemory] {
        HybridRanking.collapse(ranked.map(\.memory.text), k: k).map { place in
            var found = ranked[place.index]
            found.covers = place.covers.map { ranked[$0].memory.id }
            return found
        }
    }

    /// Every memory either retriever found, fused and best first (no collapsing).
    func ranked(user: String, query: String, vector: [Float]) async throws -> [FoundMemory] {
        let depth = configuration.ranking.depth
        // The two retrievers run side by side (the index read on the store's reader, the scan here).
        async let lexical = repository.bm25(user: user, query: query, limit: depth)
        let dense = try await nearest(user: user, vector, k: depth)
        let bm25 = try await lexical
        var ids: [Int64] = []
        var seen: Set<Int64> = []
        for id in bm25 + dense where seen.insert(id).inserted { ids.append(id) }
        let memories = try await repository.memories(user: user, ids: ids)
        let now = clock()
        var facts: [Int64: HybridRanking.Candidate] = [:]
        var byID: [Int64: Memory] = [:]
        for m in memories where m.supersededBy == nil && (m.expiresAt.map { $0 > now } ?? true) {
            byID[m.id] = m
            facts[m.id] = .init(id: m.id, importance: m.importance, time: m.validAt ?? m.createdAt)
        }
        let fused = configuration.ranking.fuse(
            bm25: bm25.filter { byID[$0] != nil }, dense: dense.filter { byID[$0] != nil }, facts: facts, now: now)
        counters.withLock { $0.searches += 1 }
        return fused.compactMap { f in byID[f.id].map { FoundMemory(memory: $0, score: (f.score * 1e6).rounded() / 1e6) } }
    }

    func nearest(user: String, _ q: [Float], k: Int) async throws -> [Int64] {
        guard q.contains(where: { $0 != 0 }) else { return [] }
        if let found = dense.nearest(user, q, k: k) { return found }
        let generation = dense.generation(user)
        let (ids, vectors) = try await repository.vectors(user: user, dimension: embedder.dimension)
        counters.withLock { $0.vectorLoads += 1 }
        dense.install(user, ids: ids, vectors: vectors, generation: generation)
        if let found = dense.nearest(user, q, k: k) { return found }
        // Changed while loading: score this once from what was read.
        var index = VectorIndex(dimension: embedder.dimension)
        _ = index.append(contentsOf: vectors)
        return DenseCache.distinct(index.nearest(q, k: k * DenseCache.rowsPerMemory).map { ids[$0.row] }, k: k)
    }

    /// The history of a memory's slot (the memory, the ones it superseded and the one that
    /// superseded it), newest first.
    public func history(user: String, of id: Int64) async throws -> [Memory] {
        try await repository.history(user: user, of: id)
    }

    /// The graph as known at `knownAt` (default now), or every edge ever recorded.
    public func graph(user: String, knownAt: Double?, includeRetired: Bool, limit: Int) async throws -> [GraphFact] {
        guard try await repository.twin(user) != nil else { throw TwinError.notFound(user) }
        return try await repository.graph(user: user, knownAt: knownAt ?? clock(), includeRetired: includeRetired, limit: limit)
    }

    // MARK: - Identifiers

    static func newID() -> String {
        var g = SystemRandomNumberGenerator()
        return "ing_" + String((0..<12).map { _ in "0123456789abcdefghijklmnopqrstuvwxyz".randomElement(using: &g)! })
    }

    static func sha256(_ bytes: [UInt8]) -> String { SHA256.hex(bytes) }
}

/// Counters of the twin service.
public struct TwinStats: Sendable, Equatable {
    /// Ingestions done.
    public var ingested = 0
    /// Ingestions dead-lettered.
    public var failed = 0
    /// Retries after a store failure.
    public var retries = 0
    /// Ingestions refused: queue full.
    public var busy = 0
    /// Memories written.
    public var memoriesWritten = 0
    /// Graph relations written.
    public var relationsWritten = 0
    /// Relations the language model added to those the offline extractor found.
    public var modelRelations = 0
    /// Texts embedded.
    public var embeddings = 0
    /// Seconds spent embedding.
    public var embeddingSeconds = 0.0
    /// Memory searches.
    public var searches = 0
    /// Twins' vectors read from the store into memory (a twin's first search, or its first after
    /// its vectors were dropped for room).
    public var vectorLoads = 0
    /// Twins whose vectors were dropped from memory for room (see `--twin-vectors`).
    public var vectorEvictions = 0
    /// Vectors held in memory now, across twins.
    public var vectorsInMemory = 0
    /// Chat turns answered.
    public var chats = 0
    /// Recommendations made.
    public var recommendations = 0
}
