import VoxCore

/// One datagram or message to send: packet `packet` of stream `stream`, due at `due` nanoseconds
/// after the run's start.
public struct SendEvent: Sendable, Equatable {
    /// Offset from the run's start.
    public var due: Nanoseconds
    /// Stream index.
    public var stream: Int32
    /// Packet index within the stream.
    public var packet: Int32

    /// An event from its parts.
    public init(due: Nanoseconds, stream: Int32, packet: Int32) {
        self.due = due
        self.stream = stream
        self.packet = packet
    }
}

/// The whole run's sends on an absolute schedule: packet j of stream s is due at
/// s * period / streams + j * period, plus its impairments, so a late wake-up never shifts the
/// packets after it and the streams' packets do not all leave in one burst.
///
/// Impairments are drawn per stream from a seeded generator, so a run replays exactly. Packet 0
/// is never impaired: it binds the stream's source and anchors its timeline.
public struct SendSchedule: Sendable {
    /// Impairment probabilities and the jitter bound.
    public struct Impairments: Sendable, Equatable {
        /// Probability that a packet is not sent.
        public var loss: Double
        /// Extra delay, uniform in 0...jitter nanoseconds.
        public var jitter: Nanoseconds
        /// Probability that a packet is held 1.5 periods, behind the next one.
        public var reorder: Double
        /// Probability that a packet is sent a second time, 1 ms after the first.
        public var duplicate: Double

        /// Impairments from their parts (all zero = a clean run).
        public init(loss: Double = 0, jitter: Nanoseconds = 0, reorder: Double = 0, duplicate: Double = 0) {
            self.loss = loss
            self.jitter = jitter
            self.reorder = reorder
            self.duplicate = duplicate
        }
    }

    /// Every send, sorted by due time.
    public let events: [SendEvent]
    /// Packets dropped on purpose, per stream.
    public let lost: [Int]
    /// Packets held behind their successor, per stream.
    public let reordered: [Int]
    /// Packets sent twice, per stream.
    public let duplicated: [Int]

    /// The schedule for `streams` streams of `packets` packets of `period` nanoseconds each.
    public init(streams: Int, packets: Int, period: Nanoseconds, impairments: Impairments, seed: UInt64) {
        var events: [SendEvent] = []
        events.reserveCapacity(streams * packets * (impairments.duplicate > 0 ? 2 : 1))
        var lost = [Int](repeating: 0, count: streams)
        var reordered = lost
        var duplicated = lost
        for s in 0..<streams {
            var random = SplitMix64(seed: seed &+ UInt64(s) &* 0x9E37_79B9)
            let offset = Nanoseconds(s) * period / Nanoseconds(streams)
            for j in 0..<packets {
                var due = offset + Nanoseconds(j) * period
                if j > 0 {
                    // Always draw the four numbers, so changing one probability keeps the others' draws.
                    let drop = random.nextUnit() < impairments.loss
                    let late = random.nextUnit() < impairments.reorder
                    let twice = random.nextUnit() < impairments.duplicate
                    let extra = Nanoseconds(random.nextUnit() * Double(impairments.jitter))
                    if drop {
                        lost[s] += 1
                        continue
                    }
                    due += extra
                    if late {
                        due += period * 3 / 2
                        reordered[s] += 1
                    }
                    if twice {
                        events.append(SendEvent(due: due + 1_000_000, stream: Int32(s), packet: Int32(j)))
                        duplicated[s] += 1
                    }
                }
                events.append(SendEvent(due: due, stream: Int32(s), packet: Int32(j)))
            }
        }
        events.sort { ($0.due, $0.stream, $0.packet) < ($1.due, $1.stream, $1.packet) }
        self.events = events
        self.lost = lost
        self.reordered = reordered
        self.duplicated = duplicated
    }
}
