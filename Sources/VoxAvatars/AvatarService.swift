import Foundation
import Synchronization
import VoxStore

/// The avatar service's settings.
public struct AvatarConfiguration: Sendable {
    /// Most avatars (`--max-avatars`).
    public var maxAvatars: Int
    /// World minutes per real minute for a new world (`--world-speed`).
    public var worldSpeed: Double
    /// Seed of a new world (nil: random, below 2^53 so JSON clients read it exactly); a saved
    /// world keeps its own.
    public var seed: UInt64?
    /// Real seconds between full checkpoints of every avatar's needs and emotions (state
    /// changes are saved on every tick).
    public var checkpointSeconds: Double
    /// Most world minutes one `advance` may step (a week).
    public var maxAdvanceMinutes: Int
    /// Most world minutes one tick catches up after a stall; beyond, world time skips (counted).
    public var maxCatchUpMinutes: Int
    /// Avatar conversations the language model writes at once, when one is configured; the
    /// others (thousands a minute in a big world) are written by the offline generator.
    public var llmConversations = 2

    /// The defaults: 10,000 avatars, speed 60 (a world hour per real minute), 10 s checkpoints.
    public init(
        maxAvatars: Int = 10_000, worldSpeed: Double = 60, seed: UInt64? = nil, checkpointSeconds: Double = 10,
        maxAdvanceMinutes: Int = 10_080, maxCatchUpMinutes: Int = 60
    ) {
        self.maxAvatars = maxAvatars
        self.worldSpeed = worldSpeed
        self.seed = seed
        self.checkpointSeconds = checkpointSeconds
        self.maxAdvanceMinutes = maxAdvanceMinutes
        self.maxCatchUpMinutes = maxCatchUpMinutes
    }

    /// Fastest world speed accepted.
    public static let maxSpeed = 100_000.0
}

/// Counters of the avatar service, for /metrics.
public struct AvatarStats: Sendable, Equatable {
    /// Simulation ticks run.
    public var ticks = 0
    /// World minutes stepped (ticks and advances).
    public var minutesStepped = 0
    /// World minutes skipped because a tick fell too far behind.
    public var minutesSkipped = 0
    /// Seconds spent stepping the simulation.
    public var simulationSeconds = 0.0
    /// Seconds spent committing to the store.
    public var commitSeconds = 0.0
    /// Conversations between avatars.
    public var conversations = 0
    /// Memories written (all kinds).
    public var memoriesWritten = 0
    /// Events emitted.
    public var events = 0
    /// Commits that failed (the next full checkpoint saves the state again).
    public var commitFailures = 0
    /// Replies to owner messages, by generator.
    public var llmReplies = 0
    /// Owner-message replies made offline.
    public var offlineReplies = 0
    /// Avatar conversations the language model wrote.
    public var llmConversations = 0

    /// All zero.
    public init() {}
}

/// The avatar-state service: avatars with needs, emotions, a life process, memories and
/// relationships, living in a world whose clock runs at a set speed. Plain logic over values
/// (``World``) with storage behind ``AvatarRepository``; it knows nothing of HTTP.
///
/// Concurrency: the world is behind a mutex (reads are immediate); every change goes through a
/// ``WriteGate`` so changes commit in the order they were made.
public final class AvatarService: Sendable {
    /// Longest message to an avatar, characters.
    public static let maxMessage = 2000
    /// Most memories one request returns.
    public static let maxMemoryPage = 200

    /// Settings.
    public let configuration: AvatarConfiguration
    private let repository: any AvatarRepository
    private let voice: any AvatarVoice
    private let world: Mutex<World>
    private let clock: Mutex<ClockState>
    private let gate = WriteGate()
    private let counters = Mutex(AvatarStats())
    /// Conversations the language model is writing now.
    private let talking = Atomic<Int>(0)
    /// The last experience of each avatar (what a reflection is about); not persisted.
    private let experiences = Mutex<[Int64: String]>([:])

    private struct ClockState {
        var speed: Double
        var paused: Bool
        /// Fraction of a world minute not yet stepped.
        var carry = 0.0
        var lastTick: Double?
        var lastCheckpoint: Double?
        var lastForget = 0.0
        var lastBroadcastHour = -1.0
    }

