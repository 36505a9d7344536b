import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// The request context of every route: Hummingbird's WebSocket-capable context plus the
/// connection's channel, so a WebSocket handler can bound its connection's buffers.
struct VoxRequestContext: RequestContext, WebSocketRequestContext {
    var coreContext: CoreRequestContextStorage
    let webSocket: WebSocketHandlerReference<Self>
    let channel: any Channel
    /// Who made the request (set by ``AuthMiddleware``; nil until then, or without a valid key
    /// on an open route).
    var principal: Principal?
    /// The API key the request came with, when keys are in use (the socket quota's key).
    var apiKey: String?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        channel = source.channel
    }

    /// Kernel send buffer of a frame subscriber's connection, bytes (Linux doubles it for its
    /// bookkeeping). Fixed instead of autotuned up to megabytes, so a subscriber that stops
    /// reading backs up into its bounded bus queue, where the oldest frames are dropped and
    /// counted, within seconds.
    static let subscriberSendBuffer: SocketOptionValue = 32 << 10
    /// NIO's pending-write watermarks for the same connections, bytes.
    static let subscriberWaterMark = ChannelOptions.Types.WriteBufferWaterMark(low: 16 << 10, high: 32 << 10)

    /// Bounds this connection's send buffers (see ``subscriberSendBuffer``).
    func boundSendBuffers() async {
        try? await channel.setOption(.socketOption(.so_sndbuf), value: Self.subscriberSendBuffer).get()
        try? await channel.setOption(.writeBufferWaterMark, value: Self.subscriberWaterMark).get()
    }
}
