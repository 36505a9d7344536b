import Synchronization
import VoxAvatars
import VoxMatch
import VoxStore
import VoxTwins

/// The secondary services of `voxface serve` (avatars today; matchmaking and twins later), the
/// store they share and their counters for /metrics.
final class SecondaryServices: Sendable {
    let store: Store
    let avatars: AvatarService
    let voice: LLMVoice
    let match: MatchService
    let twins: TwinService
    let counters = SecondaryCounters()

    init(store: Store, avatars: AvatarService, voice: LLMVoice, match: MatchService, twins: TwinService) {
        self.store = store
        self.avatars = avatars
        self.voice = voice
        self.match = match
        self.twins = twins
    }

    /// Prometheus text lines of the services' counters (appended to /metrics).
    func renderMetrics() -> String {
        let s = avatars.stats
        let c = counters
        var lines: [String] = []
        func counter(_ name: String, _ help: String, _ value: some Numeric & CustomStringConvertible, labels: String = "") {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) counter")
            lines.append("\(name)\(labels) \(value)")
        }
        counter("voxface_avatar_ticks_total", "Avatar simulation ticks.", s.ticks)
        counter("voxface_avatar_world_minutes_total", "World minutes stepped.", s.minutesStepped)
        counter("voxface_avatar_world_minutes_skipped_total", "World minutes skipped by a tick that fell behind.", s.minutesSkipped)
        counter("voxface_avatar_simulation_seconds_total", "Seconds spent stepping the avatar simulation.", s.simulationSeconds)
        counter("voxface_avatar_commit_seconds_total", "Seconds spent committing avatar changes.", s.commitSeconds)
        counter("voxface_avatar_conversations_total", "Conversations between avatars.", s.conversations)
        counter("voxface_avatar_memories_total", "Avatar memories written.", s.memoriesWritten)
        counter("voxface_avatar_llm_conversations_total", "Avatar conversations the language model wrote.", s.llmConversations)
        counter("voxface_avatar_commit_failures_total", "Avatar commits that failed.", s.commitFailures)
        lines.append("# HELP voxface_avatar_replies_total Replies to owner messages by generator.")
        lines.append("# TYPE voxface_avatar_replies_total counter")
        lines.append("voxface_avatar_replies_total{generator=\"llm\"} \(s.llmReplies)")
        lines.append("voxface_avatar_replies_total{generator=\"offline\"} \(s.offlineReplies)")
        let llm = voice.model.stats
        counter("voxface_llm_requests_total", "Language-model requests (offline fallbacks included).", llm.requests)
        counter("voxface_llm_fallbacks_total", "Replies the offline generator made instead of the language model.", llm.fallbacks)
        counter("voxface_llm_timeouts_total", "Language-model calls that timed out.", llm.timeouts)
        counter("voxface_llm_errors_total", "Language-model calls that failed otherwise.", llm.errors)
        counter("voxface_llm_breaker_opens_total", "Times the language-model circuit breaker opened.", llm.breakerOpens)
        let m = match.stats
        counter("voxface_match_embeddings_total", "Texts the matchmaking encoder embedded.", m.embeddings)
        counter("voxface_match_embedding_seconds_total", "Seconds spent embedding texts.", m.embeddingSeconds)
        counter("voxface_match_searches_total", "Neighbour and match searches.", m.searches)
        counter("voxface_match_placements_total", "Profiles placed in the space.", m.placements)
        counter("voxface_match_voice_updates_total", "Voice samples merged into profiles.", m.voiceUpdates)
        counter("voxface_match_busy_total", "Profile requests refused because the encoder was busy.", m.busy)
        lines.append("# HELP voxface_match_profiles Profiles in the space.")
        lines.append("# TYPE voxface_match_profiles gauge")
        lines.append("voxface_match_profiles \(match.count)")
        let t = twins.stats
        counter("voxface_twin_ingestions_total", "Ingestions read into twins.", t.ingested)
        counter("voxface_twin_ingestions_failed_total", "Ingestions dead-lettered.", t.failed)
        counter("voxface_twin_ingestion_retries_total", "Ingestion retries after a store failure.", t.retries)
        counter("voxface_twin_ingestions_busy_total", "Ingestions refused because the queue was full.", t.busy)
        counter("voxface_twin_memories_total", "Twin memories written.", t.memoriesWritten)
        counter("voxface_twin_relations_total", "Twin graph relations written.", t.relationsWritten)
        counter("voxface_twin_model_relations_total", "Twin graph relations the language model added.", t.modelRelations)
        counter("voxface_twin_searches_total", "Twin memory searches.", t.searches)
        counter("voxface_twin_vector_loads_total", "Twins' vectors read from the store into memory.", t.vectorLoads)
        counter("voxface_twin_vector_evictions_total", "Twins' vectors dropped from memory for room (--twin-vectors).", t.vectorEvictions)
        lines.append("# HELP voxface_twin_vectors_in_memory Dense vectors held in memory across twins.")
        lines.append("# TYPE voxface_twin_vectors_in_memory gauge")
        lines.append("voxface_twin_vectors_in_memory \(t.vectorsInMemory)")
        counter("voxface_twin_chats_total", "Twin chat turns answered.", t.chats)
        counter("voxface_twin_recommendations_total", "Twin recommendations made.", t.recommendations)
        counter("voxface_events_published_total", "Events published on the event API.", c.published.load(ordering: .relaxed))
        counter("voxface_events_sent_total", "Events sent to /v1/events clients.", c.sent.load(ordering: .relaxed))
        counter(
            "voxface_events_overflowed_total", "/v1/events clients closed for falling behind (4429).",
            c.overflowed.load(ordering: .relaxed))
        lines.append("# HELP voxface_api_errors_total Client errors of the service APIs by code.")
        lines.append("# TYPE voxface_api_errors_total counter")
        for (code, n) in c.errors.withLock({ $0 }).sorted(by: { $0.key < $1.key }) {
            lines.append("voxface_api_errors_total{code=\"\(code)\"} \(n)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Counters of the event API and the service routes.
final class SecondaryCounters: Sendable {
    let published = Atomic<Int>(0)
    let sent = Atomic<Int>(0)
    let overflowed = Atomic<Int>(0)
    /// Client errors by code (codes are a fixed set, so the label stays bounded).
    let errors = Mutex<[String: Int]>([:])

    func error(_ code: String) { errors.withLock { $0[code, default: 0] += 1 } }
}