    /// Loads the world from `repository` (or starts a new one).
    public init(repository: any AvatarRepository, configuration: AvatarConfiguration, voice: any AvatarVoice = OfflineOnlyVoice())
        async throws
    {
        self.repository = repository
        self.configuration = configuration
        self.voice = voice
        let saved = try await repository.loadWorld()
        var world = World(seed: saved?.seed ?? configuration.seed ?? UInt64.random(in: 1...(1 << 53)), minute: saved?.minute ?? 0)
        if let saved { world.random = saved.random }
        for record in try await repository.loadAvatars() { world.add(record.avatar) }
        for relationship in try await repository.loadRelationships() { world.restore(relationship) }
        self.world = Mutex(world)
        clock = Mutex(
            ClockState(speed: saved?.speed ?? configuration.worldSpeed, paused: saved?.paused ?? false, lastForget: world.minute))
        if saved == nil { try await repository.commit(WorldChanges(world: Self.record(world, clock: clock.withLock { $0 }))) }
    }

    /// The counters now.
    public var stats: AvatarStats { counters.withLock { $0 } }

    // MARK: - Avatars

    /// Creates an avatar from `input` (which must have a name).
    public func create(_ input: AvatarInput) async throws -> AvatarView {
        guard input.hasName else { throw AvatarError.invalid("name", "is required") }
        let profile = try input.apply(to: AvatarProfile(name: ""))
        return try await gate.run {
            let (count, minute) = world.withLock { ($0.count, $0.minute) }
            guard count < configuration.maxAvatars else { throw AvatarError.tooMany(configuration.maxAvatars) }
            let id = Self.newID()
            let avatar = try await repository.create(
                id: id, createdAt: minute, make: { key in SimAvatar(key: key, id: id, profile: profile) },
                events: { avatar in
                    [
                        PendingEvent("avatars", "{\"created\":\(JSONString.quote(avatar.id))}"),
                        PendingEvent("avatars/\(avatar.id)/state", Self.stateJSON(avatar, previous: nil, minute: minute)),
                    ]
                })
            world.withLock { $0.add(avatar) }
            return AvatarView(avatar, partner: nil)
        }
    }

    /// Avatars in creation order, optionally only those of `owner`; `after` is the last id of
    /// the previous page.
    public func list(owner: String?, limit: Int, after: String?) -> [AvatarView] {
        world.withLock { w in
            var start = 0
            if let after, let i = w.avatars.firstIndex(where: { $0.id == after }) { start = i + 1 }
            return w.avatars[start...].lazy.filter { owner == nil || $0.profile.owner == owner }.prefix(limit).map {
                AvatarView($0, partner: $0.partner.flatMap { w.avatar(key: $0)?.id })
            }
        }
    }

    /// One avatar.
    public func get(_ id: String) throws(AvatarError) -> AvatarView {
        let view = world.withLock { w in
            w.avatar(id: id).map { AvatarView($0, partner: $0.partner.flatMap { w.avatar(key: $0)?.id }) }
        }
        guard let view else { throw .notFound(id) }
        return view
    }

    /// Changes an avatar's profile.
    public func patch(_ id: String, _ input: AvatarInput) async throws -> AvatarView {
        try await gate.run {
            let current = try avatar(id)
            let profile = try input.apply(to: current.profile)
            var changed = current
            changed.update(profile: profile)
            try await repository.update(changed, events: [PendingEvent("avatars", "{\"updated\":\(JSONString.quote(id))}")])
            world.withLock { w in w.modify(key: changed.key) { $0.update(profile: profile) } }
            return try get(id)
        }
    }

    /// Deletes an avatar with its memories and relationships.
    public func delete(_ id: String) async throws {
        try await gate.run {
            let current = try avatar(id)
            try await repository.delete(key: current.key, events: [PendingEvent("avatars", "{\"deleted\":\(JSONString.quote(id))}")])
            world.withLock { $0.remove(key: current.key) }
            _ = experiences.withLock { $0.removeValue(forKey: current.key) }
        }
    }

    // MARK: - Memories and relationships

