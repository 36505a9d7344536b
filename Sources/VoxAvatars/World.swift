/// What a simulation step reports.
public enum WorldEvent: Sendable, Equatable {
    /// An avatar changed life-process state.
    case transition(key: Int64, from: LifeState, to: LifeState, minute: Double)
    /// Two avatars talked.
    case conversation(ConversationOutcome)
    /// An avatar began creating a memory (the service writes one).
    case reflection(key: Int64, minute: Double)
    /// An exploring avatar discovered a match the matchmaking service suggested (`other`).
    case discovered(key: Int64, other: Int64, minute: Double)
}

/// The avatar simulation: every avatar's state and every relationship, stepped one world minute
/// at a time. A pure value: no clock and no I/O; chance comes only from its seeded generator,
/// so the same seed, avatars and steps give the same world.
public struct World: Sendable {
    /// World time, minutes since the world began.
    public private(set) var minute: Double
    /// The avatars, in creation order (the order of every step).
    public private(set) var avatars: [SimAvatar] = []
    /// Relationships by ordered pair.
    public private(set) var relationships: [Pair: Relationship] = [:]
    /// The generator (saved with the world, so a restart continues the same sequence).
    public var random: SeededRandom
    /// Seed of the per-pair chemistry.
    public let seed: UInt64
    private var index: [Int64: Int] = [:]
    /// Keys by public id (lookups from the API, the face streams and event filtering).
    private var keys: [String: Int64] = [:]
    /// Per step: chance that two socialising avatars drawn together start talking.
    static let meetChance = 0.35
    /// Per world minute of exploring: chance that an avatar with suggestions discovers one.
    static let discoveryChance = 0.1
    /// Matches the matchmaking service suggested per avatar, best first (not saved: the server
    /// suggests again after a restart).
    public private(set) var suggestions: [Int64: [Int64]] = [:]

    /// An ordered pair of avatar keys.
    public struct Pair: Hashable, Sendable {
        /// Lower key.
        public let a: Int64
        /// Higher key.
        public let b: Int64
        /// The pair of `x` and `y` in either order.
        public init(_ x: Int64, _ y: Int64) {
            a = min(x, y)
            b = max(x, y)
        }
    }

    /// An empty world at `minute`.
    public init(seed: UInt64, minute: Double = 0) {
        self.seed = seed
        self.minute = minute
        random = SeededRandom(seed: seed)
    }

    /// Avatars in the world.
    public var count: Int { avatars.count }

    /// Adds (or restores) an avatar; keys must be new.
    public mutating func add(_ avatar: SimAvatar) {
        precondition(index[avatar.key] == nil, "avatar key \(avatar.key) is already in the world")
        index[avatar.key] = avatars.count
        keys[avatar.id] = avatar.key
        avatars.append(avatar)
    }

    /// Restores a relationship (loading the world, in order of last interaction).
    public mutating func restore(_ relationship: Relationship) {
        relationships[Pair(relationship.a, relationship.b)] = relationship
        modify(key: relationship.a) { $0.remember(relationship.b) }
        modify(key: relationship.b) { $0.remember(relationship.a) }
    }

    /// Removes an avatar and its relationships; a conversation partner is released.
    public mutating func remove(key: Int64) {
        guard let i = index[key] else { return }
        keys[avatars[i].id] = nil
        avatars.remove(at: i)
        index = Dictionary(uniqueKeysWithValues: avatars.enumerated().map { ($0.element.key, $0.offset) })
        relationships = relationships.filter { $0.key.a != key && $0.key.b != key }
        for j in avatars.indices {
            if avatars[j].partner == key { avatars[j].conversationLeft = 0 }
            avatars[j].circle.removeAll { $0 == key }
        }
    }

    /// The avatar with `key`.
    public func avatar(key: Int64) -> SimAvatar? { index[key].map { avatars[$0] } }

    /// Sets the matches suggested to avatar `key` (other avatars' keys, best first).
    public mutating func suggest(key: Int64, _ others: [Int64]) {
        suggestions[key] = others.filter { $0 != key && index[$0] != nil }
    }

    /// The avatar with public id `id`.
    public func avatar(id: String) -> SimAvatar? { keys[id].flatMap { avatar(key: $0) } }

    /// Changes an avatar in place.
    public mutating func modify(key: Int64, _ change: (inout SimAvatar) -> Void) {
        guard let i = index[key] else { return }
        change(&avatars[i])
    }

    /// An avatar's relationships.
    public func relationships(of key: Int64) -> [Relationship] {
        relationships.values.filter { $0.a == key || $0.b == key }.sorted { ($0.a, $0.b) < ($1.a, $1.b) }
    }

    /// Steps `minutes` whole world minutes, appending what happened to `events`.
    public mutating func advance(minutes: Int, into events: inout [WorldEvent]) {
        for _ in 0..<max(0, minutes) { step(into: &events) }
    }

    /// One world minute: needs and emotions move, avatars change state, socialising avatars meet.
    public mutating func step(into events: inout [WorldEvent]) {
        minute += 1
        var socializing: [Int] = []
        for i in avatars.indices {
            avatars[i].live()
            let a = avatars[i]
            let roll = random.unit()
            if let next = LifeProcess.next(
                a.life, minutes: a.minutesInState, needs: a.needs, personality: a.profile.personality,
                conversationOver: a.conversationLeft <= 0, matched: a.matched, roll: roll)
            {
                transition(i, to: next, events: &events)
            }
            if avatars[i].life == .exploring { discover(i, events: &events) }
            if avatars[i].life == .socializing { socializing.append(i) }
        }
        meet(socializing, events: &events)
    }

