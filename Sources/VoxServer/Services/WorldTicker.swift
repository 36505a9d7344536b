import Logging
import NIOPosix
import ServiceLifecycle
import Synchronization
import VoxAvatars
import VoxStore

#if canImport(Glibc)
    import Glibc
#endif

/// Runs the avatar world's clock (a tick a second) on a thread of its own at a lower CPU priority
/// (nice 10), so that on a busy machine the face streams' workers come first and the world runs
/// late instead; carries each bound stream's avatar mood into its frames and its speech into the
/// avatar's social need; forwards stream lifecycle events to the event API (`streams`,
/// live-only). On shutdown it stops the thread and saves every avatar's state.
struct WorldTicker: Service {
    let services: SecondaryServices
    let hub: StreamHub
    let logger: Logger
    /// Real seconds between ticks.
    static let interval = 1.0
    /// Real seconds between merges of a bound stream's voice into its profile.
    static let voiceInterval = 10.0
    let voices = VoiceHarvest()
    /// Real seconds between rounds of match suggestions to exploring avatars.
    static let suggestInterval = 30.0
    /// Exploring avatars given suggestions per round.
    static let suggestionsPerRound = 20
    let suggesting = SuggestionRound()
    /// The world thread's niceness (CFS weight 110 against 1024 for the stream workers).
    static let niceness: Int32 = 10

    func run() async throws {
        let streamEvents = hub.bus.subscribe(.streams, capacity: 1024)
        let thread = TickerThread(ticker: self)
        thread.start()
        await cancelWhenGracefulShutdown { await forward(streamEvents) }
        hub.bus.unsubscribe(streamEvents)
        await thread.stop()
        do { try await services.avatars.checkpoint() } catch {
            logger.error("avatar checkpoint at shutdown failed", metadata: ["error": "\(error)"])
        }
    }

    /// Moods into bound streams, speech into their avatars, voices into their profiles.
    func bindStreams(elapsed: Double) {
        let harvest = voices.due(elapsed: elapsed)
        let streams = hub.registry.all
        // Streams gone from the registry (closed) give their last words.
        for gone in voices.gone(keeping: Set(streams.map(\.id))) {
            if let profile = gone.state.withLock({ $0.settings.profile }) { mergeVoice(of: gone, into: profile) }
        }
        for stream in streams {
            if let profile = stream.state.withLock({ $0.settings.profile }) {
                voices.track(stream)
                if harvest { mergeVoice(of: stream, into: profile) }
            }
            let (avatar, flowing) = stream.state.withLock { ($0.settings.avatar, $0.lifecycle.audioFlowing) }
            guard let avatar else { continue }
            if flowing { services.avatars.speak(avatar, seconds: elapsed) }
            let emotions = services.avatars.emotionChannels(avatar)
            stream.state.withLock { s in
                guard let emotions else { return s.mood = nil }
                if s.mood == nil { s.mood = MoodOverlay(target: emotions) } else { s.mood?.retarget(emotions) }
            }
        }
    }

    /// Gives exploring avatars without suggestions their best matches among avatars with
    /// profiles (one round at a time, in the background).
    func suggestMatches(elapsed: Double) {
        guard suggesting.due(elapsed: elapsed) else { return }
        let avatars = services.avatars
        let match = services.match
        let explorers = avatars.exploringWithoutSuggestions(limit: Self.suggestionsPerRound)
        guard !explorers.isEmpty else { return suggesting.done() }
        let suggesting = suggesting
        Task {
            defer { suggesting.done() }
            for avatar in explorers {
                guard let found = try? await match.avatarMatches(forAvatar: avatar, k: 3), !found.isEmpty else { continue }
                avatars.suggest(avatar, matches: found)
            }
        }
    }

    /// Merges what a stream bound to `profile` heard since the last merge (nothing when it
    /// heard no voiced speech).
    func mergeVoice(of stream: Stream, into profile: String) {
        guard let voice = stream.takeVoice() else { return }
        let match = services.match
        let logger = logger
        Task {
            do { _ = try await match.addVoice(profile, voice) } catch {
                logger.notice("voice traits not merged", metadata: ["profile": "\(profile)", "error": "\(error)"])
            }
        }
    }