    /// An avatar's memories, strongest first; with `query`, full-text matches, each recalled
    /// (which reinforces it).
    public func memories(_ id: String, query: String?, limit: Int) async throws -> [MemoryView] {
        let current = try avatar(id)
        let now = world.withLock { $0.minute }
        let limit = min(max(1, limit), Self.maxMemoryPage)
        if query != nil {
            return try await gate.run {
                try await repository.memories(of: current.key, query: query, limit: limit, now: now).map { MemoryView($0, now: now) }
            }
        }
        return try await repository.memories(of: current.key, query: nil, limit: limit, now: now).map { MemoryView($0, now: now) }
    }

    /// Adds a memory (kind `note`) to an avatar.
    public func addMemory(_ id: String, text: String, importance: Int) async throws -> MemoryView {
        let trimmed = text.trimmingSpaces
        guard !trimmed.isEmpty, trimmed.count <= Memory.maxText else {
            throw AvatarError.invalid("text", "must be 1...\(Memory.maxText) characters")
        }
        guard (1...10).contains(importance) else { throw AvatarError.invalid("importance", "must be 1...10") }
        return try await gate.run {
            let current = try avatar(id)
            let now = world.withLock { $0.minute }
            let memory = Memory(id: 0, text: trimmed, importance: importance, kind: "note", createdAt: now, reinforcedAt: now, recalls: 0)
            let saved = try await repository.addMemory(memory, to: current.key) { m in [Self.memoryEvent(id, m, now: now)] }
            counters.withLock { $0.memoriesWritten += 1 }
            return MemoryView(saved, now: now)
        }
    }

    /// An avatar's relationships, with each one's recent history.
    public func relationships(_ id: String) async throws -> [RelationshipView] {
        let current = try avatar(id)
        let (pairs, names) = world.withLock { w in
            (w.relationships(of: current.key), Dictionary(uniqueKeysWithValues: w.avatars.map { ($0.key, ($0.id, $0.profile.name)) }))
        }
        var views: [RelationshipView] = []
        for r in pairs {
            let other = r.a == current.key ? r.b : r.a
            guard let (otherID, otherName) = names[other] else { continue }
            let mine = r.a == current.key
            views.append(
                RelationshipView(
                    with: otherID, name: otherName, stage: r.stage.rawValue, affinity: round4(r.affinity), trust: round4(r.trust),
                    attraction: round4(mine ? r.attractionAB : r.attractionBA),
                    attractionBack: round4(mine ? r.attractionBA : r.attractionAB),
                    interactions: r.interactions, lastInteraction: r.lastInteraction,
                    history: try await repository.interactions(r.a, r.b, limit: 10)))
        }
        return views.sorted { $0.affinity > $1.affinity }
    }

    /// The owner talks to the avatar: it answers (the LLM when configured, else offline), the
    /// exchange is stored as a memory, and the talk counts as social activity. `ownerKnows` is
    /// what the owner's digital twin remembers about the message (the twin service's best
    /// memories), which the avatar may draw on.
    public func message(_ id: String, text: String, ownerKnows: [String] = []) async throws -> MessageReply {
        let trimmed = text.trimmingSpaces
        guard !trimmed.isEmpty, trimmed.count <= Self.maxMessage else {
            throw AvatarError.invalid("text", "must be 1...\(Self.maxMessage) characters")
        }
        let current = try avatar(id)
        let now = world.withLock { $0.minute }
        let recalled = try await gate.run { try await repository.memories(of: current.key, query: trimmed, limit: 3, now: now) }
        let fallback = OfflineVoice.line(
            .init(
                speaker: current.profile, emotions: current.emotions, partnerLine: trimmed,
                memory: ownerKnows.first ?? recalled.first?.text))
        let answer = await voice.reply(
            system: Self.persona(current, memories: recalled.map(\.text), ownerKnows: ownerKnows), user: trimmed, fallback: fallback)
        counters.withLock { answer.generator == "llm" ? ($0.llmReplies += 1) : ($0.offlineReplies += 1) }
        return try await gate.run {
            let current = try avatar(id)
            let now = world.withLock { $0.minute }
            let memory = Memory(
                id: 0, text: "My owner said: \"\(trimmed.prefix(500))\" I answered: \"\(answer.text.prefix(800))\"", importance: 5,
                kind: "message", createdAt: now, reinforcedAt: now, recalls: 0)
            let saved = try await repository.addMemory(memory, to: current.key) { m in [Self.memoryEvent(id, m, now: now)] }
            counters.withLock { $0.memoriesWritten += 1 }
            world.withLock { w in
                w.speak(key: current.key, minutes: 2)
                w.modify(key: current.key) { $0.emotions.push(pleasure: 0.08, arousal: 0.04, dominance: 0.02) }
            }
            experiences.withLock { $0[current.key] = "talking with my owner" }
            let after = try get(id)
            return MessageReply(
                reply: answer.text, generator: answer.generator, model: answer.model, fallbackReason: answer.fallbackReason,
                memory: MemoryView(saved, now: now), state: after.state, ownerTwinMemories: ownerKnows.count)
        }
    }

