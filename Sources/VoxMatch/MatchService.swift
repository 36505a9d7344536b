import Dispatch
import Foundation
import Synchronization
public import VoxAvatars
public import VoxDSP
import VoxStore

/// The matchmaking service's settings.
public struct MatchConfiguration: Sendable {
    /// Most profiles (`--max-profiles`).
    public var maxProfiles: Int
    /// Seed of a new space (nil: random); a saved space keeps its own.
    public var seed: UInt64?
    /// The space's rules.
    public var space: MatchSpace.Settings
    /// Largest `k` of neighbours and matches.
    public var maxK = 100
    /// Nearest neighbours scored for compatibility per matches request.
    public var matchCandidates = 200
    /// Texts waiting for the encoder before requests are refused (503 `busy`).
    public var maxEncoderQueue = 64

    /// The defaults: 100,000 profiles.
    public init(maxProfiles: Int = 100_000, seed: UInt64? = nil, space: MatchSpace.Settings = .init()) {
        self.maxProfiles = maxProfiles
        self.seed = seed
        self.space = space
    }
}

/// What the matchmaking service asks of the avatar service (for profiles linked to avatars).
public protocol AvatarDirectory: Sendable {
    /// The avatar's profile, if it exists.
    func avatarProfile(_ id: String) -> AvatarProfile?
    /// Where two avatars stand, if they have met.
    func history(_ a: String, _ b: String) -> CompatibilityScore.History?
}

/// Counters of the matchmaking service, for /metrics.
public struct MatchStats: Sendable, Equatable {
    /// Texts embedded.
    public var embeddings = 0
    /// Seconds spent embedding.
    public var embeddingSeconds = 0.0
    /// Neighbour searches.
    public var searches = 0
    /// Placements.
    public var placements = 0
    /// Voice samples merged into profiles (uploads and streams).
    public var voiceUpdates = 0
    /// Requests refused because the encoder's queue was full.
    public var busy = 0
    /// All zero.
    public init() {}
}

/// The matchmaking service: profiles embedded into one vector each, placed in a 3D space with
/// rooms, with exact nearest neighbours and explained compatibility. Plain logic over values
/// (``MatchSpace``) with storage behind ``MatchRepository``; it knows nothing of HTTP.
///
/// The encoder runs on one utility-priority thread of its own, one text at a time, so profile
/// traffic takes at most one core from the face streams; changes go through a ``WriteGate`` so
/// they commit in order; reads are served from memory.
public final class MatchService: Sendable {
    /// Settings.
    public let configuration: MatchConfiguration
    /// The text encoder.
    public let embedder: any TextEmbedder
    private let repository: any MatchRepository
    private let avatars: (any AvatarDirectory)?
    private let space: Mutex<MatchSpace>
    private let gate = WriteGate()
    private let counters = Mutex(MatchStats())
    private let terms = Mutex<[String: [Float]]>([:])
    private let seed: UInt64
    private let encoderQueue = DispatchQueue(label: "voxface.match.encoder", qos: .utility)
    private let queued = Atomic<Int>(0)
    /// Term vectors kept in memory.
    private static let maxCachedTerms = 50_000

    /// Loads the space from `repository` (or starts a new one); re-embeds every profile when
    /// the stored vectors came from another encoder.
    public init(
        repository: any MatchRepository, embedder: any TextEmbedder, configuration: MatchConfiguration = .init(),
        avatars: (any AvatarDirectory)? = nil
    ) async throws {
        self.repository = repository
        self.embedder = embedder
        self.configuration = configuration
        self.avatars = avatars
        let saved = try await repository.loadSpace()
        seed = saved?.seed ?? configuration.seed ?? UInt64.random(in: 1...(1 << 53))
        var s = MatchSpace(
            dimension: ProfileVector.dimension(semantic: embedder.dimension), seed: seed, settings: configuration.space)
        if let saved { s.restoreRandom(saved.random) }
        space = Mutex(s)
        let stored = try await repository.loadProfiles()
        if saved?.encoder == embedder.name {
            space.withLock { s in
                for p in stored where p.fused.count == s.dimension {
                    s.restore(Self.summary(p.profile, traits: traits(p.profile)), vector: p.fused, position: p.position, room: p.room)
                }
                if let saved { s.nextRoomAtLeast(saved.nextRoom) }
            }
        } else {
            // Vectors from another encoder (or none yet): embed every profile again.
            for p in stored { _ = try await place(p.profile, isNew: true, event: "reembedded") }
            try await repository.commit(spaceOnly())
        }
    }

