import Glibc
import VoxLoad

/// A blocking HTTP/1.1 client for the control API: one request per connection (`Connection:
/// close`), JSON bodies, a timeout on every socket call. Call it off the cooperative pool.
struct HTTPClient: Sendable {
    /// A reply's status and body.
    struct Reply {
        var status: Int
        var body: [UInt8]
        /// The `Retry-After` header, when the reply has one.
        var retryAfter: String? = nil
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    let server: ServerAddress
    var timeoutSeconds = 10
    var rateLimit = RateLimitRetry()

    /// Sends one request, again after the wait a 429 asks for (``RateLimitRetry``); throws on a
    /// connection or protocol failure (not on a 4xx or 5xx status).
    func request(_ method: String, _ path: String, body: String = "") throws(LoadError) -> Reply {
        var attempt = 0
        while true {
            let reply = try requestOnce(method, path, body: body)
            guard let wait = rateLimit.wait(status: reply.status, retryAfter: reply.retryAfter, attempt: attempt) else { return reply }
            attempt += 1
            usleep(UInt32(wait * 1e6))
        }
    }

    private func requestOnce(_ method: String, _ path: String, body: String) throws(LoadError) -> Reply {
        let fd = try connectSocket()
        defer { close(fd) }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(server.description.dropFirst("http://".count))\r\nConnection: close\r\n"
        if !body.isEmpty { head += "Content-Type: application/json\r\n" }
        head += "Content-Length: \(body.utf8.count)\r\n\r\n"
        let bytes = Array(head.utf8) + Array(body.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw .server("\(method) \(path): send failed (\(errnoText()))") }
            sent += n
        }
        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 { throw .server("\(method) \(path): no reply (\(errnoText()))") }
            if n == 0 { break }
            response += chunk[0..<n]
        }
        return try Self.parse(response, what: "\(method) \(path)")
    }

    /// Splits a raw HTTP/1.1 response into status and body (chunked bodies joined).
    static func parse(_ response: [UInt8], what: String) throws(LoadError) -> Reply {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let split = response.indices.first(where: { response[$0...].starts(with: separator) }) else {
            throw .server("\(what): no HTTP response")
        }
        let head = String(decoding: response[..<split], as: UTF8.self)
        let statusLine = head.split(separator: "\r\n").first ?? ""
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { throw .server("\(what): bad status line '\(statusLine)'") }
        var body = Array(response[(split + 4)...])
        if head.lowercased().contains("transfer-encoding: chunked") { body = dechunk(body) }
        return Reply(status: status, body: body, retryAfter: headerValue("Retry-After", in: head))
    }

    private static func dechunk(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            guard let lineEnd = (i..<max(i, bytes.count - 1)).first(where: { bytes[$0] == 13 && bytes[$0 + 1] == 10 }) else { break }
            let sizeText = String(decoding: bytes[i..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: " "), radix: 16), size > 0 else { break }
            out += bytes[(lineEnd + 2)..<min(bytes.count, lineEnd + 2 + size)]
            i = lineEnd + 2 + size + 2
        }
        return out
    }

    private func connectSocket() throws(LoadError) -> Int32 {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(server.host, String(server.port), &hints, &list) == 0, let first = list else {
            throw .server("cannot resolve \(server.host)")
        }
        defer { freeaddrinfo(list) }
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            if fd >= 0 {
                var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                if connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return fd }
                close(fd)
            }
            entry = info.pointee.ai_next
        }
        throw .server("cannot connect to \(server) (\(errnoText())); is `voxface serve` running?")
    }
}

/// The text of the current errno.
func errnoText() -> String { String(cString: strerror(errno)) }

extension Substring {
    fileprivate func trimmingCharacters(in set: Character) -> Substring {
        var s = self
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return s
    }
}
