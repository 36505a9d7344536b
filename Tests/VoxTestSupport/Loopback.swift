#if canImport(Glibc)
    import Glibc
#endif

/// Why a loopback connection could not be made.
public enum LoopbackError: Error {
    /// socket() failed.
    case socket
    /// Nothing accepted the connection.
    case connect(port: Int)
}

/// A TCP connection to 127.0.0.1:`port` (blocking, with a receive timeout); `receiveBuffer` set
/// before connecting fixes the socket's receive buffer.
public func connectLoopback(port: Int, receiveBuffer: Int32?, timeoutSeconds: Int) throws -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw LoopbackError.socket }
    if var size = receiveBuffer { setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size)) }
    var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else {
        close(fd)
        throw LoopbackError.connect(port: port)
    }
    return fd
}

/// Opens a WebSocket on loopback over a plain blocking socket, sends `messages` (each `(opcode,
/// payload)`, masked as a client must) right after the handshake, and reads until the server's
/// close frame: its close code, or nil when the connection ended without one (30 s receive
/// timeout). Independent of any WebSocket library, for the refusal tests: the library client can
/// miss a close frame that arrives in the same read as the 101 response and then wait forever.
public func webSocketCloseCode(port: Int, _ path: String, messages: [(opcode: UInt8, payload: [UInt8])] = []) throws -> Int? {
    let fd = try connectLoopback(port: port, receiveBuffer: nil, timeoutSeconds: 30)
    defer { close(fd) }
    var request = Array(
        ("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").utf8)
    let mask: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]
    for (opcode, payload) in messages {
        request.append(0x80 | opcode)
        if payload.count < 126 {
            request.append(0x80 | UInt8(payload.count))
        } else if payload.count < 65536 {
            request += [0x80 | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        } else {
            request.append(0x80 | 127)
            request += (0..<8).reversed().map { UInt8((UInt64(payload.count) >> (8 * UInt64($0))) & 0xFF) }
        }
        request += mask
        request += payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
    }
    var sent = 0
    while sent < request.count {
        let n = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        if n <= 0 { break }
        sent += n
    }
    var received: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    var frames: Int?  // where the frames start, once the 101 head is in
    while true {
        if frames == nil,
            let end = received.indices.first(where: { i in i + 3 < received.count && received[i..<i + 4].elementsEqual([13, 10, 13, 10]) })
        {
            guard String(decoding: received[0..<end], as: UTF8.self).hasPrefix("HTTP/1.1 101") else { return nil }
            frames = end + 4
        }
        // Server frames are unmasked: [fin|opcode][length] (126: 16-bit length) payload.
        var at = frames ?? received.count
        while at + 2 <= received.count {
            var length = Int(received[at + 1] & 0x7F)
            var header = 2
            if length == 126 {
                guard at + 4 <= received.count else { break }
                length = Int(received[at + 2]) << 8 | Int(received[at + 3])
                header = 4
            }
            guard at + header + length <= received.count else { break }
            if received[at] & 0x0F == 0x8 {
                return length >= 2 ? Int(received[at + header]) << 8 | Int(received[at + header + 1]) : nil
            }
            at += header + length
        }
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n <= 0 { return nil }
        received += chunk[0..<n]
    }
}
