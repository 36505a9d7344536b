// The matchmaking space at scale; see ../../README.md ("Matchmaking at scale").
//
//   MatchKNN10of100k              k = 10 exact nearest neighbours of a profile among 100,000
//                                 (persona-like people: each mixes sentences and interests of the
//                                 ten PersonaSet personas, 70% from one, plus personal noise)
//   MatchKNN10of100kUnstructured  the same over 100,000 random directions (no structure: the
//                                 pruning bound cannot help, so this is a full exact scan)
//   MatchPlace100k                placing one newcomer among 100,000: its 15 neighbours, its
//                                 3D position, its room (and a merge check)
//   SentenceEncode200Words        all-MiniLM-L6-v2 on a 200-word CV (256 tokens), one thread
//
// The vectors are fused exactly as the server fuses them (ProfileVector), from the sentence
// encoder's vectors of the persona sentences and interests when the weights are present
// (VOXFACE_TEXT_MODEL or ../.build/models/all-MiniLM-L6-v2), else the offline encoder's.

import Benchmark
import Foundation
import VoxAvatars
import VoxCore
import VoxMatch
import VoxModel

final class SpaceUnderTest: @unchecked Sendable {
    var space: MatchSpace?
    var random = SplitMix64(seed: 99)
    var maker: PersonMaker?
    var next = 0
}

/// Makes fused vectors of persona-like people from encoded sentences and interests.
struct PersonMaker {
    let sentences: [[[Float]]]
    let interests: [[[Float]]]
    let dimension: Int

    init(_ embedder: any TextEmbedder) {
        sentences = PersonaSet.personas.map { $0.sentences.map(embedder.embed) }
        interests = PersonaSet.personas.map { $0.interests.map(embedder.embed) }
        dimension = embedder.dimension
    }

    func person(_ random: inout SplitMix64) -> [Float] {
        let primary = Int(random.next() % UInt64(sentences.count))
        func draw(_ pool: [[[Float]]], _ n: Int) -> [Float] {
            var v = [Float](repeating: 0, count: dimension)
            for _ in 0..<n {
                let persona = random.nextUnit() < 0.7 ? primary : Int(random.next() % UInt64(pool.count))
                let item = pool[persona][Int(random.next() % UInt64(pool[persona].count))]
                for i in v.indices { v[i] += item[i] }
            }
            // Personal noise: what makes each CV and taste one's own.
            for i in v.indices { v[i] += Float(gaussian(&random)) * 0.04 * Float(n) }
            return v
        }
        let text = draw(sentences, 2 + Int(random.next() % 2))
        let likes = draw(interests, 3 + Int(random.next() % 3))
        let p = Personality(
            openness: random.nextUnit(), conscientiousness: random.nextUnit(), extraversion: random.nextUnit(),
            agreeableness: random.nextUnit(), neuroticism: random.nextUnit())
        return ProfileVector.fuse(
            semantic: ProfileVector.semantic(text: unit(text), interests: unit(likes)), personality: p, voice: nil)
    }
}

func unit(_ v: [Float]) -> [Float] {
    let n = v.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
    return n > 0 ? v.map { $0 / n } : v
}

func gaussian(_ random: inout SplitMix64) -> Double {
    let u = max(random.nextUnit(), 1e-12)
    return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * random.nextUnit())
}

/// The sentence encoder if its weights are found, else the offline encoder.
func benchmarkEmbedder() -> (any TextEmbedder, SentenceEncoder?) {
    var env = ProcessInfo.processInfo.environment
    if env[SentenceEncoder.environmentVariable] == nil {
        for candidate in ["../.build/models/all-MiniLM-L6-v2", ".build/models/all-MiniLM-L6-v2"]
        where FileManager.default.fileExists(atPath: candidate + "/model.safetensors") {
            env[SentenceEncoder.environmentVariable] = candidate
            break
        }
    }
    guard let dir = SentenceEncoder.findDefault(environment: env), let encoder = try? SentenceEncoder(directory: dir) else {
        print("MatchBenchmarks: no sentence-encoder weights (Tools/fetch-minilm.sh): vectors from the offline encoder")
        return (HashedTextEmbedder(), nil)
    }
    return (Embedder(encoder: encoder), encoder)
}

struct Embedder: TextEmbedder {
    let encoder: SentenceEncoder
    var name: String { "all-MiniLM-L6-v2" }
    var isOffline: Bool { false }
    var dimension: Int { encoder.dimension }
    func embed(_ text: String) -> [Float] { encoder.encode(text) }
}

