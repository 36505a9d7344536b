import Testing
import VoxAvatars

/// `n` avatars with traits drawn from `seed`.
func population(_ n: Int, seed: UInt64) -> World {
    var world = World(seed: seed)
    var random = SeededRandom(seed: seed &+ 1)
    let topics = ["music", "hiking", "chess", "film", "cooking", "poetry", "robots", "travel", "art", "football"]
    for k in 0..<n {
        func draw() -> Double { Double(random.next() % 1000) / 999 }
        let personality = Personality(
            openness: draw(), conscientiousness: draw(), extraversion: draw(), agreeableness: draw(), neuroticism: draw())
        let interests = (0..<3).map { _ in topics[Int(random.next() % UInt64(topics.count))] }
        let profile = AvatarProfile(name: "A\(k)", personality: personality, interests: interests)
        // Traits drawn in 0...1 and short interests always validate; the profile is used as is.
        world.add(SimAvatar(key: Int64(k + 1), id: "av_\(k)", profile: profile))
    }
    return world
}

@Suite struct WorldTests {
    @Test func aDayIsReproducibleForASeed() {
        var one = population(50, seed: 7)
        var two = population(50, seed: 7)
        var e1: [WorldEvent] = []
        var e2: [WorldEvent] = []
        one.advance(minutes: 1440, into: &e1)
        two.advance(minutes: 1440, into: &e2)
        #expect(e1 == e2)
        #expect(one.avatars == two.avatars)
        var three = population(50, seed: 8)
        var e3: [WorldEvent] = []
        three.advance(minutes: 1440, into: &e3)
        #expect(e3 != e1)
    }

    /// Exploring avatars discover the matches suggested to them (Exploring -> MatchDiscovered),
    /// which joins them to their circle; without suggestions nobody does.
    @Test func exploringAvatarsDiscoverSuggestedMatches() {
        var world = population(30, seed: 5)
        for a in world.avatars { world.suggest(key: a.key, [a.key % 30 + 1, (a.key + 1) % 30 + 1]) }
        var events: [WorldEvent] = []
        world.advance(minutes: 1440, into: &events)
        let found = events.compactMap { e -> (Int64, Int64)? in
            if case .discovered(let key, let other, _) = e { (key, other) } else { nil }
        }
        #expect(!found.isEmpty)
        for (key, other) in found {
            #expect(other == key % 30 + 1 || other == (key + 1) % 30 + 1)
            #expect(
                events.contains(.transition(key: key, from: .exploring, to: .matchDiscovered, minute: eventsMinute(events, key, other))))
        }
        var plain = population(30, seed: 5)
        var none: [WorldEvent] = []
        plain.advance(minutes: 1440, into: &none)
        #expect(!none.contains { if case .discovered = $0 { true } else { false } })
    }

    @Test func aDayHasNeedDrivenLife() {
        var world = population(200, seed: 3)
        var events: [WorldEvent] = []
        world.advance(minutes: 1440, into: &events)
        var visited: [LifeState: Int] = [:]
        var conversations = 0
        var stages: [RelationshipStage: Int] = [:]
        for event in events {
            switch event {
            case .transition(_, _, let to, _): visited[to, default: 0] += 1
            case .conversation: conversations += 1
            case .reflection, .discovered: break
            }
        }
        for r in world.relationships.values { stages[r.stage, default: 0] += 1 }
        print("states", visited.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue)=\($0.value)" })
        print("conversations", conversations, "stages", stages.map { "\($0.key.rawValue)=\($0.value)" })
        let now = Dictionary(grouping: world.avatars, by: \.life).mapValues(\.count)
        print("now", now.map { "\($0.key.rawValue)=\($0.value)" })
        // Every state of the life process is reached in a day by a population.
        for state in LifeState.allCases { #expect(visited[state, default: 0] > 0, "\(state)") }
        #expect(conversations > 100)
    }
}

/// The minute of the discovery of `other` by `key`.
func eventsMinute(_ events: [WorldEvent], _ key: Int64, _ other: Int64) -> Double {
    for e in events { if case .discovered(key, other, let minute) = e { return minute } }
    return -1
}
