/// Settings of a ``JitterBuffer``: how long a gap is waited for, how much is held, when to resynchronise.
///
/// Sequence-number distances are in RTP sequence numbers; durations in RTP timestamp units
/// (samples at `clockRate`) or in microseconds where the name says so.
public struct JitterBufferConfiguration: Sendable, Equatable {
    /// Packet duration in RTP timestamp units assumed until two consecutive packets show the real one.
    /// 960 is 20 ms at 48 kHz, the Opus default frame size.
    public var packetDuration: Int
    /// RTP clock rate in Hz. Opus over RTP always uses 48 000, whatever the coded bandwidth (RFC 7587).
    public var clockRate: Int
    /// How long a missing packet is waited for, counted from the arrival of the first later packet;
    /// past it the packet is declared lost. Only gaps wait: in-order packets are never delayed.
    public var maxWait: Microseconds
    /// Most packets held at once; the storage for them is allocated at init.
    public var capacity: Int
    /// How far behind the next expected sequence number (the playout point) an arriving packet is still
    /// just late (dropped and counted); a packet further behind is taken for a sender restart and resets.
    public var maxLateness: Int
    /// How far ahead of the next expected sequence number a packet may be before it is taken for a
    /// sender restart (a jump) and resets the buffer. 1000 packets is 20 s at 20 ms.
    public var resetThreshold: Int
    /// Most packets concealed in a row when the stream simply stops (no later packet bounds the gap).
    /// 5 is 100 ms at 20 ms: enough for Opus PLC to fade out; after that ``JitterBuffer/next(now:)``
    /// returns nil and the caller decides about silence.
    public var maxTrailingConceals: Int

    /// A configuration; the defaults suit Opus at 20 ms over RTP with LiveKit-style bounded waiting.
    public init(
        packetDuration: Int = 960,
        clockRate: Int = 48_000,
        maxWait: Microseconds = 40_000,
        capacity: Int = 64,
        maxLateness: Int = 1000,
        resetThreshold: Int = 1000,
        maxTrailingConceals: Int = 5
    ) {
        self.packetDuration = packetDuration
        self.clockRate = clockRate
        self.maxWait = maxWait
        self.capacity = capacity
        self.maxLateness = maxLateness
        self.resetThreshold = resetThreshold
        self.maxTrailingConceals = maxTrailingConceals
    }
}

/// Running totals of a ``JitterBuffer``, for metrics. Every packet the buffer drops is counted here.
///
/// Invariants: `lost == recoveredByFEC + concealed`, and `released + lost + stallConcealed` is the
/// number of outputs, one per sequence number of the timeline.
public struct JitterBufferCounters: Sendable, Equatable {
    /// All counters at zero.
    public static let zero = JitterBufferCounters()
    /// Packets passed to ``JitterBuffer/insert(sequence:timestamp:payload:arrival:)``, whatever the outcome.
    public internal(set) var received = 0
    /// Packets handed out as ``JitterBuffer/Output/packet(sequence:timestamp:payload:)``.
    public internal(set) var released = 0
    /// Packets refused because the same sequence number was already held or released.
    public internal(set) var duplicates = 0
    /// Packets refused because their turn had passed (their sequence number was already concealed or
    /// recovered, or is older than the buffer remembers).
    public internal(set) var late = 0
    /// Sequence numbers declared lost; each got a FEC recovery or a concealment.
    public internal(set) var lost = 0
    /// Lost packets handed out as ``JitterBuffer/Output/recoverWithFEC(missingSequence:timestamp:from:)``.
    public internal(set) var recoveredByFEC = 0
    /// Lost packets handed out as ``JitterBuffer/Output/conceal(missingSequence:timestamp:samples:)``.
    public internal(set) var concealed = 0
    /// Concealments run because the sender stopped (no later packet had arrived): not losses. When
    /// a later packet then shows the run was a gap in what the sender sent, it moves to `lost`
    /// and `concealed`; a sender that simply stopped or paused never counts as loss.
    public internal(set) var stallConcealed = 0
    /// Packets refused with ``JitterBufferInsertOutcome/overflow``.
    public internal(set) var overflows = 0
    /// Packets (held or missing) dropped on purpose, oldest first, because the consumer fell a
    /// whole buffer behind (``JitterBuffer/Output/overloadDropped(firstSequence:timestamp:packets:samples:)``).
    /// Not losses: the network delivered them.
    public internal(set) var overloadDropped = 0
    /// Resynchronisations on a sequence jump (``JitterBufferInsertOutcome/reset``).
    public internal(set) var resets = 0
    /// Held packets thrown away by a reset, never handed out.
    public internal(set) var flushed = 0
}

