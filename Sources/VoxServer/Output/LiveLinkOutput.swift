import NIOCore
import NIOPosix
import Synchronization
import VoxMedia

/// The UDP sockets Live Link Face packets leave from (one IPv4, one IPv6 when the host has it).
final class LiveLinkSocket: Sendable {
    private let v4: any Channel
    private let v6: (any Channel)?

    init(group: any EventLoopGroup) async throws {
        let bootstrap = DatagramBootstrap(group: group).channelOption(.socketOption(.so_reuseaddr), value: 1)
        v4 = try await bootstrap.bind(host: "0.0.0.0", port: 0).get()
        v6 = try? await bootstrap.bind(host: "::", port: 0).get()
    }

    func send(_ bytes: [UInt8], to address: SocketAddress) {
        let channel: any Channel
        switch address {
        case .v6: guard let v6 else { return }; channel = v6
        default: channel = v4
        }
        let buffer = channel.allocator.buffer(bytes: bytes)
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: address, data: buffer), promise: nil)
    }

    func close() async {
        try? await v4.close()
        try? await v6?.close()
    }
}

/// One Live Link Face receiver (an Unreal editor, say) subscribed to a stream's frames: a bus
/// subscriber whose queue drops the oldest frames when the socket falls behind.
final class LiveLinkTarget: Sendable {
    let id: String
    let host: String
    let port: Int
    let subject: String
    let address: SocketAddress
    let subscription: Subscription
    private let sent = Atomic<Int>(0)
    private let task = Mutex<Task<Void, Never>?>(nil)

    init(
        id: String, host: String, port: Int, subject: String, address: SocketAddress, encoder: LiveLinkFaceEncoder,
        subscription: Subscription, socket: LiveLinkSocket, metrics: ServerMetrics
    ) {
        self.id = id
        self.host = host
        self.port = port
        self.subject = subject
        self.address = address
        self.subscription = subscription
        let work = Task { [self] in
            var packet: [UInt8] = []
            for await message in subscription {
                switch message {
                case .face(let frame):
                    frame.values.span.withUnsafeBufferPointer { values in
                        encoder.encode(frameNumber: Int32(truncatingIfNeeded: frame.index), modelValues: values, into: &packet)
                    }
                    socket.send(packet, to: address)
                    sent.add(1, ordering: .relaxed)
                    metrics.liveLinkPackets.increment()
                case .stream(.closed): return
                case .stream: continue
                }
            }
        }
        task.withLock { $0 = work }
    }

    /// Packets sent so far.
    var framesSent: Int { sent.load(ordering: .relaxed) }

    func stop() { task.withLock { $0?.cancel() } }

    var json: LiveLinkTargetInfo {
        LiveLinkTargetInfo(
            id: id, host: host, port: port, subject: subject, framesSent: framesSent, framesDropped: subscription.droppedCount)
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
