import NIOCore
import NIOPosix
import VoxMedia

/// Reads RTP/Opus datagrams from the RTP port and hands each to its stream's jitter buffer.
/// Runs on a NIO event loop: parsing and a short copy only (SRTP streams: authentication and
/// decryption into a scratch buffer); decoding and the model run on the worker pool. Every
/// datagram refused is counted by reason.
final class RTPIngestHandler: ChannelInboundHandler, @unchecked Sendable {
    // Unchecked: `scratch` is written only by `handle`, which the datagram channel's one event
    // loop (or a test's single thread) calls one datagram at a time.
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let hub: StreamHub
    /// Where an SRTP packet is decrypted (a datagram is at most the 2,048 bytes read).
    private let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 2048, alignment: 8)

    init(hub: StreamHub) { self.hub = hub }

    deinit { scratch.deallocate() }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        envelope.data.withUnsafeReadableBytes { raw in handle(raw, from: envelope.remoteAddress) }
    }

    /// Handles one datagram; an SRTP stream's packet is authenticated and decrypted first.
    func handle(_ datagram: UnsafeRawBufferPointer, from source: SocketAddress) {
        let metrics = hub.metrics
        var raw = datagram
        var packet: RTPPacket
        do { packet = try RTPPacket.parse(raw) } catch {
            metrics.dropRTP("malformed")
            return
        }
        guard let stream = hub.registry.stream(ssrc: packet.ssrc) else {
            metrics.dropRTP("unknown_ssrc")
            return
        }
        if let srtp = stream.srtp {
            guard datagram.count <= scratch.count else {
                metrics.dropRTP("too_large")
                return
            }
            switch srtp.unprotect(datagram, into: scratch) {
            case .failure(let error):
                stream.countSRTPDrop(error)
                metrics.dropRTP(error.reason)
                return
            case .success(let count):
                raw = UnsafeRawBufferPointer(rebasing: scratch[..<count])
                do { packet = try RTPPacket.parse(raw) } catch {
                    metrics.dropRTP("malformed")
                    return
                }
            }
        }
        switch stream.offerRTP(packet, datagram: raw, from: source, now: MonotonicClock.now()) {
        case .dropped(let reason):
            metrics.dropRTP(reason)
        case .accepted(let outcome, let becameLive):
            metrics.rtpPackets.increment()
            switch outcome {
            case .late: metrics.dropRTP("jitter_late")
            case .duplicate: metrics.dropRTP("jitter_duplicate")
            case .overflow: metrics.dropRTP("jitter_overflow")
            case .accepted, .reset: break
            }
            if becameLive { hub.bus.publish(.stream(.live(id: stream.id, ingest: "rtp")), on: .streams) }
            if outcome.isStored { stream.requestWork() }
        }
    }

    /// Binds the RTP socket.
    static func bind(host: String, port: Int, hub: StreamHub, group: any EventLoopGroup) async throws -> any Channel {
        try await DatagramBootstrap(group: group)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.socketOption(.so_rcvbuf), value: 4 << 20)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 2048))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(RTPIngestHandler(hub: hub)) }
            }
            .bind(host: host, port: port).get()
    }
}
