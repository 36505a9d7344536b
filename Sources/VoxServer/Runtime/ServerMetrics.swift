import Metrics
public import Prometheus

/// Every counter the server exports on `/metrics` (Prometheus text through swift-metrics and
/// swift-prometheus). Each server has its own registry, so several can run in one process.
public final class ServerMetrics: Sendable {
    /// The registry `/metrics` renders.
    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory

    let rtpPackets: Metrics.Counter
    let rtpDropped: [String: Metrics.Counter]
    let jitterEvents: [String: Metrics.Counter]
    let websocketMessages: Metrics.Counter
    let websocketRejected: [String: Metrics.Counter]
    let opusErrors: Metrics.Counter
    let audioSeconds: Metrics.FloatingPointCounter
    let framesSent: Metrics.Counter
    let framesHeld: Metrics.Counter
    let framesLate: Metrics.Counter
    let deadlineMisses: Metrics.Counter
    let framesSkipped: Metrics.Counter
    let hopWidenings: Metrics.Counter
    let subscriberDropped: Metrics.Counter
    let liveLinkPackets: Metrics.Counter
    let modelWindows: Metrics.Counter
    let workSeconds: Metrics.FloatingPointCounter
    let streamsOpen: Metrics.Gauge
    /// Model windows due per second over the streams the worker pool has placed (0 when none runs).
    let windowsPlaced: Metrics.Gauge
    let streamsClosed: [String: Metrics.Counter]
    let httpErrors: Metrics.Counter
    let batchRequests: Metrics.Counter

    /// RTP drop reasons.
    static let rtpDropReasons = [
        "malformed", "unknown_ssrc", "source_mismatch", "rate_limited", "payload_type", "too_large", "ingest_conflict", "stream_closed",
        "jitter_late", "jitter_duplicate", "jitter_overflow", "srtp_short", "srtp_malformed", "srtp_auth", "srtp_replay", "srtp_ssrc",
        "srtp_crypto",
    ]
    /// WebSocket rejection reasons.
    static let websocketRejectReasons = [
        "bad_token", "unknown_stream", "ingest_conflict", "bad_format", "too_big", "bad_payload", "after_end",
    ]

    /// A fresh registry with every metric registered.
    public init() {
        let registry = PrometheusCollectorRegistry()
        let factory = PrometheusMetricsFactory(registry: registry)
        self.registry = registry
        self.factory = factory
        func counter(_ label: String, _ dimensions: [(String, String)] = []) -> Metrics.Counter {
            Metrics.Counter(label: label, dimensions: dimensions, factory: factory)
        }
        rtpPackets = counter("voxface_rtp_packets_total")
        rtpDropped = Dictionary(
            uniqueKeysWithValues: Self.rtpDropReasons.map { ($0, counter("voxface_rtp_dropped_total", [("reason", $0)])) })
        jitterEvents = Dictionary(
            uniqueKeysWithValues: ["lost", "recovered_fec", "concealed", "reset", "overload_dropped"].map {
                ($0, counter("voxface_jitter_events_total", [("kind", $0)]))
            })
        websocketMessages = counter("voxface_websocket_audio_messages_total")
        websocketRejected = Dictionary(
            uniqueKeysWithValues: Self.websocketRejectReasons.map {
                ($0, counter("voxface_websocket_rejected_total", [("reason", $0)]))
            })
        opusErrors = counter("voxface_opus_decode_errors_total")
        audioSeconds = Metrics.FloatingPointCounter(label: "voxface_audio_seconds_total", dimensions: [], factory: factory)
        framesSent = counter("voxface_frames_sent_total")
        framesHeld = counter("voxface_frames_held_total")
        framesLate = counter("voxface_frames_late_total")
        deadlineMisses = counter("voxface_deadline_misses_total")
        framesSkipped = counter("voxface_frames_skipped_total")
        hopWidenings = counter("voxface_hop_widenings_total")
        subscriberDropped = counter("voxface_subscriber_dropped_frames_total")
        liveLinkPackets = counter("voxface_livelink_packets_total")
        modelWindows = counter("voxface_model_windows_total")
        workSeconds = Metrics.FloatingPointCounter(label: "voxface_pipeline_cpu_seconds_total", dimensions: [], factory: factory)
        streamsOpen = Metrics.Gauge(label: "voxface_streams", dimensions: [], factory: factory)
        windowsPlaced = Metrics.Gauge(label: "voxface_model_windows_placed_per_second", dimensions: [], factory: factory)
        streamsClosed = Dictionary(
            uniqueKeysWithValues: [CloseReason.idle, .deleted, .shutdown, .ended, .noAudio].map {
                ($0.rawValue, counter("voxface_streams_closed_total", [("reason", $0.rawValue)]))
            })
        httpErrors = counter("voxface_http_client_errors_total")
        batchRequests = counter("voxface_batch_requests_total")
    }

    func dropRTP(_ reason: String) { rtpDropped[reason]?.increment() }
    func rejectWebSocket(_ reason: String) { websocketRejected[reason]?.increment() }

    /// The Prometheus text exposition.
    public func render() -> [UInt8] { registry.emitToBuffer() }
}
