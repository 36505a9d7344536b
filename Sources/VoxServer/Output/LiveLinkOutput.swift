import NIOCore
import NIOPosix
import Synchronization
import VoxMedia

/// The UDP sockets Live Link Face packets leave from: one IPv4 socket per event loop (a frame's
/// packets to many targets are split over them and sent in parallel, which halves the spread
/// between the first and the last target on two cores), and one IPv6 socket when the host has it.
final class LiveLinkSocket: Sendable {
    private let v4: [LiveLinkSender]
    private let v6: LiveLinkSender?

    init(group: any EventLoopGroup, loops: Int) async throws {
        let bootstrap = DatagramBootstrap(group: group).channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.socketOption(.so_sndbuf), value: 4 << 20)
        var senders: [LiveLinkSender] = []
        // Binding takes the group's loops in turn, so `loops` binds give one socket per loop.
        for _ in 0..<max(1, loops) { senders.append(LiveLinkSender(try await bootstrap.bind(host: "0.0.0.0", port: 0).get())) }
        v4 = senders
        v6 = (try? await bootstrap.bind(host: "::", port: 0).get()).map(LiveLinkSender.init)
    }

    /// Sends `frame` to every target of `targets`: each IPv4 socket takes a contiguous share of
    /// them (the IPv6 socket every IPv6 target), encodes their packets on its own event loop into
    /// a buffer only that loop uses, and writes them in one turn with one flush, so the kernel
    /// gets them back to back (sendmmsg) and every target receives the frame at nearly the same
    /// time. Nothing is allocated per target.
    func send(_ frame: FaceFrame, to targets: [LiveLinkTarget]) {
        guard !targets.isEmpty else { return }
        for (k, sender) in v4.enumerated() {
            let share = (k * targets.count / v4.count)..<((k + 1) * targets.count / v4.count)
            if !share.isEmpty { sender.send(frame, to: targets, share, family: .v4) }
        }
        // No hop to the IPv6 socket's loop for a frame with no IPv6 target (the usual case).
        if let v6, targets.contains(where: \.isV6) { v6.send(frame, to: targets, targets.indices, family: .v6) }
    }

    func close() async {
        for sender in v4 { try? await sender.channel.close() }
        try? await v6?.channel.close()
    }
}

/// One Live Link socket and the packet buffer its event loop reuses frame after frame.
private final class LiveLinkSender: @unchecked Sendable {
    enum Family { case v4, v6 }
    let channel: any Channel
    /// Touched only on `channel.eventLoop`.
    private var packets: ByteBuffer

    init(_ channel: any Channel) {
        self.channel = channel
        packets = channel.allocator.buffer(capacity: 0)
    }

    /// On the socket's event loop: encodes `frame` for the targets of `share` in `family`, then
    /// writes each packet as a view of the shared buffer and flushes once.
    func send(_ frame: FaceFrame, to targets: [LiveLinkTarget], _ share: Range<Int>, family: Family) {
        channel.eventLoop.execute { [self] in
            // The previous frame's views were written and released before this turn, so `clear`
            // keeps the storage; a write while a view is alive would copy, so views come after.
            packets.clear()
            var written = 0
            frame.values.span.withUnsafeBufferPointer { values in
                for target in targets[share] where target.isV6 == (family == .v6) {
                    let size = target.encoder.packetSize
                    packets.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { out in
                        target.encoder.encode(frameNumber: Int32(truncatingIfNeeded: frame.index), modelValues: values, into: out)
                        return size
                    }
                    written += 1
                }
            }
            guard written > 0 else { return }
            var offset = 0
            for target in targets[share] where target.isV6 == (family == .v6) {
                let size = target.encoder.packetSize
                channel.write(
                    AddressedEnvelope(remoteAddress: target.address, data: packets.getSlice(at: offset, length: size)!), promise: nil)
                offset += size
                target.countSent()
            }
            channel.flush()
        }
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
        if case .v6 = address { isV6 = true } else { isV6 = false }
        self.encoder = encoder
        self.droppedBefore = droppedBefore
    }

    /// Whether the target is reached over IPv6.
    let isV6: Bool

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
            for await message in subscription {
                switch message {
                case .face(let frame):
                    let list = targets.withLock { $0 }
                    socket.send(frame, to: list)
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
