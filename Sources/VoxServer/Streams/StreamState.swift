import VoxMedia

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