    /// The counters now.
    public var stats: MatchStats { counters.withLock { $0 } }
    /// Profiles in the space.
    public var count: Int { space.withLock { $0.count } }
    /// Rooms in the space.
    public var roomCount: Int { space.withLock { $0.rooms.count } }

    // MARK: - Profiles

    /// Creates a profile from `input` (which must have a name).
    public func create(_ input: ProfileInput) async throws -> ProfileView {
        guard input.hasName else { throw MatchError.invalid("name", "is required") }
        let now = Date().timeIntervalSince1970
        let profile = try input.apply(to: MatchProfile(id: Self.newID(), name: "", createdAt: now))
        try checkAvatar(profile)
        guard count < configuration.maxProfiles else { throw MatchError.tooMany(configuration.maxProfiles) }
        return try await place(profile, isNew: true, event: "created")
    }

    /// One profile.
    public func get(_ id: String) async throws -> ProfileView {
        guard let stored = try await repository.profile(id) else { throw MatchError.notFound(id) }
        let (position, room) = space.withLock { ($0.position(id) ?? stored.position, $0.room(of: id) ?? stored.room) }
        return ProfileView(stored.profile, position: position, room: room, encoder: embedder)
    }

    /// Changes a profile: re-embedded and placed again (alone) when its texts, interests,
    /// traits or avatar changed.
    public func patch(_ id: String, _ input: ProfileInput) async throws -> ProfileView {
        guard let stored = try await repository.profile(id) else { throw MatchError.notFound(id) }
        var profile = try input.apply(to: stored.profile)
        try checkAvatar(profile)
        profile.updatedAt = Date().timeIntervalSince1970
        return try await place(profile, isNew: false, event: "updated")
    }

    /// Deletes a profile.
    public func delete(_ id: String) async throws {
        try await gate.run {
            guard space.withLock({ $0.summary(id) }) != nil else { throw MatchError.notFound(id) }
            let changes = space.withLock { $0.remove(id) }
            var batch = spaceOnly()
            batch.deletes = [id]
            batch.events = [PendingEvent("matchmaking", "{\"type\":\"profile_deleted\",\"id\":\(JSONString.quote(id))}")]
            record(changes, into: &batch)
            try await commitOrReload(batch)
        }
    }