/// What ``JitterBuffer/insert(sequence:timestamp:payload:arrival:)`` did with a packet.
public enum JitterBufferInsertOutcome: Sendable, Equatable {
    /// Stored; it will come out of ``JitterBuffer/next(now:)`` as a packet.
    case accepted
    /// Not stored: the same sequence number is held or was already released.
    case duplicate
    /// Not stored: its turn has passed (it was concealed or recovered by FEC, or is older than the buffer
    /// remembers). Counted.
    case late
    /// Not stored: its storage slot is taken by a packet still waiting while the buffer waits for a
    /// gap. The buffer stops waiting for every gap up to that older packet, so it drains at once; this
    /// packet's sequence number will be recovered by FEC or concealed when its turn comes. Counted.
    /// (When the consumer has simply fallen a whole buffer behind, the oldest audio is dropped instead:
    /// ``JitterBufferCounters/overloadDropped``.)
    case overflow
    /// Stored as the first packet of a new timeline: the packet was more than
    /// ``JitterBufferConfiguration/resetThreshold`` ahead of (or ``JitterBufferConfiguration/maxLateness``
    /// behind) the playout point, as after a sender restart. Held packets are thrown away (counted in
    /// ``JitterBufferCounters/flushed``) and the timeline origin moves to this packet.
    case reset

    /// Whether the buffer kept the payload. When false the payload is still the caller's to dispose of.
    public var isStored: Bool { self == .accepted || self == .reset }
}

/// A jitter buffer for one RTP/Opus stream: puts packets back in sequence order, waits a bounded time
/// for missing ones, and says what to feed the decoder (a packet, a FEC recovery, or a concealment)
/// so that the audio timeline has no holes.
///
/// It is a plain value: no I/O, no clock reads, no locks. Time is passed in (`arrival`, `now`) in
/// microseconds of the caller's monotonic clock, so tests run in simulated time.
///
/// Behaviour (LiveKit-style: zero added delay in order, bounded wait for gaps):
/// - The expected packet is released at once when present: in-order packets are never delayed.
/// - A missing packet is waited for until `maxWait` after the first later packet arrived. Then it is
///   declared lost: recovered with Opus in-band FEC when the packet right after it is held (the FEC of
///   packet n+1 rebuilds n), concealed (Opus PLC) otherwise. In a burst loss only the last missing
///   packet, whose successor is present, gets FEC; the earlier ones are concealed, in order.
/// - When nothing later has arrived (the stream stopped), a missing packet is concealed `maxWait` after
///   the packet following it was due (one packet duration per sequence step after the arrival of the
///   last released packet), so a stall is concealed on the same schedule as an isolated loss, and at
///   most `maxTrailingConceals` times in a row; then `next(now:)` returns nil until packets come back.
///   A stream using DTX (gaps in sending) should set `maxTrailingConceals` to 0, or the first packets
///   after each pause come in late.
/// - Every sequence number from the timeline origin to the newest released gets exactly one output.
/// - Bounded: when `capacity` packets are held the buffer stops waiting (the gaps before the oldest held
///   packet are declared lost at once) so it drains on the next calls; a packet whose slot is still
///   taken then is refused with `.overflow`. When the consumer falls a whole buffer behind (a packet's
///   slot is taken by one `capacity` older while the next packet is ready), the oldest audio is dropped
///   on purpose, counted as `overloadDropped` and handed out as one `.overloadDropped` output, so the
///   consumer skips ahead to the newest audio instead of falling further behind. A packet more than `resetThreshold`
///   ahead or `maxLateness` behind the playout point starts a new timeline (`.reset`).
/// - Sequence numbers and timestamps are compared with serial-number arithmetic (RFC 1982), so both
///   wrap around freely.
///
/// Storage is a ring of `capacity` slots indexed by (unwrapped) sequence number modulo `capacity`,
/// allocated at init; `insert` and `next` never allocate. A slot remembers what became of the sequence
/// number it last held, which is how duplicates and late packets are told apart. The payload is a
/// handle (say, an index into the caller's packet pool): the buffer never copies payload bytes, and every
/// stored payload comes back exactly once as ``Output/packet(sequence:timestamp:payload:)`` unless a
/// reset flushes it.
///
/// Thread safety: none; one buffer per stream, owned by one task. Copying a buffer copies its storage
/// on the next mutation (copy on write), so mutate it in place.
public struct JitterBuffer<Payload> {
    /// Settings; see ``JitterBufferConfiguration``.
    public typealias Configuration = JitterBufferConfiguration
    /// Running totals; see ``JitterBufferCounters``.
    public typealias Counters = JitterBufferCounters
    /// What an insert did; see ``JitterBufferInsertOutcome``.
    public typealias InsertOutcome = JitterBufferInsertOutcome

