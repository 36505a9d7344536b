import Foundation
import Testing
import VoxMedia

#if canImport(Glibc)
    import Glibc
#endif

/// Interop with an independent SRTP implementation: Debian's ffmpeg (libavformat's `srtp` protocol).
/// ffmpeg starts at sequence 65500 so that both directions cross a wrap (ROC 0 → 1).
@Suite(.enabled(if: FFmpeg.isAvailable, "needs /usr/bin/ffmpeg and /proc/net/udp"))
struct SRTPFFmpegTests {
    @Test func weUnprotectWhatFFmpegProtects() throws {
        let key = try SRTPMasterKey.random()
        let media = try LoopbackUDP()
        let control = try LoopbackUDP()
        let result = try FFmpeg.run(
            FFmpeg.sineToRTP + [
                "-srtp_out_suite", "AES_CM_128_HMAC_SHA1_80", "-srtp_out_params", key.base64,
                "srtp://127.0.0.1:\(media.port)?rtcpport=\(control.port)",
            ])
        #expect(result.status == 0, "\(result.errors)")
        let packets = media.drain()
        #expect((45...60).contains(packets.count), "one second of 20 ms Opus frames")

        var receiver = try SRTPContext(masterKey: key)
        var expected: UInt16 = 65_500
        for (number, packet) in packets.enumerated() {
            let rtp = try unprotect(&receiver, packet)
            #expect(rtp[0] >> 6 == 2 && rtp[1] & 0x7F == 97, "packet \(number): version 2, payload type 97")
            #expect(rtp[8...11].elementsEqual(bigEndian(1234, bytes: 4)), "packet \(number): SSRC 1234")
            #expect(UInt16(rtp[2]) << 8 | UInt16(rtp[3]) == expected, "packet \(number): consecutive sequence")
            expected &+= 1
        }
        #expect(receiver.receiveWindow.rolloverCounter == 1, "ffmpeg raised its ROC at the wrap")

        var stranger = try SRTPContext(masterKey: SRTPMasterKey.random())
        for packet in packets {
            #expect(throws: SRTPError.authenticationFailed) { try unprotect(&stranger, packet) }
        }
        // ffmpeg sends its RTCP sender reports as SRTCP to the RTCP port, never to the media port.
        #expect(!control.drain().isEmpty)
    }

    /// ffmpeg decodes what we protect; with every tag damaged it must decode nothing, which shows
    /// it checks the tags and so that ours are right.
    @Test(arguments: [false, true])
    func ffmpegUnprotectsWhatWeProtect(damagedTags: Bool) throws {
        let plainSource = try LoopbackUDP()
        let sink = try LoopbackUDP()
        let made = try FFmpeg.run(FFmpeg.sineToRTP + ["rtp://127.0.0.1:\(plainSource.port)?rtcpport=\(sink.port)"])
        #expect(made.status == 0, "\(made.errors)")
        let plain = plainSource.drain()
        #expect(plain.count >= 45)

        let key = try SRTPMasterKey.random()
        var sender = try SRTPContext(masterKey: key)
        let packets = plain.map { rtp in
            var srtp = protect(&sender, rtp)
            if damagedTags { srtp[srtp.count - 1] ^= 0x01 }
            return srtp
        }
        #expect(sender.sendWindow.rolloverCounter == 1)

        let decoded = try FFmpeg.receive(packets, key: key)
        let second = 48_000 * 2  // mono s16le bytes
        if damagedTags {
            #expect(decoded == 0, "ffmpeg decoded \(decoded) bytes from packets with bad tags")
        } else {
            #expect(decoded >= second * 95 / 100, "ffmpeg decoded \(decoded) bytes, expected about \(second)")
        }
    }
}

