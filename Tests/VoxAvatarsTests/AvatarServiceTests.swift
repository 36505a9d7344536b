import FoundationEssentials
import Synchronization
import Testing
import VoxAvatars
import VoxStore
import VoxTestSupport

/// A service on a real SQLite store in `dir`, capturing published events.
final class EventRecorder: Sendable {
    let events = Mutex<[StoredEvent]>([])
    var all: [StoredEvent] { events.withLock { $0 } }
}

func openService(
    _ dir: String, seed: UInt64 = 11, maxAvatars: Int = 100, events: EventRecorder? = nil
) async throws -> (AvatarService, Store) {
    let store = try Store(directory: dir, migrations: SQLiteAvatarRepository.migrations)
    if let events { store.onEvents { batch in events.events.withLock { $0 += batch } } }
    let service = try await AvatarService(
        repository: SQLiteAvatarRepository(store: store), configuration: AvatarConfiguration(maxAvatars: maxAvatars, seed: seed))
    return (service, store)
}

/// A fresh directory for a test's store (removed at exit, or by the test).
func temporaryDirectory() -> String { TestDirectories.make("voxavatars") }

func input(_ json: String) throws -> AvatarInput { try JSONDecoder().decode(AvatarInput.self, from: Data(json.utf8)) }

let cheerful = """
    {"name": "Sunny", "bio": "Loves people", "personality": {"openness": 0.8, "conscientiousness": 0.6, "extraversion": 0.95,
     "agreeableness": 0.9, "neuroticism": 0.05}, "attachment_style": "secure", "love_language": "time",
     "humor_style": "affiliative", "interests": ["Music", "hiking", "film"], "owner": "ana"}
    """
let kindred = """
    {"name": "River", "personality": {"openness": 0.75, "conscientiousness": 0.5, "extraversion": 0.85,
     "agreeableness": 0.85, "neuroticism": 0.1}, "attachment_style": "secure", "humor_style": "affiliative",
     "interests": ["music", "hiking", "film"], "owner": "ben"}
    """

