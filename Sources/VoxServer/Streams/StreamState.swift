import VoxMedia
import VoxSettings

/// Everything about a stream that changes while it runs, under the stream's one state lock: its
/// lifecycle, its settings, what arrived (``Inbox``) and what goes out (``OutputState``). The
/// network threads, the worker running the stream's engine and the pacer each take the lock for
/// a short copy or update, never across a decode or a model run.
struct StreamState {
    var lifecycle: StreamLifecycle
    /// Settings in effect (the hop may widen).
    var settings: StreamSettings
    var inbox = Inbox()
    var output: OutputState
    /// The bound avatar's mood, mixed into the emotion channels (nil: frames unchanged).
    var mood: MoodOverlay?
    /// Compute allowance the stream's own deadline misses added (adaptive profile): a second with
    /// over 10% of frames missed raises it by ``missStep`` before the hop is widened, up to
    /// ``maxMissAllowance``.
    var missAllowance: Microseconds = 0
    /// How far behind real time a paused sender's silence is padded: audio time t is padded at
    /// first arrival + t + this, the latest that keeps the frames waiting for it on time. The
    /// stall allowance until an adaptive stream's first job sets it to its slack.
    var paddingLag: Microseconds = Stream.stallAllowance

    init(settings: StreamSettings, channels: Int, frameCapacity: Int, createdAt now: Microseconds) {
        self.settings = settings
        lifecycle = StreamLifecycle(createdAt: now, timeouts: settings.timeouts)
        output = OutputState(channels: channels, capacity: frameCapacity)
    }

    /// The audio format the ingest decided, nil before it did.
    var format: AudioFormat? {
        switch inbox.ingest {
        case .none: nil
        case .rtp: .opus
        case .websocket(let format): format
        }
    }
}

extension StreamSettings {
    /// The lifecycle's timeouts: first audio and idleness from the settings; a sender pauses after
    /// ``Stream/stallAllowance``; a stream draining for as long as the idle timeout closes anyway.
    var timeouts: StreamLifecycle.Timeouts {
        let idle = Microseconds(idleTimeoutSeconds * 1e6)
        return .init(
            firstAudio: Microseconds(firstAudioTimeoutSeconds * 1e6), idle: idle, stall: Stream.stallAllowance, drain: idle)
    }
}

extension StreamState {
    /// What the automatic playout delay allows now: the profile's fixed allowances, or (adaptive)
    /// the stream's measured lateness and the worker pool's p99.9 model-job time `jobLatency`, each with
    /// a millisecond to spare.
    func allowances(jobLatency: Microseconds) -> PlayoutAllowances {
        switch settings.latencyProfile {
        case .network: .network
        case .adaptive: .init(jitter: inbox.lateness.allowance + 1_000, compute: jobLatency + 1_000 + missAllowance)
        }
    }

    /// Duration of the sender's audio units: the learned RTP packet duration, 20 ms for WebSocket messages.
    var packetMicroseconds: Microseconds {
        if case .rtp = inbox.ingest { return Microseconds(inbox.jitter.packetDuration) * 1_000_000 / 48_000 }
        return 20_000
    }

    /// Brings the pacer's delay (toward `target`), the stall allowance and the jitter buffer's
    /// wait for a missing packet in line with `allowances` (adaptive profile). The patience is what
    /// the delay leaves beyond the `algorithmic` latency and the compute allowance, at most 40 ms
    /// unless the jitter allowance is longer (the jitter allowance itself, for an automatic delay):
    /// a sender counts as paused one packet plus the patience after its last audio, its silence is
    /// then padded the patience behind real time (``paddingLag``), and a gap is waited for as long
    /// (up to ``longestGapWait``). Returns how much the playout delay grew.
    mutating func follow(
        _ allowances: PlayoutAllowances, target: Microseconds, algorithmic: Microseconds, now: Microseconds
    ) -> Microseconds {
        var grew: Microseconds = 0
        // An explicit playout_delay_ms stays as set (hop widening adds to it on its own).
        if settings.playoutDelayMilliseconds == nil {
            grew = output.followPlayoutDelay(target, now: now)
            if grew > 0 { lifecycle.delayIdle(by: grew) }
        }
        let delay = output.pacer?.configuration.playoutDelay ?? target
        if settings.latencyProfile == .adaptive {
            // What the delay leaves for late audio: the jitter allowance for an automatic delay,
            // more for an explicit one (or one still shrinking).
            let slack = max(delay - algorithmic - allowances.compute, allowances.jitter)
            // How long late audio is waited for: the slack, at most 40 ms unless the jitter
            // allowance itself is longer; an explicit delay keeps the rest as margin.
            let patience = max(min(slack, Self.defaultGapWait), allowances.jitter)
            lifecycle.setStall(packetMicroseconds + patience)
            paddingLag = patience
            inbox.jitter.setMaxWait(min(patience, Self.longestGapWait))
        }
        output.counters.jitterAllowanceMs = Double(allowances.jitter) / 1000
        output.counters.computeAllowanceMs = Double(allowances.compute) / 1000
        output.counters.playoutDelayMs = Double(output.pacer?.configuration.playoutDelay ?? 0) / 1000
        return grew
    }

    /// The jitter buffer's wait for a gap with the network profile, and the most an adaptive stream
    /// waits when its delay has room to spare (an explicit delay, or one still shrinking).
    static let defaultGapWait: Microseconds = 40_000

    /// The deadline misses of one second call for more time: true when the compute allowance grew
    /// (adaptive profile with an automatic delay, below ``maxMissAllowance``), false when the hop
    /// should widen instead.
    mutating func allowMoreForMisses() -> Bool {
        guard settings.latencyProfile == .adaptive, settings.playoutDelayMilliseconds == nil,
            missAllowance < Self.maxMissAllowance
        else { return false }
        missAllowance += Self.missStep
        return true
    }

    /// What one second of too many deadline misses adds to an adaptive stream's compute allowance.
    static let missStep: Microseconds = 10_000
    /// Most the deadline misses add before the hop widens.
    static let maxMissAllowance: Microseconds = 60_000

    /// Longest wait for a missing packet, however late the stream's audio has been.
    static let longestGapWait: Microseconds = 200_000
}
