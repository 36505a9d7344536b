import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOHTTPTypes

/// How long a client may take to send what it owes: the deadlines that keep slow clients
/// (slowloris) from holding connections open without finishing a request.
struct RequestDeadlines: Sendable {
    /// From a connection's start (TLS handshake included) to the end of its first request's
    /// head. Later heads on a kept-alive connection fall under the HTTP idle timeout.
    var head: TimeAmount
    /// From a request's head to the end of its body.
    var body: TimeAmount
    /// Counts each connection closed for missing a deadline (`header_timeout`, `body_timeout`).
    var refused: @Sendable (String) -> Void
}

/// Closes a connection whose first request head has not fully arrived by the deadline. Sits in
/// front of the HTTP decoder (behind TLS), watches the raw bytes for the blank line that ends
/// the head, and leaves the pipeline once it has seen it.
final class HeadDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let deadline: TimeAmount
    private let refused: @Sendable (String) -> Void
    private var timer: Scheduled<Void>?
    private var scanner = HeadEndScanner()

    init(deadline: TimeAmount, refused: @escaping @Sendable (String) -> Void) {
        self.deadline = deadline
        self.refused = refused
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let loop = context.eventLoop.assumeIsolated()
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        timer = loop.scheduleTask(in: deadline) { [refused] in
            refused("header_timeout")
            bound.value.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let ended = unwrapInboundIn(data).withUnsafeReadableBytes { scanner.scan($0) }
        context.fireChannelRead(data)
        if ended {
            timer?.cancel()
            timer = nil
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
    }
}

/// Finds the end of an HTTP head (CRLF CRLF, or LF LF as lenient parsers accept) across reads.
/// Empty lines before the request line do not count, so a client cannot pass the deadline
/// by sending blank lines alone.
struct HeadEndScanner {
    /// Line feeds seen since the last byte that was neither CR nor LF.
    private var feeds = 0
    private var started = false

    /// Scans `bytes`; true once the head has ended.
    mutating func scan(_ bytes: UnsafeRawBufferPointer) -> Bool {
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\n"):
                feeds += 1
                if started && feeds >= 2 { return true }
            case UInt8(ascii: "\r"):
                continue
            default:
                started = true
                feeds = 0
            }
        }
        return false
    }
}

/// Closes a connection whose request body has not fully arrived within the deadline after its
/// head. Added behind the HTTP decoder, so it never sees WebSocket traffic.
final class BodyDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let deadline: TimeAmount
    private let refused: @Sendable (String) -> Void
    private var timer: Scheduled<Void>?

    init(deadline: TimeAmount, refused: @escaping @Sendable (String) -> Void) {
        self.deadline = deadline
        self.refused = refused
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            timer?.cancel()
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            timer = context.eventLoop.assumeIsolated().scheduleTask(in: deadline) { [refused] in
                refused("body_timeout")
                bound.value.close(promise: nil)
            }
        case .end:
            timer?.cancel()
            timer = nil
        case .body:
            break
        }
        context.fireChannelRead(data)
    }
}

/// The HTTP/1.1 and WebSocket channel with the request deadlines in its pipeline.
struct DeadlineGuardedChannel: ServerChildChannel {
    typealias Value = HTTP1WebSocketUpgradeChannel.Value
    let inner: HTTP1WebSocketUpgradeChannel
    let deadlines: RequestDeadlines

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        do {
            try channel.pipeline.syncOperations.addHandler(HeadDeadlineHandler(deadline: deadlines.head, refused: deadlines.refused))
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return inner.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async { await inner.handle(value: value, logger: logger) }
}