    // MARK: - The world

    /// The world clock.
    public func worldView() -> WorldView {
        let c = clock.withLock { $0 }
        return world.withLock { w in Self.view(w, c) }
    }

    /// Sets the world's speed or pauses it.
    public func patchWorld(_ patch: WorldPatch) async throws -> WorldView {
        if let speed = patch.speed, !(speed > 0 && speed <= AvatarConfiguration.maxSpeed) {
            throw AvatarError.invalid("speed", "must be > 0 and <= \(Int(AvatarConfiguration.maxSpeed))")
        }
        return try await gate.run {
            let c = clock.withLock { c in
                if let speed = patch.speed { c.speed = speed }
                if let paused = patch.paused { c.paused = paused }
                return c
            }
            let (record, view) = world.withLock { w in (Self.record(w, clock: c), Self.view(w, c)) }
            var changes = WorldChanges(world: record)
            changes.events = [PendingEvent("world", Self.worldJSON(view))]
            try await repository.commit(changes)
            return view
        }
    }

    /// Steps the world `minutes` world minutes at once, deterministically, and saves it.
    public func advance(minutes: Int) async throws -> WorldView {
        guard (1...configuration.maxAdvanceMinutes).contains(minutes) else {
            throw AvatarError.invalid("minutes", "must be 1...\(configuration.maxAdvanceMinutes)")
        }
        return try await gate.run {
            try await step(minutes: minutes, full: true)
            return worldView()
        }
    }

    /// Runs the world clock up to real time `now` (seconds on a monotonic clock): called about
    /// once a second by the server's ticker.
    public func tick(now: Double) async throws {
        try await gate.run {
            let (minutes, full) = due(now: now)
            if minutes > 0 || full { try await step(minutes: minutes, full: full) }
        }
    }

    /// ``tick(now:)`` on the calling thread, blocking it: the simulation and the commit run at
    /// that thread's priority (the server runs the world on a low-priority thread of its own, so
    /// face streams come first when the machine is busy). Never call it from async code.
    public func tickBlocking(now: Double) throws {
        try gate.runBlocking {
            let (minutes, full) = due(now: now)
            guard minutes > 0 || full else { return }
            let prepared = prepare(minutes: minutes, full: full)
            let started = ContinuousClock.now
            do { try repository.commitBlocking(prepared.changes) } catch {
                counters.withLock { $0.commitFailures += 1 }
                throw error
            }
            finish(prepared, committed: started)
        }
    }

    /// World minutes due at real time `now`, and whether a full checkpoint is due.
    private func due(now: Double) -> (Int, Bool) {
        let (minutes, full) = clock.withLock { c -> (Int, Bool) in
            defer { c.lastTick = now }
            let full = now - (c.lastCheckpoint ?? now) >= configuration.checkpointSeconds
            if c.lastCheckpoint == nil || full { c.lastCheckpoint = now }
            guard let last = c.lastTick, !c.paused else { return (0, full) }
            c.carry += max(0, now - last) * c.speed / 60
            let whole = c.carry.rounded(.down)
            c.carry -= whole
            return (Int(whole), full)
        }
        let stepped = min(minutes, configuration.maxCatchUpMinutes)
        counters.withLock {
            $0.ticks += 1
            $0.minutesSkipped += minutes - stepped
        }
        return (stepped, full)
    }

