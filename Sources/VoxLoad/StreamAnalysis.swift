/// Counts of frames over one stream's receivers (or the whole run).
public struct FrameCounts: Sendable, Equatable, Codable {
    /// Frames each receiver should have got, summed over receivers.
    public var expected = 0
    /// Distinct expected frames that arrived.
    public var received = 0
    /// expected - received.
    public var missing = 0
    /// Second arrivals of a frame.
    public var duplicate = 0
    /// Frames that arrived after a higher-numbered one.
    public var outOfOrder = 0
    /// Frames past the audio sent (the server's tail of silence and easing to neutral).
    public var extra = 0
    /// Messages that did not decode as a frame.
    public var malformed = 0
    /// Received frames whose audio packet was never sent (lost on purpose), so without a latency.
    public var unmatched = 0
    /// Missing frames that another receiver of the same stream did get: lost between the server
    /// and this receiver (the rest of `missing` was never sent, e.g. skipped by the server's pacer).
    public var undelivered = 0
    /// Received frames flagged held by the server (frame WebSocket receivers only).
    public var held = 0
    /// Of those, frames in the last second of the audio (the flush after the sender stops).
    public var heldLastSecond = 0

    /// No frames yet.
    public init() {}

    /// Adds `other`'s counts.
    public mutating func add(_ other: FrameCounts) {
        expected += other.expected
        received += other.received
        missing += other.missing
        duplicate += other.duplicate
        outOfOrder += other.outOfOrder
        extra += other.extra
        malformed += other.malformed
        unmatched += other.unmatched
        undelivered += other.undelivered
        held += other.held
        heldLastSecond += other.heldLastSecond
    }

    enum CodingKeys: String, CodingKey {
        case expected, received, missing, duplicate, extra, malformed, unmatched, held, undelivered
        case outOfOrder = "out_of_order"
        case heldLastSecond = "held_last_second"
    }
}

/// The measurements of one stream, from its send log and its receivers' frame logs, computed after
/// the run: latency per frame and receiver, inter-frame jitter, drift and the fan-out spread.
public struct StreamAnalysis: Sendable {
    /// Frame counts over the stream's receivers.
    public var frames = FrameCounts()
    /// Arrival of frame k minus the send time of the packet carrying frame k's audio.
    public var latency = MicrosecondHistogram()
    /// The same latencies by the minute of the frame's audio, 1 ms buckets.
    public var latencyByMinute = MinuteLatency(minutes: 0)
    /// |interval between frames k and k+1 at a receiver - 1/60 s|, over consecutive pairs received.
    public var jitter = MicrosecondHistogram()
    /// Per frame received by every receiver: latest arrival - earliest (only with 2+ receivers).
    public var fanOut = MicrosecondHistogram()
    /// Frame timeline against audio timeline: how much later frames arrive, relative to their audio
    /// time, at the end of the run than at its start (the receiver with the largest magnitude).
    public var driftNanoseconds: Nanoseconds = 0

    /// Frame ranges (first, last) some receiver missed, in order, at most ``maxMissingRanges``.
    public var missingRanges: [[Int]] = []
    /// Ranges listed at most.
    public static let maxMissingRanges = 20

    /// Frames at each end of the run whose median offset the drift compares (one second's worth).
    public static let driftWindow = 60

    /// Analyses one stream: `sendTimes[j]` is packet j's first send (0 = never sent); each log is one receiver.
    public init(sendTimes: [Nanoseconds], timeline: FrameTimeline, receivers: [FrameLog]) {
        latencyByMinute = MinuteLatency(frames: receivers.map(\.arrivals.count).max() ?? 0)
        for log in receivers {
            let arrivals = log.arrivals
            var counts = FrameCounts()
            counts.expected = arrivals.count
            counts.duplicate = log.duplicates
            counts.outOfOrder = log.outOfOrder
            counts.extra = log.extra
            counts.malformed = log.malformed
            var offsets: [Nanoseconds] = []
            offsets.reserveCapacity(arrivals.count)
            let held = log.held
            for (k, arrival) in arrivals.enumerated() where arrival != 0 {
                counts.received += 1
                if held[k] != 0 {
                    counts.held += 1
                    if k >= arrivals.count - 60 { counts.heldLastSecond += 1 }
                }
                offsets.append(arrival - FrameTimeline.audioTime(ofFrame: k))
                let j = timeline.packet(carryingFrame: k)
                if j < sendTimes.count, sendTimes[j] != 0 {
                    latency.record(nanoseconds: arrival - sendTimes[j])
                    latencyByMinute.record(frame: k, nanoseconds: arrival - sendTimes[j])
                } else {
                    counts.unmatched += 1
                }
                if k + 1 < arrivals.count, arrivals[k + 1] != 0 {
                    jitter.record(nanoseconds: abs(arrivals[k + 1] - arrival - FrameTimeline.framePeriod))
                }
            }
            counts.missing = counts.expected - counts.received
            frames.add(counts)
            let drift = Self.drift(offsets)
            if abs(drift) > abs(driftNanoseconds) { driftNanoseconds = drift }
        }
        if let frameCount = receivers.first?.arrivals.count {
            for k in 0..<frameCount where receivers.contains(where: { $0.arrivals[k] == 0 }) {
                let got = receivers.count(where: { $0.arrivals[k] != 0 })
                if got > 0 { frames.undelivered += receivers.count - got }
                if let last = missingRanges.last, last[1] == k - 1 {
                    missingRanges[missingRanges.count - 1][1] = k
                } else if missingRanges.count < Self.maxMissingRanges {
                    missingRanges.append([k, k])
                }
            }
        }
        guard receivers.count >= 2, let frameCount = receivers.first?.arrivals.count else { return }
        for k in 0..<frameCount {
            var earliest = Nanoseconds.max
            var latest = Nanoseconds.min
            for log in receivers {
                let a = log.arrivals[k]
                if a == 0 {
                    earliest = .max
                    break
                }
                earliest = min(earliest, a)
                latest = max(latest, a)
            }
            if earliest != .max { fanOut.record(nanoseconds: latest - earliest) }
        }
    }

    /// Median offset of the last `driftWindow` frames minus that of the first (halves when fewer
    /// than two windows arrived; 0 under 2 frames).
    static func drift(_ offsets: [Nanoseconds]) -> Nanoseconds {
        guard offsets.count >= 2 else { return 0 }
        let window = min(driftWindow, offsets.count / 2)
        func median(_ slice: ArraySlice<Nanoseconds>) -> Nanoseconds {
            let sorted = slice.sorted()
            return sorted[sorted.count / 2]
        }
        return median(offsets.suffix(window)) - median(offsets.prefix(window))
    }
}
