import ArgumentParser
import Foundation
import VoxLLM
import VoxMatch
import VoxModel
import VoxStore
import VoxTwins

/// `voxface twin-eval golden|locomo|extraction [PATH]`: the twin's published evaluations
/// (Benchmarks/README.md, "Twin memory").
struct TwinEvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "twin-eval",
        abstract: "Measure the digital twin's retrieval and extraction (the figures Benchmarks/README.md publishes).",
        discussion: """
            golden: preference recall on the synthetic user's footprint (PATH: the folder holding footprint/ and \
            questions.json; default Tests/VoxTwinsTests/Fixtures/golden), at k = 5 and 10, and the chat's graph facts on \
            the questions whose evidence is a graph fact. \
            locomo: evidence recall@10 on LoCoMo (PATH: locomo10.json; Tools/twins/fetch-locomo.sh fetches it into \
            .build/eval), by category. extraction: the offline extractor's precision, recall and F1 per entity type \
            on the held-out labelled set (PATH: default Tests/VoxTwinsTests/Fixtures/ner/test.json). \
            The sentence encoder is used when its weights are found (as `voxface serve` does); --offline forces the \
            offline encoder. Each run uses a fresh store in a temporary directory.
            """)

    enum Suite: String, ExpressibleByArgument, CaseIterable {
        case golden, locomo, extraction
    }

    @Argument(help: "golden, locomo or extraction.")
    var suite: Suite

    @Argument(help: "The data (see above).")
    var path: String?

    @Flag(help: "Use the offline encoder even when the sentence encoder's weights are present.")
    var offline = false

    @Option(help: "LoCoMo: evaluate only the first N conversations.")
    var conversations: Int?

    @Flag(
        help: """
            golden: for each question missed at 5, print the top 5 and where the evidence ranks (of 60, and in the BM25 \
            and dense lists).
            """
    )
    var showMisses = false

    @Option(
        help: ArgumentHelp(
            "golden: also write what the retrieval saw (memories; per question both lists and the fused ranking) to FILE as JSON, for Tools/twins/rerank_prototype.py.",
            valueName: "FILE"))
    var dumpCandidates: String?

    func run() async throws {
        // The store of this run only: removed when the run ends, whatever the outcome.
        let directory = NSTemporaryDirectory() + "voxface-twin-eval-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        switch suite {
        case .extraction:
            let file = path ?? "Tests/VoxTwinsTests/Fixtures/ner/test.json"
            guard let data = FileManager.default.contents(atPath: file) else { throw CLIError("\(file): cannot read the labelled set") }
            let cases: [LabelledCase]
            do { cases = try JSONDecoder().decode([LabelledCase].self, from: data) } catch {
                throw CLIError("\(file): not a labelled set (\(error))")
            }
            let report = ExtractionEvaluation.score(cases, extractor: OfflineExtractor())
            print("offline extraction on \(file) (\(cases.count) sentences):\n\(report.table)")
        case .golden:
            let folder = path ?? "Tests/VoxTwinsTests/Fixtures/golden"
            guard let data = FileManager.default.contents(atPath: folder + "/questions.json") else {
                throw CLIError("\(folder)/questions.json: cannot read the golden questions")
            }
            let questions = try JSONDecoder().decode([GoldenQuestion].self, from: data)
            let embedder = encoder()
            let service = try service(embedder, in: directory, clock: Distiller.utc(2026, 3, 15) ?? 0)
            let reports = try await TwinEvaluation.golden(
                footprint: folder + "/footprint", questions: questions, service: service, ks: [5, 10],
                showMisses: showMisses ? { print($0) } : nil)
            for (k, report) in zip([5, 10], reports) {
                print(
                    "golden preference recall@\(k), \(embedder.name):\n\(report.table)\nmissed: \(report.misses.joined(separator: " "))\n")
            }
            if let file = dumpCandidates {
                let dump = try await TwinEvaluation.candidates(questions: questions, service: service)
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                guard FileManager.default.createFile(atPath: file, contents: try encoder.encode(dump)) else {
                    throw CLIError("\(file): cannot write the candidates")
                }
                print("candidates of \(dump.questions.count) questions over \(dump.memories.count) memories written to \(file)\n")
            }
            let facts = try await TwinEvaluation.goldenGraphFacts(questions: questions, service: service)
            print(
                "the chat's graph facts (up to 5), of the questions whose evidence is a graph fact, \(embedder.name):\n"
                    + "\(facts.table)\nmissed: \(facts.misses.joined(separator: " "))\n")
            let answers = try await TwinEvaluation.goldenOfflineAnswers(questions: questions, service: service)
            print(
                "the offline twin's answer quotes the evidence, of the questions whose evidence is in the chat's context, \(embedder.name):\n"
                    + "\(answers.table)\nmissed: \(answers.misses.joined(separator: " "))\n")
        case .locomo:
            let file = path ?? ".build/eval/locomo10.json"
            guard let data = FileManager.default.contents(atPath: file) else {
                throw CLIError("\(file): not found (Tools/twins/fetch-locomo.sh downloads LoCoMo into .build/eval)")
            }
            let embedder = encoder()
            let started = Date()
            let (memories, turns) = try await TwinEvaluation.locomo(
                [UInt8](data), service: try service(embedder, in: directory, clock: Date().timeIntervalSince1970), k: 10,
                limitConversations: conversations ?? .max)
            print("LoCoMo evidence recall@10, \(embedder.name) (\(Int(Date().timeIntervalSince(started))) s):")
            print("\ntop 10 memories (each cites up to 3 turns):\n\(memories.table)")
            print("\nfirst 10 distinct turns the ranked memories cite:\n\(turns.table)")
        }
    }

    func encoder() -> any TextEmbedder {
        if offline { return HashedTextEmbedder() }
        guard let directory = SentenceEncoder.findDefault(), let encoder = try? SentenceEncoder(directory: directory) else {
            print("no sentence-encoder weights found (make models fetches them): using the offline encoder")
            return HashedTextEmbedder()
        }
        return SentenceTextEmbedder(encoder: encoder, name: directory.lastPathComponent)
    }

    func service(_ embedder: any TextEmbedder, in directory: String, clock: Double) throws -> TwinService {
        let store = try Store(directory: directory, migrations: TwinSchema.migrations)
        let repository = SQLiteTwinRepository(store: store)
        return TwinService(
            repository: repository, projects: repository, embedder: embedder, clock: { clock },
            compose: { _, fallback, _ in ChatReply(text: await fallback(), generator: "offline") })
    }
}