    /// Saves every avatar's state now (shutdown).
    public func checkpoint() async throws {
        try await gate.run { try await step(minutes: 0, full: true) }
    }

    // MARK: - The face

    /// The avatar's mood as the face's seven emotion channels (Angry ... Surprised), 0...1.
    public func emotionChannels(_ id: String) -> [Double]? {
        world.withLock { w in w.avatar(id: id)?.emotions.faceChannels }
    }

    /// Avatars exploring now that have no suggestions left, at most `limit`.
    public func exploringWithoutSuggestions(limit: Int) -> [String] {
        world.withLock { w in
            let suggestions = w.suggestions
            return Array(w.avatars.filter { $0.life == .exploring && (suggestions[$0.key] ?? []).isEmpty }.prefix(limit).map(\.id))
        }
    }

    /// Tells avatar `id` of matches (other avatars' ids, best first) it may discover while
    /// exploring.
    public func suggest(_ id: String, matches: [String]) {
        world.withLock { w in
            guard let key = w.avatar(id: id)?.key else { return }
            let keys = matches.compactMap { m in w.avatar(id: m)?.key }
            w.suggest(key: key, keys)
        }
    }

    /// Avatar `id`'s profile, if it exists.
    public func profile(_ id: String) -> AvatarProfile? {
        world.withLock { w in w.avatar(id: id)?.profile }
    }

    /// Where avatars `a` and `b` stand, if they have met.
    public func relationship(_ a: String, _ b: String) -> Relationship? {
        world.withLock { w in
            guard let ka = w.avatar(id: a)?.key, let kb = w.avatar(id: b)?.key else {
                return nil
            }
            return w.relationships[World.Pair(ka, kb)]
        }
    }

    /// Whether avatar `id` exists.
    public func exists(_ id: String) -> Bool { world.withLock { w in w.avatar(id: id) != nil } }

    /// A face stream bound to avatar `id` carried speech for `seconds` real seconds.
    public func speak(_ id: String, seconds: Double) {
        let speed = clock.withLock { $0.paused ? 0 : $0.speed }
        world.withLock { w in
            guard let key = w.avatar(id: id)?.key else { return }
            w.speak(key: key, minutes: seconds * speed / 60)
        }
    }

    // MARK: - Stepping

    /// What one step changed, ready to commit.
    private struct Prepared {
        var changes: WorldChanges
        var minutes: Int
        var conversations: Int
        var memories: Int
        var delegated: [Talk]
        var simulated: Duration
    }

    /// Steps the world and commits what changed (inside the gate).
    private func step(minutes: Int, full: Bool) async throws {
        let prepared = prepare(minutes: minutes, full: full)
        let started = ContinuousClock.now
        do { try await repository.commit(prepared.changes) } catch {
            counters.withLock { $0.commitFailures += 1 }
            throw error
        }
        finish(prepared, committed: started)
    }

    /// Steps the world `minutes` and builds the changes (under the world's lock, no I/O).
    private func prepare(minutes: Int, full: Bool) -> Prepared {
        let started = ContinuousClock.now
        var events: [WorldEvent] = []
        let c = clock.withLock { $0 }
        let (changes, conversations, memories, delegated) = world.withLock { w -> (WorldChanges, Int, Int, [Talk]) in
            w.advance(minutes: minutes, into: &events)
            return build(events, world: w, clock: c, full: full)
        }
        return Prepared(
            changes: changes, minutes: minutes, conversations: conversations, memories: memories, delegated: delegated,
            simulated: ContinuousClock.now - started)
    }

    /// Counts a committed step and hands its delegated conversations to the language model.
    private func finish(_ p: Prepared, committed started: ContinuousClock.Instant) {
        let commit = ContinuousClock.now - started
        counters.withLock { s in
            s.minutesStepped += p.minutes
            s.simulationSeconds += Self.seconds(p.simulated)
            s.commitSeconds += Self.seconds(commit)
            s.conversations += p.conversations
            s.memoriesWritten += p.memories
            s.events += p.changes.events.count
        }
        for talk in p.delegated {
            talking.add(1, ordering: .relaxed)
            Task {
                await converse(talk)
                talking.subtract(1, ordering: .relaxed)
            }
        }
    }