/// Runs /usr/bin/ffmpeg.
enum FFmpeg {
    static let path = "/usr/bin/ffmpeg"
    static var isAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: path) && FileManager.default.fileExists(atPath: "/proc/net/udp")
    }

    /// One second of 440 Hz as Opus in RTP, payload type 97, SSRC 1234, starting at sequence 65500.
    static let sineToRTP = [
        "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-ac", "1", "-ar", "48000",
        "-c:a", "libopus", "-payload_type", "97", "-ssrc", "1234", "-seq", "65500", "-f", "rtp",
    ]

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs ffmpeg to completion.
    static func run(_ arguments: [String]) throws -> (status: Int32, errors: String) {
        let process = try start(arguments)
        let errors = (process.standardError as! Pipe).fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: errors, as: UTF8.self))
    }

    /// Feeds `packets` to an ffmpeg that reads SRTP as an SDP with `a=crypto` describes it and
    /// decodes to mono 48 kHz s16le; returns the bytes it decoded.
    static func receive(_ packets: [[UInt8]], key: SRTPMasterKey) throws -> Int {
        let port = try LoopbackUDP.freePortPair()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("srtp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let sdp = directory.appendingPathComponent("in.sdp")
        let output = directory.appendingPathComponent("out.raw")
        try """
        v=0
        o=- 0 0 IN IP4 127.0.0.1
        s=voxface test
        c=IN IP4 127.0.0.1
        t=0 0
        m=audio \(port) RTP/SAVP 97
        a=rtpmap:97 opus/48000/2
        a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\(key.base64)

        """.write(to: sdp, atomically: true, encoding: .utf8)
        // listen_timeout: ffmpeg ends three seconds after the last packet.
        let process = try start([
            "-hide_banner", "-loglevel", "error", "-protocol_whitelist", "file,udp,rtp,srtp", "-listen_timeout", "3",
            "-i", sdp.path, "-f", "s16le", "-ac", "1", "-ar", "48000", output.path,
        ])
        defer { if process.isRunning { process.terminate() } }
        try waitUntil("ffmpeg binds UDP port \(port)") {
            if !process.isRunning {
                let errors = (process.standardError as? Pipe)?.fileHandleForReading.readDataToEndOfFile() ?? Data()
                throw Failure(description: "ffmpeg exited before binding \(port): \(String(decoding: errors, as: UTF8.self))")
            }
            return isBound(port)
        }
        let source = try LoopbackUDP()
        for packet in packets { try source.send(packet, to: port) }
        try waitUntil("ffmpeg exits") { !process.isRunning }
        // No output file at all when nothing decoded.
        return (try? FileManager.default.attributesOfItem(atPath: output.path)[.size] as? Int) ?? 0
    }

    private static func start(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice  // ffmpeg prints the SDP here
        process.standardError = Pipe()
        try process.run()
        return process
    }

    /// Whether some socket is bound to UDP `port` (Linux's /proc/net/udp lists ports in hex).
    private static func isBound(_ port: UInt16) -> Bool {
        // IPv4 or IPv6: ffmpeg's wildcard bind may be either.
        // (Read to the end: these files report size 0, and a one-page read misses later sockets.)
        let tables = ["/proc/net/udp", "/proc/net/udp6"].compactMap { path in
            FileHandle(forReadingAtPath: path).map { String(decoding: $0.readDataToEndOfFile(), as: UTF8.self) }
        }
        let table = tables.joined(separator: "\n")
        let suffix = ":" + String(port, radix: 16, uppercase: true).leftPadded(to: 4)
        return table.split(separator: "\n").contains { line in
            line.split(separator: " ").dropFirst().first?.hasSuffix(suffix) ?? false
        }
    }

    /// Polls an external process's progress every 10 ms, for at most 20 s.
    private static func waitUntil(_ what: String, _ condition: () throws -> Bool) throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while try !condition() {
            guard ContinuousClock.now < deadline else { throw Failure(description: "timed out waiting until \(what)") }
            usleep(10_000)
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

/// A UDP socket bound to 127.0.0.1 (plain POSIX calls).
final class LoopbackUDP {
    let descriptor: Int32
    let port: UInt16

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Binds `port` (0: any free port).
    init(port: UInt16 = 0) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var bufferSize: Int32 = 1 << 20  // room for a second of packets while ffmpeg runs
        setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &bufferSize, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.loopback(port: port)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            close(descriptor)
            throw Failure(description: "bind 127.0.0.1:\(port): errno \(errno)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        self.descriptor = descriptor
        self.port = UInt16(bigEndian: address.sin_port)
    }

    deinit { close(descriptor) }

    /// A port whose successor is free too (RTP on it, RTCP on the next), released for ffmpeg.
    static func freePortPair() throws -> UInt16 {
        for _ in 0..<50 {
            let first = try LoopbackUDP()
            if first.port < UInt16.max, (try? LoopbackUDP(port: first.port + 1)) != nil { return first.port }
        }
        throw Failure(description: "no free pair of UDP ports")
    }

    /// Every datagram already queued, without waiting.
    func drain() -> [[UInt8]] {
        var datagrams: [[UInt8]] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            guard count >= 0 else { return datagrams }
            datagrams.append(Array(buffer[..<count]))
        }
    }

    /// Sends one datagram to 127.0.0.1:`port`.
    func send(_ bytes: [UInt8], to port: UInt16) throws {
        var address = Self.loopback(port: port)
        let sent = withUnsafePointer(to: &address) { address in
            address.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bytes.withUnsafeBytes {
                    sendto(descriptor, $0.baseAddress, $0.count, 0, address, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        guard sent == bytes.count else { throw Failure(description: "sendto: errno \(errno)") }
    }

    private static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }
}
