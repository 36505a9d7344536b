import Glibc
import Synchronization
import VoxLoad
import VoxMedia

/// Set by SIGINT/SIGTERM: the run stops sending, measures what it has, and deletes its streams.
let interrupted = Atomic<Bool>(false)

/// Where one stream's packets go.
enum PacketSink: Sendable {
    /// A UDP socket connected to the server's RTP port, with the stream's RTP header fields.
    case rtp(RTPSocket)
    /// The stream's audio WebSocket task, fed packet indices; it records the send time itself.
    case webSocket(AsyncStream<(packet: Int, due: Nanoseconds)>.Continuation)
}

/// A connected UDP socket for one stream's RTP packets (one source address per stream, as the
/// server binds a stream to the first packet's source).
final class RTPSocket: Sendable {
    let fd: Int32
    let ssrc: UInt32
    let firstSequence: UInt16
    let firstTimestamp: UInt32
    let payloadType: Int

    /// A socket connected to `host`:`port`; random first sequence number and timestamp (so runs
    /// cross the wrap points sometimes, as real senders do).
    init(host: String, port: Int, ssrc: UInt32, payloadType: Int = 97) throws(LoadError) {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let info = list else { throw .io("cannot resolve \(host)") }
        defer { freeaddrinfo(list) }
        let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
        guard fd >= 0 else { throw .io("UDP socket: \(errnoText())") }
        guard connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
            close(fd)
            throw .io("UDP connect to \(host):\(port): \(errnoText())")
        }
        var buffer: Int32 = 1 << 20
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buffer, socklen_t(MemoryLayout<Int32>.size))
        self.fd = fd
        self.ssrc = ssrc
        self.payloadType = payloadType
        firstSequence = UInt16.random(in: 0...UInt16.max)
        firstTimestamp = UInt32.random(in: 0...UInt32.max)
    }

    deinit { close(fd) }

    /// Sends packet `index` carrying `payload`.
    func send(packet index: Int, samplesPerPacket: Int, payload: [UInt8]) {
        let datagram = RTPPacket.encode(
            payloadType: payloadType, sequence: firstSequence &+ UInt16(truncatingIfNeeded: index),
            timestamp: firstTimestamp &+ UInt32(truncatingIfNeeded: index * samplesPerPacket), ssrc: ssrc, marker: index == 0,
            payload: payload)
        _ = datagram.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }
}

/// Runs the whole schedule on one thread: sleeps until each event's absolute deadline, then sends.
struct PacketSender: Sendable {
    let schedule: SendSchedule
    let sinks: [PacketSink]
    let logs: [SendLog]
    let packets: AudioPackets
    let samplesPerPacket: Int

    /// Sends every event relative to `start`; returns early when interrupted.
    func run(start: Nanoseconds) {
        for event in schedule.events {
            if interrupted.load(ordering: .relaxed) { break }
            let due = start + event.due
            Monotonic.sleep(until: due)
            let s = Int(event.stream)
            let j = Int(event.packet)
            switch sinks[s] {
            case .rtp(let socket):
                logs[s].record(packet: j, at: Monotonic.now(), due: due)
                socket.send(packet: j, samplesPerPacket: samplesPerPacket, payload: packets.payloads[j])
            case .webSocket(let queue):
                queue.yield((j, due))
            }
        }
        for sink in sinks { if case .webSocket(let queue) = sink { queue.finish() } }
    }
}