    /// Profiles in creation order (optionally one owner's); `after` is the last id of the
    /// previous page.
    public func list(owner: String?, limit: Int, after: String?) -> [ProfileListItem] {
        space.withLock { s in
            var order = s.ids.compactMap { id in s.summary(id) }
            order.sort { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
            var start = 0
            if let after, let i = order.firstIndex(where: { $0.id == after }) { start = i + 1 }
            return order[start...].lazy.filter { owner == nil || $0.owner == owner }.prefix(limit).map { item(s, $0) }
        }
    }

    /// Merges voice statistics (from an upload or a bound stream) into a profile; the profile
    /// is re-embedded when its traits changed.
    public func addVoice(_ id: String, _ voice: VoiceTraitsAccumulator) async throws -> ProfileView {
        guard let stored = try await repository.profile(id) else { throw MatchError.notFound(id) }
        var profile = stored.profile
        var merged = profile.voice ?? voice
        if profile.voice != nil { merged.merge(voice) }
        profile.voice = merged
        profile.updatedAt = Date().timeIntervalSince1970
        counters.withLock { $0.voiceUpdates += 1 }
        return try await place(profile, isNew: false, event: "voice")
    }

    /// The interests the space holds for profile `id` (its own and its avatar's).
    public func summaryInterests(_ id: String) -> [String]? { space.withLock { $0.summary(id)?.interests } }

    /// The owner of profile `id`, if it exists.
    public func owner(of id: String) -> String? { space.withLock { $0.summary(id)?.owner } }

    /// Whether profile `id` exists.
    public func exists(_ id: String) -> Bool { space.withLock { $0.summary(id) != nil } }

    /// The profile linked to avatar `avatar`, if any.
    public func profile(ofAvatar avatar: String) -> String? {
        space.withLock { s in s.ids.first { s.summary($0)?.avatar == avatar } }
    }

    /// An avatar changed: profiles linked to it are embedded again.
    public func avatarChanged(_ avatar: String) async throws {
        let linked = space.withLock { s in s.ids.filter { s.summary($0)?.avatar == avatar } }
        for id in linked {
            guard var stored = try await repository.profile(id) else { continue }
            if avatars?.avatarProfile(avatar) == nil { stored.profile.avatar = nil }
            _ = try await place(stored.profile, isNew: false, event: "updated")
        }
    }

    // MARK: - Neighbours, matches, space, rooms

    /// The `k` nearest profiles in the full embedding space.
    public func neighbors(_ id: String, k: Int) throws(MatchError) -> [Neighbor] {
        try checkK(k)
        let found: [Neighbor]? = space.withLock { s in
            guard s.summary(id) != nil else { return nil }
            return s.neighbors(of: id, k: k).map {
                Neighbor(id: $0.id, name: s.summary($0.id)!.name, distance: round4(1 - Double($0.similarity)))
            }
        }
        guard let found else { throw .notFound(id) }
        counters.withLock { $0.searches += 1 }
        return found
    }

    /// The `k` best matches by compatibility among the nearest ``MatchConfiguration/matchCandidates``.
    public func matches(_ id: String, k: Int) async throws -> [MatchView] {
        try checkK(k)
        let snapshot: (ProfileSummary, [(ProfileSummary, Float)])? = space.withLock { s in
            guard let me = s.summary(id) else { return nil }
            let near = s.neighbors(of: id, k: max(configuration.matchCandidates, k))
            return (me, near.map { (s.summary($0.id)!, $0.similarity) })
        }
        guard let (me, candidates) = snapshot else { throw MatchError.notFound(id) }
        counters.withLock { $0.searches += 1 }
        let mine = try await termVectors(me.interests)
        var out: [MatchView] = []
        for (other, similarity) in candidates {
            let theirs = try await termVectors(other.interests)
            let overlap = InterestOverlap.of(
                me.interests.compactMap { t in mine[t].map { (t, $0) } }, other.interests.compactMap { t in theirs[t].map { (t, $0) } })
            var history: CompatibilityScore.History?
            if let a = me.avatar, let b = other.avatar { history = avatars?.history(a, b) }
            let c = CompatibilityScore.score(me.traits, other.traits, interests: overlap, similarity: similarity, history: history)
            out.append(
                MatchView(
                    id: other.id, name: other.name, score: c.score, distance: round4(1 - Double(similarity)), dimensions: c.dimensions))
        }
        out.sort { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }
        return Array(out.prefix(k))
    }

    /// The best matches of avatar `avatar`'s profile among other avatars' profiles, as avatar
    /// ids (what an exploring avatar may discover); empty when the avatar has no profile.
    public func avatarMatches(forAvatar avatar: String, k: Int) async throws -> [String] {
        guard let id = profile(ofAvatar: avatar) else { return [] }
        let found = try await matches(id, k: configuration.maxK)
        let avatarOf = space.withLock { s in found.map { s.summary($0.id)?.avatar } }
        return Array(avatarOf.compactMap { $0 }.filter { $0 != avatar }.prefix(k))
    }

    /// A page of the space: positions and rooms in creation order.
    public func spacePage(limit: Int, after: String?) -> [ProfileListItem] { list(owner: nil, limit: limit, after: after) }

    /// Every room, in creation order.
    public func rooms() -> [RoomView] {
        space.withLock { s in s.roomList.map { roomView(s, $0) } }
    }

    /// One room with its members' names.
    public func room(_ id: String) throws(MatchError) -> RoomView {
        let found = space.withLock { s in s.rooms[id].map { roomView(s, $0) } }
        guard let found else { throw .roomNotFound(id) }
        return found
    }

    /// Lays the whole space out again (explicit: everyone moves) and regroups the rooms.
    public func relayout(seed: UInt64?) async throws -> Int {
        try await gate.run {
            let n = count
            guard n <= Layout.maxFullLayout else {
                throw MatchError.invalid("layout", "a full re-layout takes at most \(Layout.maxFullLayout) profiles (the space has \(n))")
            }
            let changes = space.withLock { $0.relayout(seed: seed ?? self.seed) }
            var batch = spaceOnly()
            record(changes, into: &batch)
            batch.events.append(PendingEvent("matchmaking", "{\"type\":\"relayout\",\"profiles\":\(n)}"))
            try await commitOrReload(batch)
            return n
        }
    }

    /// Trustworthiness at `k` of the current layout against the full space (at most
    /// `sample` profiles, the first ones in row order).
    public func trustworthiness(k: Int = 10, sample: Int = 2000) -> Double {
        space.withLock { s in
            let n = min(s.count, sample)
            let ids = Array(s.ids.prefix(n))
            let positions = ids.map { s.position($0)! }
            let vectors = ids.map { s.vector($0)! }
            return LayoutQuality.trustworthiness(count: n, positions: positions, k: k) { cosine(vectors[$0], vectors[$1]) }
        }
    }

    /// The mean position and room of each profile, for tests and tools.
    public func position(_ id: String) -> SIMD3<Float>? { space.withLock { $0.position(id) } }

    /// The room of a profile.
    public func room(of id: String) -> String? { space.withLock { $0.room(of: id) } }

    /// Cosine distance between two profiles in the full space (1 - cosine).
    public func distance(_ a: String, _ b: String) -> Double? {
        space.withLock { $0.similarity(a, b) }.map { 1 - Double($0) }
    }

    // MARK: - Placing

    /// Embeds `profile`, places it (new or again) and commits; `event` names the change.
    private func place(_ profile: MatchProfile, isNew: Bool, event: String) async throws -> ProfileView {
        let avatarProfile = profile.avatar.flatMap { avatars?.avatarProfile($0) }
        var interests = profile.interests
        if let a = avatarProfile { for i in a.interests where !interests.contains(i) { interests.append(i) } }
        var text = [profile.cvText, profile.transcript].filter { !$0.isEmpty }.joined(separator: "\n")
        if text.isEmpty, let bio = avatarProfile?.bio { text = bio }
        let textVector = text.isEmpty ? [Float](repeating: 0, count: embedder.dimension) : try await embed(text)
        let termVectors = try await termVectors(interests)
        var mean = [Float](repeating: 0, count: embedder.dimension)
        for t in interests { if let v = termVectors[t] { for i in mean.indices { mean[i] += v[i] } } }
        normalize(&mean, to: 1)
        let traits = traits(profile, avatar: avatarProfile)
        let fused = ProfileVector.fuse(
            semantic: ProfileVector.semantic(text: textVector, interests: mean), personality: traits.personality,
            voice: profile.voiceTraits)
        var summary = Self.summary(profile, traits: traits)
        summary.interests = interests
        return try await gate.run {
            let exists = space.withLock { $0.summary(profile.id) != nil }
            if isNew && exists { throw MatchError.invalid("id", "exists") }
            if !isNew && !exists && event != "reembedded" { throw MatchError.notFound(profile.id) }
            if isNew && !exists && count >= configuration.maxProfiles { throw MatchError.tooMany(configuration.maxProfiles) }
            let changes = space.withLock { s in exists ? s.update(summary, vector: fused) : s.add(summary, vector: fused) }
            let (position, room) = space.withLock { ($0.position(profile.id)!, $0.room(of: profile.id)!) }
            var batch = spaceOnly()
            batch.upserts = [
                StoredProfile(profile: profile, text: textVector, interests: mean, fused: fused, position: position, room: room)
            ]
            let kind = isNew ? "profile_created" : "profile_updated"
            let data =
                "{\"type\":\"\(kind)\",\"id\":\(JSONString.quote(profile.id)),\"name\":\(JSONString.quote(profile.name)),\"change\":\"\(event)\"}"
            batch.events = [PendingEvent("matchmaking", data), PendingEvent("matchmaking/profiles/\(profile.id)", data)]
            record(changes, into: &batch)
            try await commitOrReload(batch)
            counters.withLock { $0.placements += 1 }
            return ProfileView(profile, position: position, room: room, encoder: embedder)
        }
    }

    /// New matches worth telling: the newcomer's best three with a score of at least 0.6.
    public func announceMatches(_ id: String) async throws {
        let best = try await matches(id, k: 3).filter { $0.score >= 0.6 }
        guard !best.isEmpty else { return }
        var batch = MatchChanges()
        for m in best {
            let data = "{\"type\":\"match\",\"id\":\(JSONString.quote(id)),\"with\":\(JSONString.quote(m.id)),\"score\":\(m.score)}"
            batch.events += [
                PendingEvent("matchmaking", data), PendingEvent("matchmaking/profiles/\(id)", data),
                PendingEvent("matchmaking/profiles/\(m.id)", data),
            ]
        }
        try await repository.commit(batch)
    }

    /// Turns space changes into rows and events.
    private func record(_ changes: [SpaceChange], into batch: inout MatchChanges) {
        func pos(_ p: SIMD3<Float>) -> String { "[\(round4(Double(p.x))),\(round4(Double(p.y))),\(round4(Double(p.z)))]" }
        for change in changes {
            let data: String
            var profile: String?
            switch change {
            case .placed(let id, let p), .moved(let id, let p):
                let kind = if case .placed = change { "placed" } else { "moved" }
                data = "{\"type\":\"\(kind)\",\"id\":\(JSONString.quote(id)),\"position\":\(pos(p))}"
                profile = id
                batch.positions.append((id, p))
            case .roomCreated(let room):
                data = "{\"type\":\"room_created\",\"room\":\(JSONString.quote(room))}"
            case .roomChanged(let id, let from, let to):
                data =
                    "{\"type\":\"room_changed\",\"id\":\(JSONString.quote(id)),\"from\":\(from.map(JSONString.quote) ?? "null"),\"to\":\(JSONString.quote(to))}"
                profile = id
                batch.rooms.append((id, to))
            case .roomsMerged(let from, let into):
                data = "{\"type\":\"rooms_merged\",\"from\":\(JSONString.quote(from)),\"into\":\(JSONString.quote(into))}"
            case .roomClosed(let room):
                data = "{\"type\":\"room_closed\",\"room\":\(JSONString.quote(room))}"
            }
            batch.events.append(PendingEvent("matchmaking", data))
            if let profile { batch.events.append(PendingEvent("matchmaking/profiles/\(profile)", data)) }
        }
    }

    private func spaceOnly() -> MatchChanges {
        var batch = MatchChanges()
        let (random, next) = space.withLock { ($0.random.state, $0.nextRoom) }
        batch.space = SpaceRecord(seed: seed, random: random, encoder: embedder.name, nextRoom: next)
        return batch
    }

    /// Commits; if the commit fails, the space in memory is loaded again from the store, so
    /// memory never shows what the store does not hold.
    private func commitOrReload(_ batch: MatchChanges) async throws {
        do { try await repository.commit(batch) } catch {
            let stored = (try? await repository.loadProfiles()) ?? []
            let saved = try? await repository.loadSpace()
            space.withLock { s in
                var fresh = MatchSpace(dimension: s.dimension, seed: seed, settings: configuration.space)
                if let saved { fresh.restoreRandom(saved.random) }
                for p in stored where p.fused.count == fresh.dimension {
                    fresh.restore(Self.summary(p.profile, traits: traits(p.profile)), vector: p.fused, position: p.position, room: p.room)
                }
                if let saved { fresh.nextRoomAtLeast(saved.nextRoom) }
                s = fresh
            }
            throw error
        }
    }

    // MARK: - Encoding

    /// Embeds a text on the encoder's thread.
    private func embed(_ text: String) async throws -> [Float] {
        guard queued.add(1, ordering: .relaxed).newValue <= configuration.maxEncoderQueue else {
            queued.subtract(1, ordering: .relaxed)
            counters.withLock { $0.busy += 1 }
            throw MatchError.busy
        }
        let embedder = self.embedder
        let (vector, seconds) = await withCheckedContinuation { (c: CheckedContinuation<([Float], Double), Never>) in
            encoderQueue.async {
                let start = ContinuousClock.now
                let v = embedder.embed(text)
                let d = ContinuousClock.now - start
                c.resume(returning: (v, Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18))
            }
        }
        queued.subtract(1, ordering: .relaxed)
        counters.withLock {
            $0.embeddings += 1
            $0.embeddingSeconds += seconds
        }
        return vector
    }

    /// Vectors of interest terms: memory, then the store, then the encoder.
    private func termVectors(_ list: [String]) async throws -> [String: [Float]] {
        var found = terms.withLock { cache in Dictionary(uniqueKeysWithValues: list.compactMap { t in cache[t].map { (t, $0) } }) }
        var missing = list.filter { found[$0] == nil }
        if !missing.isEmpty {
            for (t, v) in try await repository.terms(missing, encoder: embedder.name) where v.count == embedder.dimension { found[t] = v }
            missing = missing.filter { found[$0] == nil }
            var fresh: [String: [Float]] = [:]
            for t in missing { fresh[t] = try await embed(t) }
            if !fresh.isEmpty { try await repository.saveTerms(fresh, encoder: embedder.name) }
            found.merge(fresh) { a, _ in a }
            terms.withLock { cache in
                if cache.count > Self.maxCachedTerms { cache.removeAll(keepingCapacity: true) }
                for (t, v) in found { cache[t] = v }
            }
        }
        return found
    }

    // MARK: - Helpers

    private func checkK(_ k: Int) throws(MatchError) {
        guard (1...configuration.maxK).contains(k) else { throw .invalid("k", "must be 1...\(configuration.maxK)") }
    }

    private func checkAvatar(_ profile: MatchProfile) throws {
        if let a = profile.avatar, avatars?.avatarProfile(a) == nil { throw MatchError.unknownAvatar(a) }
    }

    private func traits(_ p: MatchProfile, avatar: AvatarProfile? = nil) -> CompatibilityTraits {
        let a = avatar ?? p.avatar.flatMap { avatars?.avatarProfile($0) }
        return CompatibilityTraits(
            personality: p.personality ?? a?.personality, attachment: p.attachmentStyle ?? a?.attachmentStyle,
            loveLanguage: p.loveLanguage ?? a?.loveLanguage, humor: p.humorStyle ?? a?.humorStyle,
            voiceEnergy: p.voiceTraits.map(VoiceVector.energy))
    }

    private static func summary(_ p: MatchProfile, traits: CompatibilityTraits) -> ProfileSummary {
        var s = ProfileSummary(id: p.id, name: p.name, owner: p.owner, interests: p.interests, avatar: p.avatar, traits: traits)
        s.createdAt = p.createdAt
        return s
    }

    private func item(_ s: MatchSpace, _ p: ProfileSummary) -> ProfileListItem {
        let pos = s.position(p.id) ?? .zero
        return ProfileListItem(
            id: p.id, name: p.name, owner: p.owner, avatar: p.avatar, position: [pos.x, pos.y, pos.z].map { round4(Double($0)) },
            room: s.room(of: p.id) ?? "")
    }

    private func roomView(_ s: MatchSpace, _ r: Room) -> RoomView {
        var center = SIMD3<Float>.zero
        var counts: [String: Int] = [:]
        for m in r.members {
            center += s.position(m) ?? .zero
            for i in s.summary(m)?.interests ?? [] { counts[i, default: 0] += 1 }
        }
        center /= Float(max(1, r.members.count))
        let label = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(2).map(\.key)
        return RoomView(
            id: r.id, label: label.joined(separator: " & "), size: r.members.count, capacity: configuration.space.roomCapacity,
            center: [center.x, center.y, center.z].map { round4(Double($0)) },
            members: r.members.map { RoomMember(id: $0, name: s.summary($0)?.name ?? "") })
    }

    private static func newID() -> String {
        var random = SystemRandomNumberGenerator()
        return "p_" + String(random.next() >> 1, radix: 16)
    }
}

func round4(_ x: Double) -> Double { (x * 10_000).rounded() / 10_000 }