    /// The next thing to feed the decoder.
    public enum Output {
        /// The expected packet: decode it normally.
        case packet(sequence: UInt16, timestamp: UInt32, payload: Payload)
        /// The expected packet is lost but the one after it is held: decode `from.payload` with FEC
        /// (`opus_decode(..., decode_fec: 1)`, frame size ``JitterBuffer/packetDuration``) to rebuild
        /// `missingSequence`. The buffer keeps that packet: the next call returns it as a `packet`.
        case recoverWithFEC(
            missingSequence: UInt16,
            timestamp: UInt32,
            from: (sequence: UInt16, timestamp: UInt32, payload: Payload)
        )
        /// The expected packet is lost and nothing to rebuild it from: conceal `samples` samples (in RTP
        /// timestamp units; Opus PLC, `opus_decode` with a null payload).
        case conceal(missingSequence: UInt16, timestamp: UInt32, samples: Int)
        /// The consumer fell a whole buffer behind, so the buffer dropped its oldest `packets`
        /// packets (from `firstSequence`, media time `timestamp`, `samples` long in RTP timestamp
        /// units) on purpose to keep the newest audio: skip that much time, do not decode it.
        case overloadDropped(firstSequence: UInt16, timestamp: UInt32, packets: Int, samples: Int)
    }

    /// What a slot last held; `sequence` says which (unwrapped) sequence number it describes.
    struct Slot {
        enum State { case empty, held, released, lost }
        var state = State.empty
        var sequence: Int64 = 0
        var timestamp: UInt32 = 0
        var arrival: Microseconds = 0
        var payload: Payload?
    }

    /// Settings this buffer was made with; ``setMaxWait(_:)`` may change the wait for gaps.
    public private(set) var configuration: Configuration
    /// Running totals.
    public private(set) var counters = Counters()
    /// Packets held now.
    public private(set) var depth = 0
    /// Packet duration in RTP timestamp units: learned from the timestamps of consecutive packets (the
    /// latest plausible difference, 2.5 to 120 ms), the configured value until then. Concealments use it.
    public private(set) var packetDuration: Int

    private var slots: ContiguousArray<Slot>
    private let slotCount: Int64
    private let minDuration: Int
    private let maxDuration: Int

    private var started = false
    /// Unwrapped sequence number of the next output (the playout point). Unwrapped numbers start at
    /// 2^32 + the first sequence number, so they stay positive even 32768 behind.
    private var expected: Int64 = 0
    /// Gaps up to and including this unwrapped sequence number are not waited for (overflow).
    private var forcedThrough = Int64.min
    private var hasOutput = false
    private var origin: (sequence: UInt16, timestamp: UInt32) = (0, 0)
    private var lastOutputTimestamp: UInt32 = 0
    /// `lastOutputTimestamp` unwrapped, relative to the origin's timestamp.
    private var lastOutputPosition: Int64 = 0
    /// The latest any packet has arrived relative to the sender's media clock: the largest
    /// `arrival - media time` (microseconds, media time from the timeline origin) since the
    /// timeline started. A stopped stream is concealed on this line, so a sender that sends in
    /// bursts (ffmpeg `-re` sends five 20 ms packets every 93 ms) is never concealed between its
    /// bursts; for packets that come in real time it is the last packet's arrival, as before.
    private var lateLine: Microseconds = .min
    private var trailingConceals = 0
    /// An overload drop not yet handed out (``next(now:)`` returns it first).
    private var pendingDrop: Output?
    /// Stall concealments not yet known to be losses (see ``JitterBufferCounters/stallConcealed``).
    private var provisionalConceals = 0
    /// Earliest arrival among held packets, when `earliestIsValid`.
    private var earliestArrival: Microseconds = 0
    private var earliestIsValid = false

