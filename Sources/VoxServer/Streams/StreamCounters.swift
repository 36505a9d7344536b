import VoxMedia

/// A stream's counters, as `GET /v1/streams/{id}` reports them.
struct StreamCounters: Sendable, Encodable {
    struct Dropped: Sendable, Encodable {
        var sourceMismatch = 0
        var payloadType = 0
        var tooLarge = 0
        var rateLimited = 0
        /// Packets that arrived after the stream stopped taking audio (draining or closed).
        var streamClosed = 0
        /// SRTP packets whose tag did not match the stream's key (forged, damaged or plain RTP).
        var srtpAuth = 0
        /// SRTP packets already received or older than the 64-packet replay window.
        var srtpReplay = 0
        /// SRTP packets too short or malformed to authenticate.
        var srtpMalformed = 0
        enum CodingKeys: String, CodingKey {
            case sourceMismatch = "source_mismatch"
            case payloadType = "payload_type"
            case tooLarge = "too_large"
            case rateLimited = "rate_limited"
            case streamClosed = "stream_closed"
            case srtpAuth = "srtp_auth"
            case srtpReplay = "srtp_replay"
            case srtpMalformed = "srtp_malformed"
        }
    }
    struct Jitter: Sendable, Encodable {
        var late = 0
        var duplicates = 0
        var lost = 0
        var recoveredFEC = 0
        var concealed = 0
        /// Concealment after the sender stopped: not loss (``JitterBufferCounters/stallConcealed``).
        var stallConcealed = 0
        /// Packets dropped on purpose, oldest first, when the stream fell a whole buffer behind.
        var overloadDropped = 0
        var overflows = 0
        var resets = 0
        enum CodingKeys: String, CodingKey {
            case late, duplicates, lost, concealed, overflows, resets
            case recoveredFEC = "recovered_fec"
            case stallConcealed = "stall_concealed"
            case overloadDropped = "overload_dropped"
        }
        init() {}
        init(_ c: JitterBufferCounters) {
            late = c.late
            duplicates = c.duplicates
            lost = c.lost
            recoveredFEC = c.recoveredByFEC
            concealed = c.concealed
            stallConcealed = c.stallConcealed
            overloadDropped = c.overloadDropped
            overflows = c.overflows
            resets = c.resets
        }
    }
    var rtpPackets = 0
    var rtpDropped = Dropped()
    var jitter = Jitter()
    var websocketMessages = 0
    var opusErrors = 0
    var audioSeconds = 0.0
    var silenceSeconds = 0.0
    var timelineJumps = 0
    var framesProduced = 0
    var framesSent = 0
    var framesHeld = 0
    var framesLate = 0
    var deadlineMisses = 0
    var framesSkipped = 0
    var hopWidenings = 0
    var subscribers = 0
    var subscriberDropped = 0
    /// The pacer's playout delay now, ms (0 before the first frame).
    var playoutDelayMs = 0.0
    /// The automatic delay's allowance for late audio now, ms (the stream's measured lateness).
    var jitterAllowanceMs = 0.0
    /// The automatic delay's allowance for computing now, ms (the worker pool's p99.9 job time).
    var computeAllowanceMs = 0.0
    /// Times the playout delay grew or shrank while the stream ran.
    var delayChanges = 0
    /// Frames by which the stream's model windows run earlier than the batch schedule's (the
    /// setting, or where the worker pool placed them); nil before the first audio.
    var windowPhase: Int?

    enum CodingKeys: String, CodingKey {
        case jitter, subscribers
        case windowPhase = "window_phase"
        case rtpPackets = "rtp_packets"
        case rtpDropped = "rtp_dropped"
        case websocketMessages = "websocket_messages"
        case opusErrors = "opus_errors"
        case audioSeconds = "audio_seconds"
        case silenceSeconds = "silence_seconds"
        case timelineJumps = "timeline_jumps"
        case framesProduced = "frames_produced"
        case framesSent = "frames_sent"
        case framesHeld = "frames_held"
        case framesLate = "frames_late"
        case deadlineMisses = "deadline_misses"
        case framesSkipped = "frames_skipped"
        case hopWidenings = "hop_widenings"
        case subscriberDropped = "subscriber_dropped"
        case playoutDelayMs = "playout_delay_ms"
        case jitterAllowanceMs = "jitter_allowance_ms"
        case computeAllowanceMs = "compute_allowance_ms"
        case delayChanges = "delay_changes"
    }
}
