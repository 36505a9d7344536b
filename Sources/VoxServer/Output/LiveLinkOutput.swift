import NIOCore
import NIOPosix
import Synchronization
import VoxMedia

/// The UDP sockets Live Link Face packets leave from: one IPv4 socket per event loop (a frame's
/// packets to many targets are split over them and sent in parallel, which halves the spread
/// between the first and the last target on two cores), and one IPv6 socket when the host has it.
final class LiveLinkSocket: Sendable {
    private let v4: [any Channel]
    private let v6: (any Channel)?

    init(group: any EventLoopGroup, loops: Int) async throws {
        let bootstrap = DatagramBootstrap(group: group).channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.socketOption(.so_sndbuf), value: 4 << 20)
        var sockets: [any Channel] = []
        // Binding takes the group's loops in turn, so `loops` binds give one socket per loop.
        for _ in 0..<max(1, loops) { sockets.append(try await bootstrap.bind(host: "0.0.0.0", port: 0).get()) }
        v4 = sockets
        v6 = try? await bootstrap.bind(host: "::", port: 0).get()
    }

    /// A buffer for one packet.
    func buffer(_ bytes: [UInt8]) -> ByteBuffer { v4[0].allocator.buffer(bytes: bytes) }

    /// Sends every packet of `batch`: a contiguous share per socket, each in one turn of its event
    /// loop with one flush, so the kernel gets them back to back (sendmmsg) and every target of a
    /// frame receives it at nearly the same time.
    func send(_ batch: [(SocketAddress, ByteBuffer)]) {
        var v4Batches = [[AddressedEnvelope<ByteBuffer>]](repeating: [], count: v4.count)
        var v6Batch: [AddressedEnvelope<ByteBuffer>] = []
        for (k, (address, buffer)) in batch.enumerated() {
            if case .v6 = address {
                v6Batch.append(.init(remoteAddress: address, data: buffer))
            } else {
                // Contiguous shares: each socket sends a run of targets, in the targets' order.
                v4Batches[k * v4.count / batch.count].append(.init(remoteAddress: address, data: buffer))
            }
        }
        for (channel, envelopes) in zip(v4, v4Batches) { Self.write(envelopes, on: channel) }
        if let v6 { Self.write(v6Batch, on: v6) }
    }

    /// Writes `envelopes` on `channel`'s event loop and flushes once.
    private static func write(_ envelopes: [AddressedEnvelope<ByteBuffer>], on channel: any Channel) {
        guard !envelopes.isEmpty else { return }
        channel.eventLoop.execute {
            for envelope in envelopes { channel.write(envelope, promise: nil) }
            channel.flush()
        }
    }

    func close() async {
        for channel in v4 { try? await channel.close() }
        try? await v6?.close()
    }
}

/// One Live Link Face receiver (an Unreal editor, say) of a stream's frames.
final class LiveLinkTarget: Sendable {
    let id: String
    let host: String
    let port: Int
    let subject: String
    let address: SocketAddress
    let encoder: LiveLinkFaceEncoder
    private let sent = Atomic<Int>(0)
    /// The fan-out's dropped count when this target joined.
    let droppedBefore: Int

    init(id: String, host: String, port: Int, subject: String, address: SocketAddress, encoder: LiveLinkFaceEncoder, droppedBefore: Int) {
        self.id = id
        self.host = host
        self.port = port
        self.subject = subject
        self.address = address
        self.encoder = encoder
        self.droppedBefore = droppedBefore
    }

    /// Packets sent so far.
    var framesSent: Int { sent.load(ordering: .relaxed) }
    func countSent() { sent.add(1, ordering: .relaxed) }
}

/// A stream's Live Link targets behind one bus subscription: each frame is encoded for every
/// target (its own subject name) and the packets leave in one batch, so a thousand targets cost
/// one queue and one event-loop turn per frame, and receive the frame within a millisecond or two
/// of each other. When the sending falls behind, the subscription drops the oldest frames for all
/// targets alike (counted).
final class LiveLinkFanOut: Sendable {
    let subscription: Subscription
    private let targets = Mutex<[LiveLinkTarget]>([])
    private let task = Mutex<Task<Void, Never>?>(nil)

    init(subscription: Subscription, socket: LiveLinkSocket, metrics: ServerMetrics) {
        self.subscription = subscription
        let work = Task { [self] in
            var packet: [UInt8] = []
            var batch: [(SocketAddress, ByteBuffer)] = []
            for await message in subscription {
                switch message {
                case .face(let frame):
                    let list = targets.withLock { $0 }
                    batch.removeAll(keepingCapacity: true)
                    frame.values.span.withUnsafeBufferPointer { values in
                        for target in list {
                            target.encoder.encode(frameNumber: Int32(truncatingIfNeeded: frame.index), modelValues: values, into: &packet)
                            batch.append((target.address, socket.buffer(packet)))
                            target.countSent()
                        }
                    }
                    socket.send(batch)
                    metrics.liveLinkPackets.increment(by: list.count)
                case .stream(.closed): return
                case .stream, .event: continue
                }
            }
        }
        task.withLock { $0 = work }
    }

    /// The targets now.
    var list: [LiveLinkTarget] { targets.withLock { $0 } }

    /// Adds a target made by `make` unless the stream already has `limit`.
    func add(limit: Int, _ make: (_ droppedBefore: Int) -> LiveLinkTarget) throws(APIError) -> LiveLinkTarget {
        let dropped = subscription.droppedCount
        return try targets.withLock { list throws(APIError) -> LiveLinkTarget in
            guard list.count < limit else {
                throw APIError(.conflict, "too_many_targets", "a stream has at most \(limit) Live Link targets")
            }
            let target = make(dropped)
            list.append(target)
            return target
        }
    }

    /// Removes target `id`; false if there is none.
    func remove(id: String) -> Bool {
        targets.withLock { list in
            guard let i = list.firstIndex(where: { $0.id == id }) else { return false }
            list.remove(at: i)
            return true
        }
    }

    func stop() { task.withLock { $0?.cancel() } }

    func json(_ target: LiveLinkTarget) -> LiveLinkTargetInfo {
        LiveLinkTargetInfo(
            id: target.id, host: target.host, port: target.port, subject: target.subject, framesSent: target.framesSent,
            framesDropped: subscription.droppedCount - target.droppedBefore)
    }
}

/// A Live Link target as the API shows it.
struct LiveLinkTargetInfo: Codable {
    var id: String
    var host: String
    var port: Int
    var subject: String
    var framesSent: Int
    var framesDropped: Int
    enum CodingKeys: String, CodingKey {
        case id, host, port, subject
        case framesSent = "frames_sent"
        case framesDropped = "frames_dropped"
    }
}