    private func forward(_ subscription: Subscription) async {
        for await message in subscription {
            guard case .stream(let event) = message else { continue }
            let data: String
            switch event {
            case .created(let id): data = "{\"id\":\(JSONString.quote(id)),\"event\":\"created\"}"
            case .live(let id, let ingest): data = "{\"id\":\(JSONString.quote(id)),\"event\":\"live\",\"ingest\":\"\(ingest)\"}"
            case .closed(let id, let reason):
                if let stream = voices.untrack(id), let profile = stream.state.withLock({ $0.settings.profile }) {
                    mergeVoice(of: stream, into: profile)
                }
                data = "{\"id\":\(JSONString.quote(id)),\"event\":\"closed\",\"reason\":\"\(reason.rawValue)\"}"
            }
            services.store.publishTransient(topic: "streams", data: data)
        }
    }
}

/// The clock of the suggestion rounds; one round runs at a time.
final class SuggestionRound: Sendable {
    private let state = Mutex<(since: Double, running: Bool)>((0, false))

    /// Whether a round should start now (and marks it running).
    func due(elapsed: Double) -> Bool {
        state.withLock { s in
            s.since += elapsed
            guard !s.running, s.since >= WorldTicker.suggestInterval else { return false }
            s.since = 0
            s.running = true
            return true
        }
    }

    func done() { state.withLock { $0.running = false } }
}

/// The streams bound to profiles (kept until their close event, so their last words count) and
/// the clock of the periodic merge.
final class VoiceHarvest: Sendable {
    private let state = Mutex<(streams: [String: Stream], sinceMerge: Double)>(([:], 0))

    /// Whether a periodic merge is due after `elapsed` more seconds.
    func due(elapsed: Double) -> Bool {
        state.withLock { s in
            s.sinceMerge += elapsed
            guard s.sinceMerge >= WorldTicker.voiceInterval else { return false }
            s.sinceMerge = 0
            return true
        }
    }

    func track(_ stream: Stream) { state.withLock { $0.streams[stream.id] = stream } }

    func untrack(_ id: String) -> Stream? { state.withLock { $0.streams.removeValue(forKey: id) } }

    /// Untracks and returns the streams whose ids are not in `live`.
    func gone(keeping live: Set<String>) -> [Stream] {
        state.withLock { s in
            let gone = s.streams.filter { !live.contains($0.key) }
            for id in gone.keys { s.streams[id] = nil }
            return Array(gone.values)
        }
    }
}

/// The world's thread (a one-thread pool of its own): ticks once a second until stopped.
final class TickerThread: Sendable {
    private let ticker: WorldTicker
    private let stopping = Atomic<Bool>(false)
    private let thread = NIOThreadPool(numberOfThreads: 1)

    init(ticker: WorldTicker) { self.ticker = ticker }

    func start() {
        thread.start()
        thread.submit { [self] _ in
            // On Linux, PRIO_PROCESS with id 0 sets the calling thread's niceness only; this
            // thread belongs to this pool alone.
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, WorldTicker.niceness)
            loop()
        }
    }

    /// Asks the thread to stop and waits until it has.
    func stop() async {
        stopping.store(true, ordering: .sequentiallyConsistent)
        try? await thread.shutdownGracefully()
    }
    private func loop() {
        var last = Self.seconds()
        var failing = false
        while !stopping.load(ordering: .relaxed) {
            let now = Self.seconds()
            do {
                try ticker.services.avatars.tickBlocking(now: now)
                if failing { ticker.logger.notice("avatar world ticks commit again") }
                failing = false
            } catch {
                if !failing { ticker.logger.error("avatar world tick failed to commit", metadata: ["error": "\(error)"]) }
                failing = true
            }
            ticker.bindStreams(elapsed: now - last)
            ticker.suggestMatches(elapsed: now - last)
            last = now
            // Sleep to the next whole interval, waking every 100 ms to notice a stop.
            let next = now + WorldTicker.interval
            while !stopping.load(ordering: .relaxed), Self.seconds() < next { usleep(100_000) }
        }
    }

    private static func seconds() -> Double { Double(MonotonicClock.now()) / 1e6 }
}
