import VoxCore

/// What the space keeps of each profile in memory (the texts stay in the store).
public struct ProfileSummary: Sendable, Equatable {
    /// Public id.
    public var id: String
    /// Display name.
    public var name: String
    /// Owner.
    public var owner: String
    /// Interests, normalised.
    public var interests: [String]
    /// The linked avatar.
    public var avatar: String?
    /// What compatibility reads besides the vectors.
    public var traits: CompatibilityTraits
    /// Creation time (the order of lists and pages, with the id).
    public var createdAt: Double = 0

    /// A summary from its parts.
    public init(id: String, name: String, owner: String, interests: [String], avatar: String?, traits: CompatibilityTraits) {
        self.id = id
        self.name = name
        self.owner = owner
        self.interests = interests
        self.avatar = avatar
        self.traits = traits
    }
}

/// A group of nearby profiles, at most ``MatchSpace/Settings/roomCapacity`` people.
public struct Room: Sendable, Equatable {
    /// Public id (`r_` and hex digits).
    public var id: String
    /// Member profile ids, in joining order.
    public var members: [String]
    /// Sum of the members' fused vectors (the centroid's direction).
    var sum: [Float]
    /// Creation order (also the number in the id).
    public var number: Int
}

/// Something that changed in the space; the service turns each into an event and a row.
public enum SpaceChange: Sendable, Equatable {
    /// A profile got a position (a newcomer or a re-embedded profile).
    case placed(id: String, position: SIMD3<Float>)
    /// A profile moved (a full re-layout).
    case moved(id: String, position: SIMD3<Float>)
    /// A room was opened.
    case roomCreated(room: String)
    /// A profile joined a room (`from` nil for a newcomer).
    case roomChanged(id: String, from: String?, to: String)
    /// Room `from` was merged into `into`.
    case roomsMerged(from: String, into: String)
    /// A room lost its last member.
    case roomClosed(room: String)
}

/// The social space as a value: every profile's fused vector (exact nearest neighbours), its 3D
/// position and its room. Pure: no I/O, no clock; the seed drives every random choice.
///
/// Rooms (VoxMatch's rule, after the seed's `assign_room(coords, threshold)`): a newcomer joins
/// the room that most of its 10 nearest neighbours are in (each counted by its cosine), if that
/// room has space and its centroid is within cosine ``Settings/joinSimilarity``; otherwise it
/// opens a room. After every change, a room of at most a quarter of the capacity is merged into
/// the nearest room whose centroid is within ``Settings/mergeSimilarity`` when the two fit in one.
public struct MatchSpace: Sendable {
    /// The space's rules.
    public struct Settings: Sendable, Equatable {
        /// Most people in a room.
        public var roomCapacity = 12
        /// Cosine between a newcomer and a room's centroid for it to join.
        public var joinSimilarity: Float = 0.5
        /// Cosine between two rooms' centroids for a small one to merge into the other.
        public var mergeSimilarity: Float = 0.6
        /// Neighbours consulted for a room.
        public var roomNeighbors = 10

        /// The defaults.
        public init() {}
    }

    /// The rules.
    public let settings: Settings
    private(set) var index: VectorIndex
    private(set) var summaries: [ProfileSummary] = []
    private(set) var positions: [SIMD3<Float>] = []
    private(set) var roomOf: [String] = []
    private(set) var rooms: [String: Room] = [:]
    private var rowOf: [String: Int] = [:]
    private(set) var nextRoom = 1
    var random: SplitMix64

    /// An empty space for fused vectors of `dimension`.
    public init(dimension: Int, seed: UInt64, settings: Settings = Settings()) {
        index = VectorIndex(dimension: dimension)
        random = SplitMix64(seed: seed)
        self.settings = settings
    }

    /// Profiles in the space.
    public var count: Int { summaries.count }
    /// Length of the fused vectors.
    public var dimension: Int { index.dimension }

    /// Row of profile `id`.
    func row(_ id: String) -> Int? { rowOf[id] }
    /// Summary of profile `id`.
    public func summary(_ id: String) -> ProfileSummary? { rowOf[id].map { summaries[$0] } }
    /// Position of profile `id`.
    public func position(_ id: String) -> SIMD3<Float>? { rowOf[id].map { positions[$0] } }
    /// Room of profile `id`.
    public func room(of id: String) -> String? { rowOf[id].map { roomOf[$0] } }
    /// Fused vector of profile `id`.
    public func vector(_ id: String) -> [Float]? { rowOf[id].map { index.vector($0) } }
    /// Rooms in creation order.
    public var roomList: [Room] { rooms.values.sorted { $0.number < $1.number } }
    /// Every profile id in row order.
    public var ids: [String] { summaries.map(\.id) }