/// A space of `count` people restored at random positions in rooms of 12 (placement is what
/// MatchPlace100k measures; here only the vectors matter).
func buildSpace(count: Int, dimension: Int, vector: (inout SplitMix64) -> [Float]) -> MatchSpace {
    var random = SplitMix64(seed: 1)
    var space = MatchSpace(dimension: dimension, seed: 5)
    for i in 0..<count {
        let v = vector(&random)
        let p = SIMD3(Float(random.nextUnit()), Float(random.nextUnit()), Float(random.nextUnit())) * 20
        space.restore(
            ProfileSummary(id: "p\(i)", name: "P\(i)", owner: "", interests: [], avatar: nil, traits: .init()), vector: v, position: p,
            room: "r_" + String(i / 12 + 1, radix: 16))
    }
    return space
}

let cv200 = """
    I am a senior data scientist with eight years of experience building recommender systems, search ranking and \
    personalisation for large consumer products. At my current company I lead a team of five that owns candidate \
    retrieval, learning to rank and the experimentation platform behind every change to the home feed. Before that I \
    worked on demand forecasting for a grocery delivery startup, where I built the first machine learning pipeline, \
    from data collection to deployment, and taught analysts to run their own A/B tests. I enjoy turning vague product \
    questions into measurable hypotheses, and I care about causal inference, careful offline evaluation and honest \
    dashboards. My tools are Python, SQL, Spark and PyTorch, and lately I have been exploring how large language models \
    can describe items for cold-start recommendations. Outside work I mentor junior scientists, speak at local meetups \
    about experimentation pitfalls, and write a small newsletter on applied statistics. I like hiking in the mountains, \
    playing chess online, baking sourdough bread on weekends and reading science fiction. I am looking for people who \
    build products that help others learn, and for collaborators on an open source library for fair ranking.
    """

let benchmarks: @Sendable () -> Void = {
    let structured = SpaceUnderTest()
    let unstructured = SpaceUnderTest()
    let placing = SpaceUnderTest()
    let (embedder, encoder) = benchmarkEmbedder()
    let dimension = ProfileVector.dimension(semantic: embedder.dimension)
    let knnConfig = { (target: SpaceUnderTest, random: Bool) in
        Benchmark.Configuration(
            metrics: [.wallClock, .peakMemoryResident, .throughput], timeUnits: .microseconds, warmupIterations: 20,
            scalingFactor: .one, maxDuration: .seconds(20), maxIterations: 2000,
            setup: {
                if random {
                    target.space = buildSpace(count: 100_000, dimension: dimension) { r in
                        unit((0..<dimension).map { _ in Float(gaussian(&r)) })
                    }
                } else {
                    let maker = PersonMaker(embedder)
                    target.space = buildSpace(count: 100_000, dimension: dimension) { maker.person(&$0) }
                }
            },
            teardown: { target.space = nil })
    }
    Benchmark("MatchKNN10of100k", configuration: knnConfig(structured, false)) { benchmark in
        for _ in benchmark.scaledIterations {
            let id = "p\(structured.random.next() % 100_000)"
            blackHole(structured.space!.neighbors(of: id, k: 10))
        }
    }
    Benchmark("MatchKNN10of100kUnstructured", configuration: knnConfig(unstructured, true)) { benchmark in
        for _ in benchmark.scaledIterations {
            let id = "p\(unstructured.random.next() % 100_000)"
            blackHole(unstructured.space!.neighbors(of: id, k: 10))
        }
    }
    Benchmark(
        "MatchPlace100k",
        configuration: .init(
            metrics: [.wallClock, .throughput], timeUnits: .microseconds, warmupIterations: 10, scalingFactor: .one,
            maxDuration: .seconds(20), maxIterations: 500,
            setup: {
                let maker = PersonMaker(embedder)
                placing.maker = maker
                placing.space = buildSpace(count: 100_000, dimension: dimension) { maker.person(&$0) }
            },
            teardown: { placing.space = nil })
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            let v = placing.maker!.person(&placing.random)
            placing.next += 1
            let summary = ProfileSummary(
                id: "new\(placing.next)", name: "New", owner: "", interests: [], avatar: nil, traits: .init())
            blackHole(placing.space!.add(summary, vector: v))
        }
    }
    if let encoder {
        Benchmark(
            "SentenceEncode200Words",
            configuration: .init(
                metrics: [.wallClock, .cpuTotal, .throughput], timeUnits: .milliseconds, warmupIterations: 3, scalingFactor: .one,
                maxDuration: .seconds(15), maxIterations: 100)
        ) { benchmark in
            for _ in benchmark.scaledIterations { blackHole(encoder.encode(cv200)) }
        }
    }
}