@Suite struct AvatarServiceTests {
    @Test func avatarsPersistAcrossRestarts() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let created: AvatarView
        do {
            let (service, _) = try await openService(dir)
            created = try await service.create(try input(cheerful))
            _ = try await service.addMemory(created.id, text: "Climbed the old oak tree", importance: 8)
            _ = try await service.advance(minutes: 90)
        }
        let (service, store) = try await openService(dir)
        let again = try service.get(created.id)
        let json = String(decoding: try JSONEncoder().encode(again), as: UTF8.self)
        #expect(json.contains("\"name\":\"Sunny\""))
        #expect(json.contains("\"interests\":[\"music\",\"hiking\",\"film\"]"))
        #expect(service.worldView().minute == 90)
        let memories = try await service.memories(created.id, query: nil, limit: 10)
        #expect(memories.contains { $0.text.contains("oak") })
        #expect(try store.integrityCheck() == "ok")
    }

    @Test func badInputIsRefusedWithTheField() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (service, _) = try await openService(dir, maxAvatars: 1)
        let cases: [(String, String)] = [
            ("{\"bio\": \"x\"}", "'name' is required"),
            ("{\"name\": \"A\", \"personality\": {\"openness\": 1.5}}", "'personality.openness' must be between 0 and 1"),
            ("{\"name\": \"A\", \"humor_style\": \"dry\"}", "'humor_style' must be one of"),
            ("{\"name\": \"\(String(repeating: "n", count: 81))\"}", "'name' must be 1...80 characters"),
            ("{\"name\": \"A\", \"interests\": [\"\"]}", "'interests' each interest"),
        ]
        for (body, message) in cases {
            await #expect(throws: AvatarError.self) { _ = try await service.create(try input(body)) }
            do { _ = try await service.create(try input(body)) } catch let error as AvatarError {
                #expect(error.description.hasPrefix(message), "\(error)")
            }
        }
        _ = try await service.create(try input(cheerful))
        await #expect(throws: AvatarError.tooMany(1)) { _ = try await service.create(try input(kindred)) }
        #expect(throws: AvatarError.notFound("nope")) { _ = try service.get("nope") }
        let id = service.list(owner: nil, limit: 10, after: nil)[0].id
        await #expect(throws: AvatarError.invalid("importance", "must be 1...10")) {
            _ = try await service.addMemory(id, text: "x", importance: 11)
        }
        await #expect(throws: AvatarError.notFound("nope")) { _ = try await service.addMemory("nope", text: "x", importance: 1) }
    }

    @Test func aSimulatedDayMovesStateMemoriesAndARelationship() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let events = EventRecorder()
        let (service, _) = try await openService(dir, events: events)
        let sunny = try await service.create(try input(cheerful))
        let river = try await service.create(try input(kindred))
        _ = try await service.addMemory(sunny.id, text: "A minor chore I did", importance: 1)
        _ = try await service.advance(minutes: 1440)
        let published = events.all
        let sunnyStates = published.filter { $0.topic == "avatars/\(sunny.id)/state" }
        let lives = Set(
            sunnyStates.compactMap { e -> LifeState? in LifeState.allCases.first { e.data.contains("\"life\":\"\($0.rawValue)\"") } })
        #expect(lives.contains(.sleeping))
        #expect(lives.contains(.inConversation))
        #expect(lives.count >= 5, "\(lives)")
        #expect(published.contains { $0.topic == "avatars/\(sunny.id)/relationships" })
        let relationships = try await service.relationships(sunny.id)
        let withRiver = try #require(relationships.first)
        let json = String(decoding: try JSONEncoder().encode(withRiver), as: UTF8.self)
        #expect(json.contains("\"with\":\"\(river.id)\""))
        #expect(!json.contains("\"stage\":\"strangers\"") && !json.contains("\"stage\":\"acquaintances\""), "\(json)")
        // The importance-1 chore (stability 3 world hours) is forgotten within the day; fresh
        // conversation memories are there and have decayed a little.
        let memories = try await service.memories(sunny.id, query: nil, limit: 200)
        #expect(!memories.contains { $0.text.contains("minor chore") })
        #expect(memories.contains { $0.text.contains("Talked with River") })
        #expect(memories.allSatisfy { $0.strength > 0.05 && $0.strength <= 1 })
        #expect(memories.contains { $0.strength < 0.99 })
    }

    @Test func theSameSeedAndStepsGiveTheSameWorld() async throws {
        var views: [String] = []
        for _ in 0..<2 {
            let dir = temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let (service, _) = try await openService(dir, seed: 99)
            _ = try await service.create(try input(cheerful))
            _ = try await service.create(try input(kindred))
            _ = try await service.advance(minutes: 600)
            _ = try await service.advance(minutes: 77)
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            views.append(
                service.list(owner: nil, limit: 10, after: nil).map { v in
                    var text = String(decoding: try! encoder.encode(v), as: UTF8.self)
                    text.replace(/"id":"av_[0-9a-f]+"/, with: "")
                    text.replace(/"partner":"av_[0-9a-f]+"/, with: "")
                    return text
                }.joined())
        }
        #expect(views[0] == views[1])
    }

    @Test func searchingMemoriesRecallsAndReinforcesThem() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (service, _) = try await openService(dir)
        let sunny = try await service.create(try input(cheerful))
        _ = try await service.addMemory(sunny.id, text: "We sailed to the lighthouse at dawn", importance: 4)
        _ = try await service.addMemory(sunny.id, text: "Baked bread with grandma", importance: 4)
        _ = try await service.advance(minutes: 300)
        let before = try await service.memories(sunny.id, query: nil, limit: 10)
        let hits = try await service.memories(sunny.id, query: "lighthouse!", limit: 10)
        #expect(hits.count == 1)
        #expect(hits[0].text.contains("lighthouse") && hits[0].recalls == 1 && hits[0].strength == 1)
        #expect(before.contains { $0.text.contains("lighthouse") && $0.strength < 1 })
        // FTS syntax in a query is just words.
        #expect(try await service.memories(sunny.id, query: "\"AND OR NEAR(", limit: 10).isEmpty)
    }

    @Test func theOwnerTalksToItsAvatarOffline() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (service, _) = try await openService(dir)
        let sunny = try await service.create(try input(cheerful))
        let reply = try await service.message(sunny.id, text: "How was your hiking trip?")
        let json = String(decoding: try JSONEncoder().encode(reply), as: UTF8.self)
        #expect(json.contains("\"generator\":\"offline\""))
        #expect(json.contains("hiking"))
        let memories = try await service.memories(sunny.id, query: "hiking trip", limit: 5)
        #expect(memories.count == 1)
        await #expect(throws: AvatarError.self) { _ = try await service.message(sunny.id, text: "  ") }
    }

    @Test func aCheerfulAvatarLooksHappy() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (service, _) = try await openService(dir)
        let sunny = try await service.create(try input(cheerful))
        let gloomy = try await service.create(
            try input(
                "{\"name\": \"Gloom\", \"personality\": {\"openness\": 0.3, \"conscientiousness\": 0.3, \"extraversion\": 0.1, \"agreeableness\": 0.2, \"neuroticism\": 0.95}}"
            ))
        let happy = try #require(service.emotionChannels(sunny.id))
        #expect(happy.firstIndex(of: happy.max()!) == 3)  // Happy
        let sad = try #require(service.emotionChannels(gloomy.id))
        #expect(sad[3] < happy[3])
        #expect(sad[5] > happy[5])  // Sad
    }
}