    private static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// Turns a step's events into the changes to save and the events to publish.
    private func build(_ events: [WorldEvent], world w: World, clock c: ClockState, full: Bool) -> (WorldChanges, Int, Int, [Talk]) {
        var changes = WorldChanges(world: Self.record(w, clock: c))
        var delegated: [Talk] = []
        let delegable = voice.usesLanguageModel ? max(0, configuration.llmConversations - talking.load(ordering: .relaxed)) : 0
        var changed = Set<Int64>()
        var conversations = 0
        var lastState: [Int64: (LifeState, LifeState, Double)] = [:]
        let coalesce = events.count > 20_000
        var experiences = self.experiences.withLock { $0 }
        for event in events {
            switch event {
            case .transition(let key, let from, let to, let minute):
                changed.insert(key)
                guard let a = w.avatar(key: key) else { continue }
                if coalesce {
                    lastState[key] = (lastState[key]?.0 ?? from, to, minute)
                } else {
                    changes.events.append(PendingEvent("avatars/\(a.id)/state", Self.stateJSON(a, previous: from, minute: minute, to: to)))
                }
            case .conversation(let o):
                conversations += 1
                changed.insert(o.a)
                changed.insert(o.b)
                guard let x = w.avatar(key: o.a), let y = w.avatar(key: o.b) else { continue }
                let topic = Set(x.profile.interests).intersection(y.profile.interests).sorted().first
                changes.relationships.append(o.relationship)
                for (me, other) in [(x, y), (y, x)] {
                    experiences[me.key] = "my talk with \(other.profile.name)"
                    if !coalesce {
                        changes.events.append(
                            PendingEvent("avatars/\(me.id)/relationships", Self.relationshipJSON(o, me: me, other: other)))
                    }
                }
                let talk = Talk(x: x, y: y, topic: topic, outcome: o)
                if delegated.count < delegable {
                    // The language model writes what was said; the numbers have moved already.
                    delegated.append(talk)
                } else {
                    Self.record(
                        talk, first: talk.offlineFirst, second: talk.offlineSecond, into: &changes, publish: !coalesce, now: w.minute)
                }
            case .discovered(let key, let otherKey, let minute):
                changed.insert(key)
                guard let a = w.avatar(key: key), let other = w.avatar(key: otherKey) else { continue }
                experiences[key] = "discovering \(other.profile.name)"
                let memory = Memory(
                    id: 0, text: "Matchmaking introduced me to \(other.profile.name); we might get on.", importance: 6, kind: "match",
                    createdAt: minute, reinforcedAt: minute, recalls: 0)
                changes.memories.append((key, memory))
                changes.events.append(
                    PendingEvent(
                        "avatars/\(a.id)/matches",
                        "{\"discovered\":\(JSONString.quote(other.id)),\"name\":\(JSONString.quote(other.profile.name)),\"minute\":\(minute)}"
                    ))
                if !coalesce { changes.events.append(Self.memoryEvent(a.id, memory, now: w.minute)) }
            case .reflection(let key, let minute):
                changed.insert(key)
                guard let a = w.avatar(key: key) else { continue }
                let about = experiences[key] ?? a.profile.interests.first.map { "my love of \($0)" } ?? "the day"
                let text = "Reflected on \(about) while feeling \(a.emotions.label.lowercased())."
                let memory = Memory(
                    id: 0, text: text, importance: 3, kind: "reflection", createdAt: minute, reinforcedAt: minute, recalls: 0)
                changes.memories.append((key, memory))
                if !coalesce { changes.events.append(Self.memoryEvent(a.id, memory, now: w.minute)) }
            }
        }
        self.experiences.withLock { $0 = experiences }
        if coalesce {
            // A long advance of a big world: one state event per avatar that changed (its first
            // previous state and its final state), and a note of how many were coalesced.
            for (key, (from, to, minute)) in lastState.sorted(by: { $0.key < $1.key }) {
                guard let a = w.avatar(key: key) else { continue }
                changes.events.append(PendingEvent("avatars/\(a.id)/state", Self.stateJSON(a, previous: from, minute: minute, to: to)))
            }
            changes.events.append(PendingEvent("world", "{\"coalesced_events\":\(events.count)}"))
        }
        changes.avatars = full ? w.avatars : w.avatars.filter { changed.contains($0.key) }
        let forgetDue = w.minute - c.lastForget >= 60 || full
        if forgetDue {
            changes.forgetAt = w.minute
            clock.withLock { $0.lastForget = w.minute }
        }
        let hour = (w.minute / 60).rounded(.down)
        if hour != c.lastBroadcastHour {
            clock.withLock { $0.lastBroadcastHour = hour }
            changes.events.append(PendingEvent("world", Self.worldJSON(Self.view(w, c))))
        }
        return (changes, conversations, changes.memories.count, delegated)
    }

