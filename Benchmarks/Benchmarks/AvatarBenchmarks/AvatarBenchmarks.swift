// The avatar world at scale; see ../../README.md ("Avatars at scale").
//
//   AvatarWorldTick10k   one real-time tick of a world of 10,000 avatars (one world minute at the
//                        default speed 60): needs, emotions, life-process transitions, meetings
//                        and conversations, and the commit of everything that changed (state
//                        rows, relationships, memories, events) to a real SQLite store, with a
//                        full checkpoint of every avatar every 10th tick, as `voxface serve` does.
//                        The world is first lived for one world day, so the measurement is of a
//                        settled population, not of 10,000 avatars waking up at once.
//
// At one tick per second, the tick's CPU time in ms / 1000 is the share of a core the world uses.

import Benchmark
import Foundation
import VoxAvatars
import VoxStore

/// The world under test, built in setup.
final class WorldUnderTest: @unchecked Sendable {
    var service: AvatarService?
    var store: Store?
    var directory = ""
    var now = 0.0
    /// The counters after the warm-up day (the report subtracts them).
    var warmedUp = AvatarStats()
}

let topics = [
    "music", "hiking", "chess", "film", "cooking", "poetry", "robots", "travel", "art", "football", "climbing", "jazz", "gardening",
    "photography", "astronomy", "history", "dance", "theatre", "games", "running", "yoga", "cycling", "painting", "coffee", "wine",
    "languages", "sailing", "birds", "comics", "fashion", "science", "startups", "design", "writing", "cats", "dogs", "tea", "anime",
    "surfing", "baking",
]

/// Creates `count` avatars with traits and interests drawn from `seed`.
func populate(_ service: AvatarService, count: Int, seed: UInt64) async throws {
    var random = SeededRandom(seed: seed)
    func unit() -> Double { Double(random.next() % 10_001) / 10_000 }
    for k in 0..<count {
        let interests = (0..<(3 + Int(random.next() % 3))).map { _ in "\"" + topics[Int(random.next() % UInt64(topics.count))] + "\"" }
        let json = """
            {"name": "Avatar \(k)", "personality": {"openness": \(unit()), "conscientiousness": \(unit()), \
            "extraversion": \(unit()), "agreeableness": \(unit()), "neuroticism": \(unit())}, \
            "interests": [\(interests.joined(separator: ","))], "owner": "user\(k % 100)"}
            """
        _ = try await service.create(try JSONDecoder().decode(AvatarInput.self, from: Data(json.utf8)))
    }
}

let benchmarks: @Sendable () -> Void = {
    let world = WorldUnderTest()
    Benchmark(
        "AvatarWorldTick10k",
        configuration: .init(
            metrics: [.wallClock, .cpuTotal, .peakMemoryResident, .throughput], timeUnits: .milliseconds, warmupIterations: 3,
            scalingFactor: .one, maxDuration: .seconds(90), maxIterations: 120,
            setup: {
                world.directory = FileManager.default.temporaryDirectory.path + "/voxface-avatar-bench-" + UUID().uuidString
                let store = try Store(directory: world.directory, migrations: SQLiteAvatarRepository.migrations)
                let service = try await AvatarService(
                    repository: SQLiteAvatarRepository(store: store),
                    configuration: AvatarConfiguration(maxAvatars: 10_000, worldSpeed: 60, seed: 2026))
                try await populate(service, count: 10_000, seed: 7)
                _ = try await service.advance(minutes: 1440)
                _ = try await service.tick(now: 0)
                world.service = service
                world.store = store
                world.warmedUp = service.stats
            },
            teardown: {
                if let now = world.service?.stats {
                    let w = world.warmedUp
                    var s = now
                    s.ticks -= w.ticks
                    s.simulationSeconds -= w.simulationSeconds
                    s.commitSeconds -= w.commitSeconds
                    s.conversations -= w.conversations
                    s.events -= w.events
                    s.memoriesWritten -= w.memoriesWritten
                    let ticks = Double(max(1, s.ticks))
                    FileHandle.standardError.write(
                        Data(
                            ("AvatarWorldTick10k: per tick \(String(format: "%.1f", s.simulationSeconds / ticks * 1000)) ms simulation, "
                                + "\(String(format: "%.1f", s.commitSeconds / ticks * 1000)) ms commit; \(s.conversations) conversations, "
                                + "\(s.events) events, \(s.memoriesWritten) memories over \(s.ticks) ticks\n").utf8))
                }
                world.service = nil
                world.store = nil
                try? FileManager.default.removeItem(atPath: world.directory)
            }
        )
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            world.now += 1
            try await world.service!.tick(now: world.now)
        }
    }
}
