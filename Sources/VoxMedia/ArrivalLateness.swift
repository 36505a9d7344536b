/// How late a stream's audio arrives against its own media clock: what the playout delay must
/// allow for the network and the sender (NetEQ's "target delay", in the pacer's terms).
///
/// The pacer plays audio time `m` at `origin + delay + m`, where `origin` is the arrival of the
/// first audio. A packet carrying audio from media time `m` that arrives at `a` is late by
/// `a - origin - m` (0 or less when early, as a burst sender's packets are). The allowance is the
/// largest lateness over the last one to two blocks of arrivals: a burst of jitter raises it at
/// once, and it is forgotten two blocks later. The peak rather than a quantile, because a packet
/// later than the allowance holds every frame that waits for it.
///
/// In-order packets on loopback give an allowance of about 0; a sender with real jitter or
/// reordering gives about its worst delay. A plain value with injected time; no allocation.
public struct ArrivalLateness: Sendable, Equatable {
    /// Arrivals per block; the allowance covers the last one to two blocks (250 is 5 s of 20 ms
    /// packets).
    public let blockSize: Int
    /// Largest allowance reported, however late a sender's clock claims its audio is.
    public let ceiling: Microseconds
    /// RTP clock rate for ``record(timestamp:arrival:)``.
    public let clockRate: Int64

    private var originArrival: Microseconds?
    private var originMedia: Microseconds = 0
    private var lastTimestamp: UInt32 = 0
    private var lastSamples: Int64 = 0
    private var hasTimestamp = false
    private var currentPeak: Microseconds = 0
    private var previousPeak: Microseconds = 0
    private var inBlock = 0
    /// Arrivals recorded.
    public private(set) var arrivals = 0

    /// An estimator with blocks of `blockSize` arrivals, allowances capped at `ceiling`.
    public init(blockSize: Int = 250, ceiling: Microseconds = 500_000, clockRate: Int = 48_000) {
        precondition(blockSize > 0 && ceiling >= 0 && clockRate > 0, "invalid lateness settings")
        self.blockSize = blockSize
        self.ceiling = ceiling
        self.clockRate = Int64(clockRate)
    }

    /// The lateness to allow for: the peak over the last one to two blocks, 0 ... ``ceiling``.
    public var allowance: Microseconds { min(max(currentPeak, previousPeak), ceiling) }

    /// Audio starting at media time `media` (microseconds on the sender's timeline) arrived at
    /// `arrival`. The first call sets the origin.
    public mutating func record(media: Microseconds, arrival: Microseconds) {
        guard let origin = originArrival else {
            originArrival = arrival
            originMedia = media
            count(0)
            return
        }
        count((arrival - origin) - (media - originMedia))
    }

    /// An RTP packet with `timestamp` arrived at `arrival`; timestamps are unwrapped from the
    /// previous one (serial-number arithmetic), so reordered packets count as late, not as jumps.
    public mutating func record(timestamp: UInt32, arrival: Microseconds) {
        if hasTimestamp {
            lastSamples += Int64(Int32(bitPattern: timestamp &- lastTimestamp))
        } else {
            hasTimestamp = true
            lastSamples = 0
        }
        lastTimestamp = timestamp
        record(media: lastSamples * 1_000_000 / clockRate, arrival: arrival)
    }

    /// The sender restarted its timeline (a new SSRC or a sequence jump): the next arrival
    /// anchors lateness again. The peaks seen so far are kept until their blocks pass.
    public mutating func reanchor() {
        originArrival = nil
        hasTimestamp = false
    }

    private mutating func count(_ lateness: Microseconds) {
        arrivals += 1
        currentPeak = max(currentPeak, lateness)
        inBlock += 1
        if inBlock == blockSize {
            previousPeak = currentPeak
            currentPeak = 0
            inBlock = 0
        }
    }
}