    /// A conversation whose words are still to be written.
    struct Talk: Sendable {
        var x: SimAvatar
        var y: SimAvatar
        var topic: String?
        var outcome: ConversationOutcome

        var offlineFirst: String {
            OfflineVoice.line(.init(speaker: x.profile, emotions: x.emotions, partner: y.profile.name, topic: topic))
        }
        var offlineSecond: String {
            OfflineVoice.line(
                .init(speaker: y.profile, emotions: y.emotions, partner: x.profile.name, partnerLine: offlineFirst, topic: topic))
        }
    }

    /// The conversation's history entry and both avatars' memories of it.
    static func record(_ talk: Talk, first: String, second: String, into changes: inout WorldChanges, publish: Bool, now: Double) {
        let o = talk.outcome
        let (x, y) = (talk.x, talk.y)
        let went = o.quality > 0.3 ? "It went well." : o.quality < -0.2 ? "It went badly." : "It was all right."
        let importance = min(10, 2 + Int((abs(o.quality) * 5).rounded()) + (o.relationship.stage != o.previousStage ? 3 : 0))
        let summary = "\(x.profile.name): \"\(first)\" \(y.profile.name): \"\(second)\""
        changes.interactions.append(
            (o.relationship.a, o.relationship.b, Interaction(minute: o.minute, quality: round4(o.quality), summary: summary)))
        for (me, other, said) in [(x, y, second), (y, x, first)] {
            let text = "Talked with \(other.profile.name)\(talk.topic.map { " about \($0)" } ?? ""). They said: \"\(said)\" \(went)"
            let memory = Memory(
                id: 0, text: text, importance: importance, kind: "conversation", createdAt: o.minute, reinforcedAt: o.minute, recalls: 0)
            changes.memories.append((me.key, memory))
            if publish { changes.events.append(Self.memoryEvent(me.id, memory, now: now)) }
        }
    }

    /// Has the language model write a delegated conversation (two lines), then saves it.
    private func converse(_ talk: Talk) async {
        let (x, y) = (talk.x, talk.y)
        let about = talk.topic.map { " about \($0)" } ?? ""
        let first = await voice.reply(
            system: Self.persona(x, memories: []) + "\nYou meet \(y.profile.name). Say one or two sentences to start a chat\(about).",
            user: "(\(y.profile.name) is listening.)", fallback: talk.offlineFirst)
        let second = await voice.reply(
            system: Self.persona(y, memories: []) + "\nAnswer \(x.profile.name) in one or two sentences.",
            user: first.text, fallback: talk.offlineSecond)
        _ = try? await gate.run {
            let now = world.withLock { $0.minute }
            var changes = WorldChanges(world: nil)
            Self.record(
                talk, first: String(first.text.prefix(600)), second: String(second.text.prefix(600)), into: &changes, publish: true,
                now: now)
            try await repository.commit(changes)
            counters.withLock { s in
                s.memoriesWritten += changes.memories.count
                s.events += changes.events.count
                s.llmConversations += first.generator == "llm" ? 1 : 0
            }
        }
    }

    // MARK: - Helpers

    private func avatar(_ id: String) throws(AvatarError) -> SimAvatar {
        guard let a = world.withLock({ w in w.avatar(id: id) }) else { throw .notFound(id) }
        return a
    }

    private static func newID() -> String {
        var random = SystemRandomNumberGenerator()
        return "av_" + String(random.next() & 0xFFFF_FFFF_FFFF, radix: 16)
    }