    /// Sets how long a missing packet is waited for from now on (a playout delay that follows the
    /// observed jitter waits only as long as it allows for). Traps if negative.
    public mutating func setMaxWait(_ wait: Microseconds) {
        precondition(wait >= 0, "maxWait must not be negative")
        configuration.maxWait = wait
    }

    /// An empty buffer; allocates its `capacity` slots. Traps on a nonsensical configuration.
    public init(configuration: Configuration = Configuration()) {
        precondition(configuration.capacity >= 2 && configuration.capacity <= 32_768, "capacity must be in 2...32768")
        precondition(configuration.clockRate > 0, "clockRate must be positive")
        precondition(configuration.packetDuration > 0, "packetDuration must be positive")
        precondition(configuration.maxWait >= 0, "maxWait must not be negative")
        precondition(configuration.maxLateness >= 0 && configuration.maxLateness < 32_768, "maxLateness must be in 0..<32768")
        precondition(configuration.resetThreshold >= 0 && configuration.resetThreshold < 32_768, "resetThreshold must be in 0..<32768")
        precondition(configuration.maxTrailingConceals >= 0, "maxTrailingConceals must not be negative")
        self.configuration = configuration
        packetDuration = configuration.packetDuration
        slots = ContiguousArray(repeating: Slot(), count: configuration.capacity)
        slotCount = Int64(configuration.capacity)
        // Opus packets last 2.5 to 120 ms (RFC 6716, 3.1-3.2); anything else between consecutive
        // packets is a timestamp jump (DTX, a restart), not a duration.
        minDuration = max(1, configuration.clockRate / 400)
        maxDuration = configuration.clockRate * 120 / 1000
    }

    // MARK: Timeline

    /// Sequence number of the next output, nil before the first packet.
    public var nextSequence: UInt16? { started ? UInt16(truncatingIfNeeded: expected) : nil }

    /// RTP timestamp of the next output: the expected packet's own if held, else the previous output's
    /// plus ``packetDuration``. Nil before the first packet.
    public var playoutTimestamp: UInt32? {
        guard started else { return nil }
        let slot = slots[index(expected)]
        if slot.state == .held && slot.sequence == expected { return slot.timestamp }
        return lastOutputTimestamp &+ UInt32(truncatingIfNeeded: packetDuration)
    }

    /// ``playoutTimestamp`` as a wrap-free offset from ``firstTimestamp``, in RTP timestamp units:
    /// where the next output starts on the stream's audio timeline. Nil before the first packet.
    public var playoutPosition: Int64? {
        guard let timestamp = playoutTimestamp else { return nil }
        return lastOutputPosition + Self.distance(timestamp, from: lastOutputTimestamp)
    }

    /// Sequence number of the timeline origin: the first packet of the timeline (the lowest one held
    /// before anything was released; moved by a reset). Nil before the first packet.
    public var firstSequence: UInt16? { started ? origin.sequence : nil }

    /// RTP timestamp of the timeline origin (see ``firstSequence``). Nil before the first packet.
    public var firstTimestamp: UInt32? { started ? origin.timestamp : nil }

    // MARK: Insert