    // MARK: - Restoring

    /// Puts back a saved profile exactly as it was (loading the store).
    public mutating func restore(_ summary: ProfileSummary, vector: [Float], position: SIMD3<Float>, room: String) {
        let row = index.append(vector)
        rowOf[summary.id] = row
        summaries.append(summary)
        positions.append(position)
        roomOf.append(room)
        var r = rooms[room] ?? Room(id: room, members: [], sum: [Float](repeating: 0, count: dimension), number: Self.number(room))
        r.members.append(summary.id)
        add(vector, to: &r.sum, sign: 1)
        rooms[room] = r
        nextRoom = max(nextRoom, r.number + 1)
    }

    /// Room numbers start at `next` or later (restoring: a closed room's id is never reused).
    mutating func nextRoomAtLeast(_ next: Int) { nextRoom = max(nextRoom, next) }

    /// Restores the random state saved with the space.
    public mutating func restoreRandom(_ state: UInt64) { random = SplitMix64(seed: state) }

    // MARK: - Changes

    /// Adds a newcomer: placed near its neighbours, given a room; nobody else moves.
    public mutating func add(_ summary: ProfileSummary, vector: [Float]) -> [SpaceChange] {
        precondition(rowOf[summary.id] == nil && vector.count == dimension)
        let near = index.nearest(vector, k: Layout.neighbors)
        let position = Layout.place(near: near, positions: positions, random: &random)
        let row = index.append(vector)
        rowOf[summary.id] = row
        summaries.append(summary)
        positions.append(position)
        roomOf.append("")
        var changes: [SpaceChange] = [.placed(id: summary.id, position: position)]
        assignRoom(row, near: Array(near.prefix(settings.roomNeighbors)), changes: &changes)
        return changes
    }

    /// A profile's vector or summary changed: it is placed again (alone) and may change room.
    public mutating func update(_ summary: ProfileSummary, vector: [Float]) -> [SpaceChange] {
        guard let row = rowOf[summary.id] else { return add(summary, vector: vector) }
        summaries[row] = summary
        let old = index.vector(row)
        guard old != vector else { return [] }
        index.replace(row: row, with: vector)
        let roomID = roomOf[row]
        if var r = rooms[roomID] {
            add(old, to: &r.sum, sign: -1)
            add(vector, to: &r.sum, sign: 1)
            rooms[roomID] = r
        }
        let near = index.nearest(vector, k: Layout.neighbors, excluding: row)
        var others = positions
        others.swapAt(row, others.count - 1)
        others.removeLast()
        let remap = near.map { (score: $0.score, row: $0.row == others.count ? row : $0.row) }
        positions[row] = Layout.place(near: remap, positions: others, random: &random)
        var changes: [SpaceChange] = [.placed(id: summary.id, position: positions[row])]
        // Stay if the room still fits, else look again.
        if let r = rooms[roomID], cosine(vector, r.sum) >= settings.joinSimilarity { return changes }
        leaveRoom(row, changes: &changes)
        assignRoom(row, near: Array(near.prefix(settings.roomNeighbors)), changes: &changes)
        return changes
    }

    /// Updates what the space knows of a profile without moving it (a name, an owner).
    public mutating func relabel(_ summary: ProfileSummary) {
        if let row = rowOf[summary.id] { summaries[row] = summary }
    }

    /// Takes a profile out of the space.
    public mutating func remove(_ id: String) -> [SpaceChange] {
        guard let row = rowOf[id] else { return [] }
        var changes: [SpaceChange] = []
        leaveRoom(row, changes: &changes)
        index.remove(row: row)
        let last = summaries.count - 1
        rowOf[id] = nil
        if row != last {
            summaries[row] = summaries[last]
            positions[row] = positions[last]
            roomOf[row] = roomOf[last]
            rowOf[summaries[row].id] = row
        }
        summaries.removeLast()
        positions.removeLast()
        roomOf.removeLast()
        return changes
    }

    /// Lays everything out again from scratch and regroups the rooms (explicit; everyone moves).
    public mutating func relayout(seed: UInt64) -> [SpaceChange] {
        positions = Layout.full(index, seed: seed)
        var changes: [SpaceChange] = summaries.indices.map { .moved(id: summaries[$0].id, position: positions[$0]) }
        let before = roomOf
        for (id, _) in rooms { changes.append(.roomClosed(room: id)) }
        rooms = [:]
        for row in summaries.indices { roomOf[row] = "" }
        for row in summaries.indices {
            let near = index.nearest(index.vector(row), k: settings.roomNeighbors, excluding: row).filter { !roomOf[$0.row].isEmpty }
            assignRoom(row, near: near, changes: &changes, previous: before[row])
        }
        return changes
    }

