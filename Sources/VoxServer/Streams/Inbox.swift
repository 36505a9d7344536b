import VoxMedia

/// The network side of a stream: what arrived and has not been processed yet.
struct Inbox {
    /// Most WebSocket audio messages queued before the reader is made to wait.
    static let messageCapacity = 64

    var ingest: Ingest = .none
    var firstArrival: Microseconds?
    var jitter = JitterBuffer<Int>()
    /// How late the audio arrives against its media clock (the playout delay's jitter allowance).
    var lateness = ArrivalLateness()
    /// Payload bytes of the packets the jitter buffer holds, by sequence number modulo the slot count
    /// (the buffer's own ring has the same size, so two held packets never share a slot).
    private var payloads: [UInt8]
    private var lengths: [Int]
    var slotCount: Int { lengths.count }
    var resyncPending = false
    var timeline = RTPTimeline()
    var messages: [[UInt8]] = []
    /// When each queued message arrived.
    var messageArrivals: [Microseconds] = []
    /// Samples of WebSocket audio placed so far: the sender's media clock.
    var websocketSamples: Int64 = 0
    var ended = false
    var endDelivered = false
    var rtpPackets = 0
    var websocketMessages = 0
    var dropped = StreamCounters.Dropped()
    var rateLimit = PacketRateLimit()

    init() {
        let slots = jitter.configuration.capacity
        payloads = [UInt8](repeating: 0, count: slots * Stream.maxPayload)
        lengths = [Int](repeating: 0, count: slots)
        messages.reserveCapacity(Self.messageCapacity)
        messageArrivals.reserveCapacity(Self.messageCapacity)
    }

    mutating func store(slot: Int, bytes: UnsafeRawBufferPointer) {
        lengths[slot] = bytes.count
        payloads.withUnsafeMutableBytes { raw in
            raw.baseAddress!.advanced(by: slot * Stream.maxPayload).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        }
    }

    func copy(slot: Int, into scratch: UnsafeMutableRawBufferPointer) -> Int {
        let n = lengths[slot]
        payloads.withUnsafeBytes { raw in
            scratch.baseAddress!.copyMemory(from: raw.baseAddress!.advanced(by: slot * Stream.maxPayload), byteCount: n)
        }
        return n
    }
}

/// Maps RTP timestamps to positions on the stream's audio timeline (samples since its start),
/// unwrapping the 32-bit timestamp by serial-number arithmetic from the last packet placed.
struct RTPTimeline: Sendable {
    private var lastTimestamp: UInt32?
    private var lastPosition: Int64 = 0

    /// Position of `timestamp`; the first packet (or one after a resync) is anchored at `anchorAt`.
    mutating func position(of timestamp: UInt32, anchorAt current: Int64, resync: Bool) -> Int64 {
        guard let last = lastTimestamp, !resync else {
            rebase(timestamp: timestamp, position: current)
            return current
        }
        let position = lastPosition + Int64(Int32(bitPattern: timestamp &- last))
        lastTimestamp = timestamp
        lastPosition = position
        return position
    }

    /// Puts `timestamp` at `position`.
    mutating func rebase(timestamp: UInt32, position: Int64) {
        lastTimestamp = timestamp
        lastPosition = position
    }
}
