import NIOCore
import NIOPosix
import VoxLoad
import VoxMedia

/// Records each Live Link datagram's frame number and arrival time in its target's log.
final class LiveLinkReceiveHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let log: FrameLog

    init(log: FrameLog) { self.log = log }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let now = Monotonic.now()
        let envelope = unwrapInboundIn(data)
        let frame = envelope.data.withUnsafeReadableBytes { LiveLinkFacePacket($0)?.frameNumber }
        if let frame { log.record(frame: Int(frame), at: now) } else { log.recordMalformed() }
    }
}

/// Live Link targets: one loopback UDP socket each, all on one event loop group (no thread per socket).
enum LiveLinkReceivers {
    /// Binds a socket on `host` port 0 logging into `log`; returns the channel and its port.
    static func bind(host: String, log: FrameLog, group: any EventLoopGroup) async throws -> (channel: any Channel, port: Int) {
        let channel = try await DatagramBootstrap(group: group)
            .channelOption(.socketOption(.so_rcvbuf), value: 1 << 20)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 2048))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(LiveLinkReceiveHandler(log: log)) }
            }
            .bind(host: host, port: 0).get()
        guard let port = channel.localAddress?.port else { throw LoadError.io("Live Link socket has no port") }
        return (channel, port)
    }
}
