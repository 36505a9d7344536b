/// An event to publish with a change, committed in the same transaction.
public struct PendingEvent: Sendable, Equatable {
    /// Topic name.
    public var topic: String
    /// Payload, a JSON text.
    public var data: String
    /// An event from its parts.
    public init(_ topic: String, _ data: String) {
        self.topic = topic
        self.data = data
    }
}

/// The world's settings and clock as saved.
public struct WorldRecord: Sendable, Equatable {
    /// World minute.
    public var minute: Double
    /// The simulation seed.
    public var seed: UInt64
    /// The generator's state.
    public var random: SeededRandom
    /// World minutes per real minute.
    public var speed: Double
    /// Paused.
    public var paused: Bool
}

/// A saved avatar: its key, public id, profile, state and creation time.
public struct AvatarRecord: Sendable, Equatable {
    /// The avatar as the simulation holds it.
    public var avatar: SimAvatar
    /// World minute it was created.
    public var createdAt: Double
}

/// One conversation in a relationship's history.
public struct Interaction: Sendable, Equatable, Codable {
    /// World minute.
    public var minute: Double
    /// Quality, -1...1.
    public var quality: Double
    /// What was said, in short.
    public var summary: String
}

/// Everything one simulation tick (or a world advance) changed, committed as one transaction.
public struct WorldChanges: Sendable {
    /// The world clock and generator after the step (nil: leave the saved world as it is).
    public var world: WorldRecord?
    /// Avatars whose state to save.
    public var avatars: [SimAvatar] = []
    /// Relationships to save.
    public var relationships: [Relationship] = []
    /// Conversations to add to relationship histories, by pair.
    public var interactions: [(a: Int64, b: Int64, Interaction)] = []
    /// New memories by avatar key (ids are assigned by the store).
    public var memories: [(key: Int64, Memory)] = []
    /// Forget memories weaker than the floor at this world minute.
    public var forgetAt: Double?
    /// Events to publish.
    public var events: [PendingEvent] = []

    /// Changes for `world`.
    public init(world: WorldRecord?) { self.world = world }
}

/// The avatar service's storage. The SQLite implementation is ``SQLiteAvatarRepository``; another
/// backend (Postgres, for scale-out) implements the same calls. Every call is atomic: it applies
/// completely, events included, or not at all.
public protocol AvatarRepository: Sendable {
    /// The saved world, or nil for a new store.
    func loadWorld() async throws -> WorldRecord?
    /// Every avatar, in creation order.
    func loadAvatars() async throws -> [AvatarRecord]
    /// Every relationship, oldest interaction first.
    func loadRelationships() async throws -> [Relationship]
    /// Saves a new avatar built by `make` from its new key; returns the saved avatar.
    func create(
        id: String, createdAt: Double, make: @escaping @Sendable (Int64) -> SimAvatar,
        events: @escaping @Sendable (SimAvatar) -> [PendingEvent]
    ) async throws -> SimAvatar
    /// Saves a changed profile.
    func update(_ avatar: SimAvatar, events: [PendingEvent]) async throws
    /// Deletes an avatar with its memories, relationships and history.
    func delete(key: Int64, events: [PendingEvent]) async throws
    /// Applies a tick's changes.
    func commit(_ changes: WorldChanges) async throws
    /// Applies a tick's changes on the calling thread (the world's low-priority ticker thread,
    /// so the work runs at that thread's priority).
    func commitBlocking(_ changes: WorldChanges) throws
    /// Adds a memory; returns it with its id.
    func addMemory(_ memory: Memory, to key: Int64, events: @escaping @Sendable (Memory) -> [PendingEvent]) async throws -> Memory
    /// An avatar's memories, strongest first; with a `query`, full-text matches, best first, each
    /// reinforced (recalled) at world minute `now`.
    func memories(of key: Int64, query: String?, limit: Int, now: Double) async throws -> [Memory]
    /// The last conversations of a pair, newest first.
    func interactions(_ a: Int64, _ b: Int64, limit: Int) async throws -> [Interaction]
}
