import HummingbirdWSClient
import Logging
import NIOCore
import Synchronization
import VoxLoad

/// Frame subscribers and audio senders over the server's WebSockets.
enum WebSocketPeers {
    /// Subscribes to `url` (binary frames) and records each frame's arrival in `log` until the
    /// server closes the subscription; `connected` is called once the upgrade succeeded.
    static func subscribe(
        url: String, log: FrameLog, group: any EventLoopGroup, logger: Logger, connected: @escaping @Sendable () -> Void
    ) async throws {
        try await WebSocketClient.connect(url: url, eventLoopGroup: group, logger: logger) { inbound, _, _ in
            connected()
            for try await message in inbound.messages(maxSize: 1 << 16) {
                let now = Monotonic.now()
                switch message {
                case .binary(let buffer):
                    let header = buffer.withUnsafeReadableBytes { FrameMessageHeader($0) }
                    if let header {
                        log.record(frame: Int(header.frame), at: now, held: header.flags & 1 != 0)
                    } else {
                        log.recordMalformed()
                    }
                case .text:
                    return  // stream_closed: the subscription ends
                }
            }
        }
    }

    /// Declares Opus on the audio WebSocket `url`, calls `ready` once the server answered, then
    /// writes each packet index handed over by the sender thread, recording its send time in
    /// `log`, until the queue finishes and `stop` resolves (the run deletes the stream, which closes the socket).
    static func ingest(
        url: String, packets: AudioPackets, queue: AsyncStream<(packet: Int, due: Nanoseconds)>, log: SendLog, group: any EventLoopGroup,
        logger: Logger,
        ready: @escaping @Sendable () -> Void
    ) async throws {
        try await WebSocketClient.connect(url: url, eventLoopGroup: group, logger: logger) { inbound, outbound, _ in
            var messages = inbound.messages(maxSize: 1 << 16).makeAsyncIterator()
            try await outbound.write(.text("{\"format\":\"opus\"}"))
            guard case .text(let reply)? = try await messages.next(), reply.contains("\"ready\"") else {
                throw LoadError.server("the audio WebSocket did not answer the format declaration")
            }
            ready()
            for await (j, due) in queue {
                log.record(packet: j, at: Monotonic.now(), due: due)
                try await outbound.write(.binary(ByteBuffer(bytes: packets.payloads[j])))
            }
            // No `end` message: an ended stream leaves the registry, and its counters must still be
            // read. The server pads silence after the stall; the run then deletes the stream.
            while try await messages.next() != nil {}
        }
    }
}
