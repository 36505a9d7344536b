import Foundation
import Synchronization
import Testing
import VoxAvatars
import VoxDSP
import VoxModel
import VoxStore
import VoxTestSupport

@testable import VoxMatch

final class Recorder: Sendable {
    let events = Mutex<[StoredEvent]>([])
    var all: [StoredEvent] { events.withLock { $0 } }
}

/// A new directory for a real store, removed when the test process exits.
func temporaryDirectory() -> String { TestDirectories.make("voxmatch") }

func openMatch(
    _ dir: String, embedder: any TextEmbedder = HashedTextEmbedder(), maxProfiles: Int = 5000, events: Recorder? = nil
) async throws -> (MatchService, Store) {
    let store = try Store(directory: dir, migrations: SQLiteMatchRepository.migrations)
    if let events { store.onEvents { batch in events.events.withLock { $0 += batch } } }
    let service = try await MatchService(
        repository: SQLiteMatchRepository(store: store), embedder: embedder,
        configuration: MatchConfiguration(maxProfiles: maxProfiles, seed: 42))
    return (service, store)
}

func profileInput(_ json: String) throws -> ProfileInput { try JSONDecoder().decode(ProfileInput.self, from: Data(json.utf8)) }

@Suite struct MatchServiceTests {
    @Test func profilesPersistWithTheirPlacesAndRooms() async throws {
        let dir = temporaryDirectory()
        let events = Recorder()
        var ids: [String] = []
        var places: [String: SIMD3<Float>] = [:]
        var rooms: [String: String] = [:]
        do {
            let (service, _) = try await openMatch(dir, events: events)
            for person in PersonaSet.people(count: 40, seed: 1) {
                let view = try await service.create(person.input)
                ids.append(view.id)
            }
            for id in ids {
                places[id] = service.position(id)
                rooms[id] = service.room(of: id)
            }
            let one = try await service.get(ids[0])
            #expect(one.room == rooms[ids[0]])
        }
        let (again, _) = try await openMatch(dir)
        #expect(again.count == 40)
        for id in ids {
            #expect(again.position(id) == places[id])
            #expect(again.room(of: id) == rooms[id])
        }
        // Every placement and room change is an event, on the space topic and the profile's.
        let all = events.all
        #expect(all.filter { $0.topic == "matchmaking" && $0.data.contains("\"placed\"") }.count == 40)
        #expect(all.contains { $0.topic == "matchmaking/profiles/\(ids[3])" && $0.data.contains("room_changed") })
        #expect(all.contains { $0.data.contains("room_created") })
    }