    /// Offers one received packet. `arrival` is when it was received, on the clock `next(now:)` uses.
    /// Only a stored packet (`.accepted`, `.reset`) keeps `payload`; see ``InsertOutcome``.
    public mutating func insert(sequence: UInt16, timestamp: UInt32, payload: Payload, arrival: Microseconds) -> InsertOutcome {
        counters.received += 1
        guard started else {
            restart(sequence: sequence, timestamp: timestamp, payload: payload, arrival: arrival)
            return .accepted
        }
        let unwrapped = expected + Int64(Int16(bitPattern: sequence &- UInt16(truncatingIfNeeded: expected)))
        let ahead = unwrapped - expected
        if ahead > Int64(configuration.resetThreshold) || -ahead > Int64(configuration.maxLateness) {
            counters.resets += 1
            counters.flushed += depth
            restart(sequence: sequence, timestamp: timestamp, payload: payload, arrival: arrival)
            return .reset
        }
        if provisionalConceals > 0 {
            // A packet past the stalled run shows it was a gap in what the sender sent: loss. One
            // from inside the run (late) shows the sender had paused: no loss.
            if ahead >= 0 {
                counters.lost += provisionalConceals
                counters.concealed += provisionalConceals
                counters.stallConcealed -= provisionalConceals
            }
            provisionalConceals = 0
        }
        let i = index(unwrapped)
        let occupant = slots[i]
        if ahead < 0 {
            // Before anything is released the timeline may still start earlier: 3, 1, 2 plays 1, 2, 3.
            if !hasOutput && -ahead < slotCount && occupant.state != .held {
                store(unwrapped, at: i, timestamp: timestamp, payload: payload, arrival: arrival)
                expected = unwrapped
                origin = (sequence, timestamp)
                // Media time now counts from this earlier packet: the late line moves with it.
                lateLine -= Self.distance(lastOutputTimestamp, from: timestamp) * 1_000_000 / Int64(configuration.clockRate)
                lastOutputTimestamp = timestamp
                return .accepted
            }
            // The slot remembers what became of this sequence number unless a later one reused it;
            // then the packet is called late (its turn has passed either way).
            if occupant.sequence == unwrapped && occupant.state == .released {
                counters.duplicates += 1
                return .duplicate
            }
            counters.late += 1
            return .late
        }
        if occupant.state == .held {
            if occupant.sequence == unwrapped {
                counters.duplicates += 1
                return .duplicate
            }
            let next = slots[index(expected)]
            if occupant.sequence < unwrapped && next.state == .held && next.sequence == expected {
                // The consumer is a whole buffer behind (overload: its next packet is ready and not
                // taken): drop the oldest audio, through the occupant, and keep the newest. A buffer
                // full while it waits for a gap refuses the newcomer instead (below).
                dropOldest(through: occupant.sequence)
                store(unwrapped, at: i, timestamp: timestamp, payload: payload, arrival: arrival)
                return .accepted
            }
            // Refuse the newcomer rather than drop a held packet: every stored payload comes back once.
            counters.overflows += 1
            if occupant.sequence < unwrapped { forcedThrough = max(forcedThrough, occupant.sequence) }
            return .overflow
        }
        store(unwrapped, at: i, timestamp: timestamp, payload: payload, arrival: arrival)
        if Int64(depth) == slotCount {
            // Full: stop waiting for the gaps before the oldest held packet, so the buffer drains now.
            forcedThrough = max(forcedThrough, oldestHeldSequence())
        }
        return .accepted
    }

    // MARK: Next

    /// The next output in sequence order, or nil when the buffer must wait (or the stream stopped).
    /// Call it until nil after each insert and on a timer; `now` is on the clock of `arrival`.
    public mutating func next(now: Microseconds) -> Output? {
        guard started else { return nil }
        if let drop = pendingDrop {
            pendingDrop = nil
            return drop
        }
        let i = index(expected)
        if slots[i].state == .held && slots[i].sequence == expected { return releaseExpected(at: i) }
        if depth > 0 {
            // A later packet bounds the gap: wait until maxWait after the first later packet arrived.
            if expected > forcedThrough && now < earliestHeldArrival() + configuration.maxWait { return nil }
        } else {
            guard hasOutput && trailingConceals < configuration.maxTrailingConceals else { return nil }
            // The packet after the expected one is due on the late line.
            let successor = lastOutputPosition + 2 * Int64(packetDuration)
            let successorDue = lateLine + successor * 1_000_000 / Int64(configuration.clockRate)
            if now < successorDue + configuration.maxWait { return nil }
            trailingConceals += 1
            provisionalConceals += 1
        }
        return declareExpectedLost(stalled: depth == 0)
    }

