import Glibc
import Synchronization
import VoxLoad
import VoxMedia

/// Live Link targets: one UDP socket each, all read by one thread, every datagram stamped by the
/// kernel as it arrived (`SO_TIMESTAMPNS`). Latency and fan-out spread then measure the server and
/// the network, not how late this loop got round to a socket: with 1000 targets on a busy
/// machine the loop's own delay was most of the spread.
///
/// Thread-safety: ``add(host:log:)`` before ``start()``; then only the reader thread touches the
/// sockets and the logs until ``stop()`` returns.
final class LiveLinkReceivers: @unchecked Sendable {
    private var sockets: [pollfd] = []
    private var logs: [FrameLog] = []
    private let running = Atomic<Bool>(false)
    private var thread: pthread_t?
    /// Datagrams without a kernel timestamp (stamped on reading instead).
    private(set) var unstamped = 0

    /// A socket on `host`, port 0, logging into `log`; returns its port.
    func add(host: String, log: FrameLog) throws -> Int {
        precondition(!running.load(ordering: .relaxed), "add receivers before start()")
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw LoadError.io("Live Link socket: \(String(cString: strerror(errno)))") }
        var on: Int32 = 1
        var buffer: Int32 = 1 << 20
        setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            close(fd)
            throw LoadError.io("Live Link receivers bind to an IPv4 address, not '\(host)'")
        }
        var size = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, size) == 0 && getsockname(fd, $0, &size) == 0 }
        }
        guard bound else {
            close(fd)
            throw LoadError.io("Live Link socket bind on \(host): \(String(cString: strerror(errno)))")
        }
        sockets.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0))
        logs.append(log)
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Starts the reader thread.
    func start() {
        running.store(true, ordering: .sequentiallyConsistent)
        let box = Unmanaged.passRetained(self)
        var created = pthread_t()
        let status = pthread_create(
            &created, nil,
            { raw in
                let receivers = Unmanaged<LiveLinkReceivers>.fromOpaque(raw!).takeRetainedValue()
                receivers.readLoop()
                return nil
            }, box.toOpaque())
        precondition(status == 0, "pthread_create failed: \(status)")
        thread = created
    }

    /// Stops the reader thread, waits for it and closes the sockets.
    func stop() {
        if running.exchange(false, ordering: .sequentiallyConsistent), let thread { pthread_join(thread, nil) }
        thread = nil
        for s in sockets { close(s.fd) }
        sockets = []
    }

    private func readLoop() {
        let clock = RealtimeToMonotonic()
        let datagram = UnsafeMutableRawBufferPointer.allocate(byteCount: 2048, alignment: 16)
        let control = UnsafeMutableRawBufferPointer.allocate(byteCount: 128, alignment: 16)
        defer {
            datagram.deallocate()
            control.deallocate()
        }
        while running.load(ordering: .relaxed) {
            let ready = poll(&sockets, nfds_t(sockets.count), 50)
            guard ready > 0 else { continue }
            for k in sockets.indices where sockets[k].revents & Int16(POLLIN) != 0 {
                while let (length, stamp) = receive(sockets[k].fd, into: datagram, control: control) {
                    let time = stamp.map(clock.monotonic) ?? Monotonic.now()
                    if stamp == nil { unstamped += 1 }
                    let frame = LiveLinkFacePacket(UnsafeRawBufferPointer(rebasing: datagram[0..<length]))?.frameNumber
                    if let frame { logs[k].record(frame: Int(frame), at: time) } else { logs[k].recordMalformed() }
                }
            }
        }
    }

    /// One datagram from `fd` and its kernel arrival time (CLOCK_REALTIME, ns); nil when none is waiting.
    private func receive(
        _ fd: Int32, into datagram: UnsafeMutableRawBufferPointer, control: UnsafeMutableRawBufferPointer
    ) -> (Int, Int64?)? {
        var vector = iovec(iov_base: datagram.baseAddress, iov_len: datagram.count)
        var message = msghdr()
        let length = withUnsafeMutablePointer(to: &vector) { vectorPointer -> Int in
            message.msg_iov = vectorPointer
            message.msg_iovlen = 1
            message.msg_control = control.baseAddress
            message.msg_controllen = control.count
            return recvmsg(fd, &message, Int32(MSG_DONTWAIT))
        }
        guard length >= 0 else { return nil }
        return (length, Self.timestamp(in: message, control: control))
    }

    /// The `SCM_TIMESTAMPNS` control message's time, if the kernel attached one.
    private static func timestamp(in message: msghdr, control: UnsafeMutableRawBufferPointer) -> Int64? {
        let header = MemoryLayout<cmsghdr>.size
        var offset = 0
        let end = min(Int(message.msg_controllen), control.count)
        while offset + header <= end {
            let cmsg = control.load(fromByteOffset: offset, as: cmsghdr.self)
            let length = Int(cmsg.cmsg_len)
            guard length >= header, offset + length <= end else { return nil }
            if cmsg.cmsg_level == SOL_SOCKET && cmsg.cmsg_type == SO_TIMESTAMPNS,
                length >= header + MemoryLayout<timespec>.size
            {
                let ts = control.loadUnaligned(fromByteOffset: offset + header, as: timespec.self)
                return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
            }
            offset += (length + 7) & ~7  // CMSG_ALIGN on 64-bit
        }
        return nil
    }
}

/// Maps CLOCK_REALTIME nanoseconds (kernel packet stamps) onto voxload's CLOCK_MONOTONIC: the
/// offset is read once, as the smallest of a few back-to-back readings (an hour's run drifts by
/// what NTP slews, microseconds).
struct RealtimeToMonotonic {
    let offset: Int64

    init() {
        var best = Int64.max
        var chosen: Int64 = 0
        for _ in 0..<5 {
            let before = Monotonic.now()
            var real = timespec()
            clock_gettime(CLOCK_REALTIME, &real)
            let after = Monotonic.now()
            if after - before < best {
                best = after - before
                chosen = (before + after) / 2 - (Int64(real.tv_sec) * 1_000_000_000 + Int64(real.tv_nsec))
            }
        }
        offset = chosen
    }

    func monotonic(_ realtime: Int64) -> Nanoseconds { Nanoseconds(realtime + offset) }
}