    @Test func badInputIsRefusedWithTheFieldAndNothingIsWritten() async throws {
        let (service, _) = try await openMatch(temporaryDirectory(), maxProfiles: 2)
        let cases: [(String, String)] = [
            (#"{"cv_text": "no name"}"#, "name"),
            (#"{"name": "  "}"#, "name"),
            (#"{"name": "Empty"}"#, "cv_text"),
            (#"{"name": "X", "cv_text": "\#(String(repeating: "a", count: MatchProfile.maxCV + 1))"}"#, "cv_text"),
            (#"{"name": "X", "interests": ["\#(String(repeating: "b", count: 65))"]}"#, "interests"),
            (#"{"name": "X", "interests": [""]}"#, "interests"),
            (#"{"name": "X", "cv_text": "a", "attachment_style": "clingy"}"#, "attachment_style"),
            (
                #"{"name": "X", "cv_text": "a", "personality": {"openness": 2, "conscientiousness": 0.5, "extraversion": 0.5, "#
                    + #""agreeableness": 0.5, "neuroticism": 0.5}}"#, "personality.openness"
            ),
        ]
        for (json, field) in cases {
            await #expect(throws: MatchError.self) { _ = try await service.create(try profileInput(json)) }
            do { _ = try await service.create(try profileInput(json)) } catch let e as MatchError {
                guard case .invalid(let f, _) = e else { Issue.record("\(e)"); continue }
                #expect(f == field)
            }
        }
        #expect(service.count == 0)
        _ = try await service.create(try profileInput(#"{"name": "A", "interests": ["jazz"]}"#))
        let b = try await service.create(try profileInput(#"{"name": "B", "interests": ["jazz"]}"#))
        await #expect(throws: MatchError.tooMany(2)) { _ = try await service.create(try profileInput(#"{"name": "C", "cv_text": "x"}"#)) }
        #expect(throws: MatchError.invalid("k", "must be 1...100")) { _ = try service.neighbors(b.id, k: 0) }
        #expect(throws: MatchError.invalid("k", "must be 1...100")) { _ = try service.neighbors(b.id, k: 101) }
        #expect(throws: MatchError.notFound("p_nope")) { _ = try service.neighbors("p_nope", k: 3) }
        await #expect(throws: MatchError.notFound("p_nope")) { _ = try await service.get("p_nope") }
        await #expect(throws: MatchError.self) { _ = try await service.create(try profileInput(#"{"name": "D", "avatar": "a_missing"}"#)) }
    }

    @Test func aPatchReembedsAndMayMoveRooms() async throws {
        let (service, _) = try await openMatch(temporaryDirectory())
        var ids: [String] = []
        for person in PersonaSet.people(count: 60, seed: 4) { ids.append(try await service.create(person.input).id) }
        let climber = ids[7]  // an outdoor photographer (7 % 10)
        let before = service.position(climber)!
        let musicians = ids.indices.filter { $0 % 10 == 8 }.map { ids[$0] }
        let patched = try await service.patch(
            climber,
            try profileInput(#"{"cv_text": "Jazz pianist and composer playing concerts.", "interests": ["jazz", "piano", "composing"]}"#))
        #expect(patched.interests == ["jazz", "piano", "composing"])
        #expect(service.position(climber) != before)
        let near = try service.neighbors(climber, k: 5).map(\.id)
        #expect(near.filter { musicians.contains($0) }.count >= 4)
        try await service.delete(climber)
        #expect(!service.exists(climber))
        await #expect(throws: MatchError.notFound(climber)) { _ = try await service.get(climber) }
    }

    @Test func aThousandPersonasLayOutWellAndMatchTheirOwn() async throws {
        try await onOwnThread {
            let (service, _) = try await openMatch(temporaryDirectory())
            let people = PersonaSet.people(count: 1000, seed: 2)
            var ids: [String] = []
            for p in people { ids.append(try await service.create(p.input).id) }
            let label = Dictionary(uniqueKeysWithValues: zip(ids, people.map(\.label)))
            let incremental = service.trustworthiness(k: 10)
            _ = try await service.relayout(seed: nil)
            let full = service.trustworthiness(k: 10)
            let positions = ids.map { service.position($0)! }
            let silhouette = LayoutQuality.silhouette(positions: positions, labels: people.map(\.label))
            print("1000 personas (offline encoder): trustworthiness@10 incremental \(incremental), full \(full); silhouette \(silhouette)")
            #expect(full >= 0.9)
            #expect(incremental >= 0.85)
            #expect(silhouette > 0.6)
            // Neighbours and matches are mostly of the same persona.
            var same = 0
            for id in ids.prefix(50) { same += try service.neighbors(id, k: 10).filter { label[$0.id] == label[id] }.count }
            #expect(same >= 450)
            let matches = try await service.matches(ids[0], k: 5)
            #expect(matches.count == 5)
            #expect(matches.allSatisfy { $0.dimensions["interests"] != nil && $0.dimensions["personality"] != nil })
            #expect(zip(matches, matches.dropFirst()).allSatisfy { $0.score >= $1.score })
            // Rooms cover everyone within capacity.
            let rooms = service.rooms()
            #expect(rooms.reduce(0) { $0 + $1.size } == 1000)
            #expect(rooms.allSatisfy { $0.size <= 12 })
        }
    }

    @Test func voiceSamplesAccumulateIntoTheProfile() async throws {
        let (service, _) = try await openMatch(temporaryDirectory())
        let p = try await service.create(try profileInput(#"{"name": "Vo", "interests": ["singing"]}"#))
        #expect(p.voice == nil)
        let audio = syntheticSpeech(pitch: 180, sampleRate: 16_000, seconds: 6)
        let acc = VoiceTraitsAnalyzer.analyse(audio, sampleRate: 16_000)
        let once = try await service.addVoice(p.id, acc)
        let twice = try await service.addVoice(p.id, acc)
        let t1 = try #require(once.voice)
        let t2 = try #require(twice.voice)
        #expect(abs(t1.medianPitchHz - 180) < 180 * 0.03)
        #expect(abs(t2.speechSeconds - 2 * t1.speechSeconds) < 0.05)
        #expect(service.stats.voiceUpdates == 2)
    }
}

/// Vowel-like syllables (a harmonic source at `pitch`) four a second with pauses.
func syntheticSpeech(pitch: Double, sampleRate: Int, seconds: Double) -> [Float] {
    let n = Int(seconds * Double(sampleRate))
    var out = [Float](repeating: 0, count: n)
    for i in 0..<n {
        let t = Double(i) / Double(sampleRate)
        let inPhrase = t.truncatingRemainder(dividingBy: 2.0) < 1.4
        let phase = t.truncatingRemainder(dividingBy: 0.25) / 0.25
        let envelope = inPhrase && phase < 0.6 ? sin(Double.pi * phase / 0.6) : 0
        var s = 0.0
        for h in 1...12 { s += sin(2 * Double.pi * pitch * Double(h) * t) / Double(h) }
        out[i] = Float(0.2 * envelope * s)
    }
    return out
}

/// The avatar service seen through the directory protocol (the server's adapter does the same).
struct TestAvatars: AvatarDirectory {
    let avatars: AvatarService
    func avatarProfile(_ id: String) -> AvatarProfile? { avatars.profile(id) }
    func history(_ a: String, _ b: String) -> CompatibilityScore.History? {
        avatars.relationship(a, b).map {
            .init(affinity: $0.affinity, trust: $0.trust, stage: $0.stage.rawValue, interactions: $0.interactions)
        }
    }
}

@Suite struct AvatarMatchTests {
    /// Profiles linked to avatars take the avatars' traits and interests; exploring avatars
    /// discover their best matches (MatchDiscovered), remembered as a memory.
    @Test func exploringAvatarsDiscoverTheirMatches() async throws {
        let dir = temporaryDirectory()
        let store = try Store(directory: dir, migrations: SQLiteAvatarRepository.migrations + SQLiteMatchRepository.migrations)
        let events = Recorder()
        store.onEvents { batch in events.events.withLock { $0 += batch } }
        let avatars = try await AvatarService(
            repository: SQLiteAvatarRepository(store: store), configuration: AvatarConfiguration(maxAvatars: 100, seed: 3))
        let match = try await MatchService(
            repository: SQLiteMatchRepository(store: store), embedder: HashedTextEmbedder(),
            configuration: MatchConfiguration(seed: 1), avatars: TestAvatars(avatars: avatars))
        var ids: [String] = []
        for (i, interests) in [["hiking", "climbing"], ["climbing", "camping"], ["jazz", "piano"], ["hiking", "trail running"]].enumerated()
        {
            let json = """
                {"name": "Av\(i)", "interests": \(interests), "personality": {"openness": 0.95, "conscientiousness": 0.9,
                 "extraversion": 0.1, "agreeableness": 0.8, "neuroticism": 0.1}}
                """
            let avatar = try await avatars.create(try JSONDecoder().decode(AvatarInput.self, from: Data(json.utf8)))
            ids.append(avatar.id)
            let profile = try await match.create(ProfileInput(name: "Av\(i)", avatar: avatar.id))
            #expect(match.summaryInterests(profile.id) == interests)
        }
        let found = try await match.avatarMatches(forAvatar: ids[0], k: 2)
        #expect(found.count == 2 && !found.contains(ids[0]))
        #expect(!found.contains(ids[2]), "the jazz pianist is the worst match of a hiker")
        var suggestions: [String: [String]] = [:]
        for id in ids {
            suggestions[id] = try await match.avatarMatches(forAvatar: id, k: 2)
            avatars.suggest(id, matches: suggestions[id]!)
        }
        _ = try await avatars.advance(minutes: 2 * 1440)
        let discovered = events.all.filter { $0.topic.hasSuffix("/matches") && $0.data.contains("\"discovered\"") }
        #expect(!discovered.isEmpty)
        // Each discovery is one the matchmaking suggested, and a memory ("match") the avatar keeps.
        for e in discovered {
            let avatar = String(e.topic.dropFirst("avatars/".count).dropLast("/matches".count))
            #expect(suggestions[avatar]!.contains { e.data.contains($0) })
        }
        #expect(events.all.contains { $0.data.contains("Matchmaking introduced me to") })
    }
}

@Suite(.takesTurnsWithHeavyTests) struct SentenceEncoderSpaceTests {
    /// The same 1,000 personas through all-MiniLM-L6-v2 (when its weights were fetched).
    @Test func aThousandPersonasThroughTheSentenceEncoder() async throws {
        try await onOwnThread {
            guard let dir = SentenceEncoder.findDefault(), let encoder = try? SentenceEncoder(directory: dir) else {
                print("skipped: no sentence-encoder weights (Tools/fetch-minilm.sh)")
                return
            }
            let (service, _) = try await openMatch(temporaryDirectory(), embedder: SentenceTextEmbedder(encoder: encoder))
            let people = PersonaSet.people(count: 1000, seed: 2)
            var ids: [String] = []
            for p in people { ids.append(try await service.create(p.input).id) }
            let incremental = service.trustworthiness(k: 10)
            _ = try await service.relayout(seed: nil)
            let full = service.trustworthiness(k: 10)
            let silhouette = LayoutQuality.silhouette(positions: ids.map { service.position($0)! }, labels: people.map(\.label))
            print("1000 personas (all-MiniLM-L6-v2): trustworthiness@10 incremental \(incremental), full \(full); silhouette \(silhouette)")
            #expect(full >= 0.9)
            #expect(incremental >= 0.85)
            #expect(silhouette > 0.6)
        }
    }
}