    /// Exploring, an avatar may come across a match suggested to it (VIVA's Exploring ->
    /// MatchDiscovered): the match goes to the front of its circle, so socialising calls it
    /// first. Each suggestion is discovered once.
    private mutating func discover(_ i: Int, events: inout [WorldEvent]) {
        let key = avatars[i].key
        guard var list = suggestions[key], !list.isEmpty, avatars[i].minutesInState >= 5 else { return }
        list.removeAll { other in index[other] == nil }
        suggestions[key] = list
        guard let other = list.first, random.unit() < Self.discoveryChance else { return }
        suggestions[key] = Array(list.dropFirst())
        avatars[i].remember(other)
        transition(i, to: .matchDiscovered, events: &events)
        events.append(.discovered(key: key, other: other, minute: minute))
    }

    private mutating func transition(_ i: Int, to next: LifeState, events: inout [WorldEvent]) {
        let from = avatars[i].life
        guard from != next else { return }
        avatars[i].life = next
        avatars[i].minutesInState = 0
        if next != .inConversation { avatars[i].partner = nil }
        if next == .matchDiscovered { avatars[i].matched = false }
        events.append(.transition(key: avatars[i].key, from: from, to: next, minute: minute))
        if next == .creatingMemory { events.append(.reflection(key: avatars[i].key, minute: minute)) }
    }

    /// Pairs socialising avatars: first each with someone of its circle who is socialising or
    /// free and not yet sated with company (a friend called up; with ``meetChance`` x 2), then the rest at random (each drawn pair talks with
    /// ``meetChance``).
    private mutating func meet(_ candidates: [Int], events: inout [WorldEvent]) {
        guard candidates.count >= 2 else { return }
        var pool = candidates
        for i in stride(from: pool.count - 1, to: 0, by: -1) {
            let j = Int(random.next() % UInt64(i + 1))
            pool.swapAt(i, j)
        }
        var strangers: [Int] = []
        strangers.reserveCapacity(pool.count)
        for x in pool where avatars[x].life == .socializing {
            var friend: Int?
            for key in avatars[x].circle {
                if let y = index[key], avatars[y].isReachable {
                    friend = y
                    break
                }
            }
            if let y = friend, random.unit() < 2 * Self.meetChance {
                talk(x, y, events: &events)
            } else {
                strangers.append(x)
            }
        }
        var k = 0
        while k + 1 < strangers.count {
            let (x, y) = (strangers[k], strangers[k + 1])
            k += 2
            guard avatars[x].life == .socializing, avatars[y].life == .socializing, random.unit() < Self.meetChance else { continue }
            talk(x, y, events: &events)
        }
    }

    private mutating func talk(_ x: Int, _ y: Int, events: inout [WorldEvent]) {
        let (kx, ky) = (avatars[x].key, avatars[y].key)
        let pair = Pair(kx, ky)
        var relationship = relationships[pair] ?? Relationship(a: pair.a, b: pair.b)
        let previous = relationship.stage
        let (pa, pb) = kx == pair.a ? (avatars[x].profile, avatars[y].profile) : (avatars[y].profile, avatars[x].profile)
        let quality = Conversation.quality(pa, pb, affinity: relationship.affinity, noise: random.normal())
        let pullAB = Conversation.pull(from: pa, to: pb, chemistry: Conversation.chemistry(pair.a, pair.b, seed: seed))
        let pullBA = Conversation.pull(from: pb, to: pa, chemistry: Conversation.chemistry(pair.b, pair.a, seed: seed))
        let changed = relationship.interact(quality: quality, pullAB: pullAB, pullBA: pullBA, now: minute)
        relationships[pair] = relationship
        let length = 5 + (random.unit() * 10).rounded(.down)
        let matched = changed.map { $0.isRomantic && !previous.isRomantic } ?? false
        for i in [x, y] {
            avatars[i].remember(avatars[i].key == kx ? ky : kx)
            avatars[i].partner = avatars[i].key == kx ? ky : kx
            avatars[i].conversationLeft = length
            avatars[i].matched = matched
            avatars[i].emotions.push(pleasure: 0.4 * quality, arousal: 0.15 + 0.1 * abs(quality), dominance: 0.15 * quality)
            if matched { avatars[i].emotions.push(pleasure: 0.35, arousal: 0.25, dominance: 0) }
            transition(i, to: .inConversation, events: &events)
        }
        events.append(
            .conversation(
                ConversationOutcome(a: kx, b: ky, quality: quality, relationship: relationship, previousStage: previous, minute: minute)))
    }

    /// A bound face stream spoke for `minutes` world minutes: it counts as social activity.
    public mutating func speak(key: Int64, minutes: Double) {
        modify(key: key) { a in
            a.needs.social = clamp01(a.needs.social + 0.012 * minutes)
            a.emotions.push(pleasure: 0.01 * minutes, arousal: 0.01 * minutes, dominance: 0)
        }
    }
}
