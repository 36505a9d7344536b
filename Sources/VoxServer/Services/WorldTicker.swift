import Logging
import ServiceLifecycle
import VoxAvatars
import VoxStore

/// Runs the avatar world's clock (a tick a second), carries each bound stream's avatar mood into
/// its frames and its speech into the avatar's social need, and forwards stream lifecycle events
/// to the event API (`streams`, live-only). On shutdown it saves every avatar's state.
struct WorldTicker: Service {
    let services: SecondaryServices
    let hub: StreamHub
    let logger: Logger
    /// Real seconds between ticks.
    static let interval = 1.0

    func run() async throws {
        let streamEvents = hub.bus.subscribe(.streams, capacity: 1024)
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await forward(streamEvents) }
                group.addTask { await tickLoop() }
                await group.next()
                group.cancelAll()
            }
        }
        hub.bus.unsubscribe(streamEvents)
        do { try await services.avatars.checkpoint() } catch {
            logger.error("avatar checkpoint at shutdown failed", metadata: ["error": "\(error)"])
        }
    }

    private func tickLoop() async {
        var last = seconds()
        var failing = false
        while !Task.isCancelled {
            let now = seconds()
            do {
                try await services.avatars.tick(now: now)
                if failing { logger.notice("avatar world ticks commit again") }
                failing = false
            } catch {
                if !failing { logger.error("avatar world tick failed to commit", metadata: ["error": "\(error)"]) }
                failing = true
            }
            bindStreams(elapsed: now - last)
            last = now
            try? await Task.sleep(for: .seconds(Self.interval))
        }
    }

    /// Moods into bound streams, speech into their avatars.
    func bindStreams(elapsed: Double) {
        for stream in hub.registry.all {
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

    private func forward(_ subscription: Subscription) async {
        for await message in subscription {
            guard case .stream(let event) = message else { continue }
            let data: String
            switch event {
            case .created(let id): data = "{\"id\":\(JSONString.quote(id)),\"event\":\"created\"}"
            case .live(let id, let ingest): data = "{\"id\":\(JSONString.quote(id)),\"event\":\"live\",\"ingest\":\"\(ingest)\"}"
            case .closed(let id, let reason):
                data = "{\"id\":\(JSONString.quote(id)),\"event\":\"closed\",\"reason\":\"\(reason.rawValue)\"}"
            }
            services.store.publishTransient(topic: "streams", data: data)
        }
    }

    private func seconds() -> Double { Double(MonotonicClock.now()) / 1e6 }
}