    // MARK: Internals

    private func index(_ unwrapped: Int64) -> Int { Int(unwrapped % slotCount) }

    /// Serial-number difference `a - b` of two RTP timestamps (RFC 1982), in -2^31..<2^31.
    private static func distance(_ a: UInt32, from b: UInt32) -> Int64 { Int64(Int32(bitPattern: a &- b)) }

    private mutating func restart(sequence: UInt16, timestamp: UInt32, payload: Payload, arrival: Microseconds) {
        if depth > 0 || started {
            for i in slots.indices { slots[i] = Slot() }
        }
        depth = 0
        started = true
        expected = Int64(sequence) + (1 << 32)
        forcedThrough = .min
        hasOutput = false
        origin = (sequence, timestamp)
        lastOutputTimestamp = timestamp
        lastOutputPosition = 0
        trailingConceals = 0
        provisionalConceals = 0
        pendingDrop = nil
        lateLine = .min
        earliestIsValid = false
        store(expected, at: index(expected), timestamp: timestamp, payload: payload, arrival: arrival)
    }

    private mutating func store(_ unwrapped: Int64, at i: Int, timestamp: UInt32, payload: Payload, arrival: Microseconds) {
        slots[i] = Slot(state: .held, sequence: unwrapped, timestamp: timestamp, arrival: arrival, payload: payload)
        if depth == 0 {
            earliestArrival = arrival
            earliestIsValid = true
        } else if earliestIsValid {
            earliestArrival = min(earliestArrival, arrival)
        }
        depth += 1
        let media = (lastOutputPosition + Self.distance(timestamp, from: lastOutputTimestamp)) * 1_000_000 / Int64(configuration.clockRate)
        lateLine = max(lateLine, arrival - media)
        learnDuration(around: unwrapped, timestamp: timestamp)
    }

    /// Takes the duration from a received neighbour's timestamp when it is a plausible Opus packet length.
    private mutating func learnDuration(around unwrapped: Int64, timestamp: UInt32) {
        let before = slots[index(unwrapped - 1)]
        if before.sequence == unwrapped - 1 && (before.state == .held || before.state == .released) {
            adoptDuration(Self.distance(timestamp, from: before.timestamp))
        }
        let after = slots[index(unwrapped + 1)]
        if after.sequence == unwrapped + 1 && after.state == .held {
            adoptDuration(Self.distance(after.timestamp, from: timestamp))
        }
    }

    private mutating func adoptDuration(_ duration: Int64) {
        if duration >= Int64(minDuration) && duration <= Int64(maxDuration) { packetDuration = Int(duration) }
    }

    private mutating func earliestHeldArrival() -> Microseconds {
        if !earliestIsValid {
            var earliest = Microseconds.max
            for slot in slots where slot.state == .held { earliest = min(earliest, slot.arrival) }
            earliestArrival = earliest
            earliestIsValid = true
        }
        return earliestArrival
    }

    private func oldestHeldSequence() -> Int64 {
        var oldest = Int64.max
        for slot in slots where slot.state == .held { oldest = min(oldest, slot.sequence) }
        return oldest
    }

    private mutating func releaseExpected(at i: Int) -> Output {
        guard let payload = slots[i].payload else { preconditionFailure("a held slot always has a payload") }
        let timestamp = slots[i].timestamp
        let arrival = slots[i].arrival
        slots[i].payload = nil
        slots[i].state = .released
        depth -= 1
        if arrival == earliestArrival { earliestIsValid = false }
        trailingConceals = 0
        counters.released += 1
        let sequence = UInt16(truncatingIfNeeded: expected)
        advance(to: timestamp)
        return .packet(sequence: sequence, timestamp: timestamp, payload: payload)
    }