    // MARK: - Neighbours

    /// The `k` profiles nearest to profile `id` (cosine in the full space), best first.
    public func neighbors(of id: String, k: Int) -> [(id: String, similarity: Float)] {
        guard let row = rowOf[id] else { return [] }
        return index.nearest(index.vector(row), k: k, excluding: row).map { (summaries[$0.row].id, $0.score) }
    }

    /// The `k` profiles nearest to a vector.
    public func nearest(_ vector: [Float], k: Int) -> [(id: String, similarity: Float)] {
        index.nearest(vector, k: k).map { (summaries[$0.row].id, $0.score) }
    }

    /// Cosine between two profiles' fused vectors.
    public func similarity(_ a: String, _ b: String) -> Float? {
        guard let i = rowOf[a], let j = rowOf[b] else { return nil }
        return index.similarity(i, j)
    }

    // MARK: - Rooms

    private mutating func assignRoom(
        _ row: Int, near: [(score: Float, row: Int)], changes: inout [SpaceChange], previous: String? = nil
    ) {
        let vector = index.vector(row)
        var votes: [String: Float] = [:]
        for n in near where n.row != row && !roomOf[n.row].isEmpty { votes[roomOf[n.row], default: 0] += max(0, n.score) }
        let ranked = votes.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        var chosen: String?
        for (id, _) in ranked {
            guard let r = rooms[id], r.members.count < settings.roomCapacity, cosine(vector, r.sum) >= settings.joinSimilarity else {
                continue
            }
            chosen = id
            break
        }
        let id: String
        if let chosen {
            id = chosen
        } else {
            id = Self.roomID(nextRoom)
            rooms[id] = Room(id: id, members: [], sum: [Float](repeating: 0, count: dimension), number: nextRoom)
            nextRoom += 1
            changes.append(.roomCreated(room: id))
        }
        rooms[id]!.members.append(summaries[row].id)
        add(vector, to: &rooms[id]!.sum, sign: 1)
        roomOf[row] = id
        changes.append(.roomChanged(id: summaries[row].id, from: previous, to: id))
        mergeIfSmall(id, changes: &changes)
    }

    private mutating func leaveRoom(_ row: Int, changes: inout [SpaceChange]) {
        let id = roomOf[row]
        guard var r = rooms[id] else { return }
        r.members.removeAll { $0 == summaries[row].id }
        add(index.vector(row), to: &r.sum, sign: -1)
        roomOf[row] = ""
        if r.members.isEmpty {
            rooms[id] = nil
            changes.append(.roomClosed(room: id))
        } else {
            rooms[id] = r
            mergeIfSmall(id, changes: &changes)
        }
    }

    /// Merges room `id` into the most similar room that can take it, if `id` is small.
    private mutating func mergeIfSmall(_ id: String, changes: inout [SpaceChange]) {
        guard let small = rooms[id], small.members.count <= max(1, settings.roomCapacity / 4) else { return }
        var best: (String, Float)?
        for (otherID, other) in rooms where otherID != id && other.members.count + small.members.count <= settings.roomCapacity {
            let c = cosine(small.sum, other.sum)
            if c >= settings.mergeSimilarity, c > (best?.1 ?? -2) || (c == best?.1 && otherID < best!.0) { best = (otherID, c) }
        }
        guard let (intoID, _) = best, var into = rooms[intoID] else { return }
        // The smaller joins the larger (the older on a tie).
        var (from, to) = (small, into)
        if into.members.count < small.members.count || (into.members.count == small.members.count && into.number > small.number) {
            (from, to) = (into, small)
        }
        into = to
        for member in from.members {
            into.members.append(member)
            if let r = rowOf[member] { roomOf[r] = into.id }
            changes.append(.roomChanged(id: member, from: from.id, to: into.id))
        }
        add(from.sum, to: &into.sum, sign: 1)
        rooms[into.id] = into
        rooms[from.id] = nil
        changes.append(.roomsMerged(from: from.id, into: into.id))
    }

    private func add(_ v: [Float], to sum: inout [Float], sign: Float) {
        for i in sum.indices { sum[i] += sign * v[i] }
    }

    static func roomID(_ number: Int) -> String { "r_" + String(number, radix: 16) }
    static func number(_ id: String) -> Int { Int(id.dropFirst(2), radix: 16) ?? 0 }
}