    private static func record(_ w: World, clock c: ClockState) -> WorldRecord {
        WorldRecord(minute: w.minute, seed: w.seed, random: w.random, speed: c.speed, paused: c.paused)
    }

    private static func view(_ w: World, _ c: ClockState) -> WorldView {
        let day = Int(w.minute / 1440)
        let minuteOfDay = Int(w.minute) % 1440
        let clockText = String(minuteOfDay / 60).leftPadded(2) + ":" + String(minuteOfDay % 60).leftPadded(2)
        return WorldView(minute: w.minute, day: day, clock: clockText, speed: c.speed, paused: c.paused, avatars: w.count, seed: w.seed)
    }

    /// The persona given to the language model.
    static func persona(_ a: SimAvatar, memories: [String], ownerKnows: [String] = []) -> String {
        let p = a.profile.personality
        func level(_ x: Double) -> String { x > 0.66 ? "high" : x < 0.34 ? "low" : "moderate" }
        var text = """
            You are \(a.profile.name), an avatar. \(a.profile.bio)
            Personality: openness \(level(p.openness)), conscientiousness \(level(p.conscientiousness)), \
            extraversion \(level(p.extraversion)), agreeableness \(level(p.agreeableness)), neuroticism \(level(p.neuroticism)). \
            Humour: \(a.profile.humorStyle.rawValue). Interests: \(a.profile.interests.joined(separator: ", ")).
            You feel \(a.emotions.label.lowercased()) right now and are \(a.life.rawValue).
            """
        if !memories.isEmpty { text += "\nYou remember: " + memories.joined(separator: " | ") }
        if !ownerKnows.isEmpty {
            text += "\nYour owner's digital twin recalls: " + ownerKnows.map { String($0.prefix(400)) }.joined(separator: " | ")
        }
        return text + "\nAnswer your owner in one to three short sentences, in character."
    }

    // MARK: - Event payloads (hand-built: thousands per tick in a big world)

    static func stateJSON(_ a: SimAvatar, previous: LifeState?, minute: Double, to: LifeState? = nil) -> String {
        var s = "{\"id\":\(JSONString.quote(a.id)),\"life\":\"\((to ?? a.life).rawValue)\""
        if let previous { s += ",\"previous\":\"\(previous.rawValue)\"" }
        s += ",\"minute\":\(minute),\"needs\":{"
        s += a.needs.named.map { "\"\($0.0)\":\(round4($0.1))" }.joined(separator: ",")
        s += "},\"emotions\":{"
        s += zip(Emotions.channelNames, a.emotions.faceChannels).map { "\"\($0.0)\":\(round4($0.1))" }.joined(separator: ",")
        return s + "}}"
    }

    static func memoryEvent(_ id: String, _ m: Memory, now: Double) -> PendingEvent {
        PendingEvent(
            "avatars/\(id)/memories",
            "{\"id\":\(JSONString.quote(id)),\"memory\":{\"text\":\(JSONString.quote(m.text)),\"importance\":\(m.importance),"
                + "\"kind\":\"\(m.kind)\",\"created_at\":\(m.createdAt),\"strength\":\(round4(m.strength(at: now)))}}")
    }

    static func relationshipJSON(_ o: ConversationOutcome, me: SimAvatar, other: SimAvatar) -> String {
        let r = o.relationship
        let mine = r.a == me.key
        return "{\"id\":\(JSONString.quote(me.id)),\"with\":\(JSONString.quote(other.id)),\"stage\":\"\(r.stage.rawValue)\","
            + "\"previous\":\"\(o.previousStage.rawValue)\",\"quality\":\(round4(o.quality)),\"affinity\":\(round4(r.affinity)),"
            + "\"trust\":\(round4(r.trust)),\"attraction\":\(round4(mine ? r.attractionAB : r.attractionBA)),"
            + "\"interactions\":\(r.interactions)}"
    }

    static func worldJSON(_ v: WorldView) -> String {
        "{\"minute\":\(v.minute),\"day\":\(v.day),\"clock\":\"\(v.clock)\",\"speed\":\(v.speed),\"paused\":\(v.paused),"
            + "\"avatars\":\(v.avatars)}"
    }
}

extension String {
    /// The string left-padded with zeros to `width`.
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