    /// Declares the expected packet lost; `stalled`: nothing later has arrived (a stall
    /// concealment, provisionally not a loss).
    private mutating func declareExpectedLost(stalled: Bool) -> Output {
        let missing = expected
        let timestamp = lastOutputTimestamp &+ UInt32(truncatingIfNeeded: packetDuration)
        let i = index(missing)
        // The slot may hold a packet a whole ring ahead; only an idle slot records the loss.
        if slots[i].state != .held {
            slots[i] = Slot(state: .lost, sequence: missing, timestamp: timestamp, arrival: 0, payload: nil)
        }
        if !stalled { counters.lost += 1 }
        let successor = slots[index(missing + 1)]
        advance(to: timestamp)
        if successor.state == .held && successor.sequence == missing + 1, let payload = successor.payload {
            counters.recoveredByFEC += 1
            return .recoverWithFEC(
                missingSequence: UInt16(truncatingIfNeeded: missing),
                timestamp: timestamp,
                from: (UInt16(truncatingIfNeeded: missing + 1), successor.timestamp, payload)
            )
        }
        if stalled { counters.stallConcealed += 1 } else { counters.concealed += 1 }
        return .conceal(missingSequence: UInt16(truncatingIfNeeded: missing), timestamp: timestamp, samples: packetDuration)
    }

    /// Drops every packet from the expected one through `last` (held or missing), counted, and
    /// queues one ``Output/overloadDropped(firstSequence:timestamp:packets:samples:)`` for them
    /// (merged with one not yet handed out).
    private mutating func dropOldest(through last: Int64) {
        let step = UInt32(truncatingIfNeeded: packetDuration)
        var first = (sequence: UInt16(truncatingIfNeeded: expected), timestamp: lastOutputTimestamp &+ step)
        var packets = 0
        if case .overloadDropped(let s, let t, let n, _)? = pendingDrop {
            first = (s, t)
            packets = n
        }
        var end = lastOutputTimestamp
        while expected <= last {
            let i = index(expected)
            if slots[i].state == .held && slots[i].sequence == expected {
                if packets == 0 { first.timestamp = slots[i].timestamp }
                end = slots[i].timestamp
                slots[i].payload = nil
                slots[i].state = .released
                depth -= 1
            } else {
                end = end &+ step
                // The slot may hold a packet a whole ring ahead; only an idle slot records the drop.
                if slots[i].state != .held {
                    slots[i] = Slot(state: .lost, sequence: expected, timestamp: end, arrival: 0, payload: nil)
                }
            }
            counters.overloadDropped += 1
            packets += 1
            advance(to: end)
        }
        earliestIsValid = false
        trailingConceals = 0
        let samples = Int(Self.distance(end, from: first.timestamp)) + packetDuration
        pendingDrop = .overloadDropped(firstSequence: first.sequence, timestamp: first.timestamp, packets: packets, samples: samples)
    }

    private mutating func advance(to timestamp: UInt32) {
        lastOutputPosition += Self.distance(timestamp, from: lastOutputTimestamp)
        lastOutputTimestamp = timestamp
        hasOutput = true
        expected += 1
    }
}

extension JitterBuffer.Slot: Sendable where Payload: Sendable {}
extension JitterBuffer: Sendable where Payload: Sendable {}
extension JitterBuffer.Output: Sendable where Payload: Sendable {}

extension JitterBuffer.Output: Equatable where Payload: Equatable {
    /// Same case with equal fields (the tuple of `recoverWithFEC` compared field by field).
    public static func == (lhs: Self, rhs: Self) -> Bool {
        switch (lhs, rhs) {
        case (.packet(let s1, let t1, let p1), .packet(let s2, let t2, let p2)):
            return s1 == s2 && t1 == t2 && p1 == p2
        case (.recoverWithFEC(let s1, let t1, let n1), .recoverWithFEC(let s2, let t2, let n2)):
            return s1 == s2 && t1 == t2 && n1.sequence == n2.sequence && n1.timestamp == n2.timestamp && n1.payload == n2.payload
        case (.conceal(let s1, let t1, let n1), .conceal(let s2, let t2, let n2)):
            return s1 == s2 && t1 == t2 && n1 == n2
        case (.overloadDropped(let s1, let t1, let p1, let n1), .overloadDropped(let s2, let t2, let p2, let n2)):
            return s1 == s2 && t1 == t2 && p1 == p2 && n1 == n2
        default:
            return false
        }
    }
}

extension JitterBuffer {
    /// Base address of the slot storage, to show it is never reallocated (tests only).
    var storageAddress: UnsafeRawPointer? { slots.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) } }
}
