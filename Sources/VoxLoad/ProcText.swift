/// Parsers for the Linux /proc files voxload reads to measure and find the server.
public enum ProcText {
    /// User + system CPU time in clock ticks from `/proc/PID/stat` (fields 14 and 15, counted after
    /// the parenthesised command name, which may itself hold spaces and parentheses).
    public static func cpuTicks(stat: String) -> Int? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] is the state (field 3); utime is field 14, stime field 15.
        guard fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]) else { return nil }
        return user + system
    }

    /// Resident set size in kB from `/proc/PID/status` (`VmRSS:   12345 kB`).
    public static func residentKilobytes(status: String) -> Int? {
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
        }
        return nil
    }

    /// The socket inodes listening on TCP `port` in a `/proc/net/tcp` or `/proc/net/tcp6` table.
    public static func listeningInodes(tcpTable: String, port: Int) -> [Int] {
        var inodes: [Int] = []
        for line in tcpTable.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ")
            // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
            guard fields.count > 9, let colon = fields[1].lastIndex(of: ":"),
                let localPort = Int(fields[1][fields[1].index(after: colon)...], radix: 16), localPort == port,
                fields[3] == "0A", let inode = Int(fields[9]), inode > 0
            else { continue }
            inodes.append(inode)
        }
        return inodes
    }

    /// The inode of a `/proc/PID/fd/N` link target `socket:[INODE]`.
    public static func socketInode(link: String) -> Int? {
        guard link.hasPrefix("socket:["), link.hasSuffix("]") else { return nil }
        return Int(link.dropFirst("socket:[".count).dropLast())
    }
}

/// Reads Prometheus text exposition (the server's `/metrics`).
public enum PrometheusText {
    /// The sum of every sample of metric `name` (all label sets), nil when absent.
    public static func sum(_ name: String, in text: String) -> Double? {
        var total: Double?
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard line.hasPrefix(name) else { continue }
            let rest = line.dropFirst(name.count)
            guard rest.first == " " || rest.first == "{", let value = line.split(separator: " ").last.flatMap({ Double($0) }) else {
                continue
            }
            total = (total ?? 0) + value
        }
        return total
    }
}

/// The header of a binary frame message from a frame WebSocket (Protocols/websocket.md): u64 frame
/// index, i64 audio time in microseconds, u32 flags, u32 value count, all little-endian.
public struct FrameMessageHeader: Sendable, Equatable {
    /// Frame index on the stream's audio timeline.
    public var frame: UInt64
    /// Audio time, microseconds.
    public var timeMicroseconds: Int64
    /// Bit 0 held, bit 1 last.
    public var flags: UInt32
    /// Values that follow.
    public var count: UInt32

    /// Bytes in the header.
    public static let size = 24

    /// Parses the first 24 bytes of a message that holds the header and `count` float32 values; nil otherwise.
    public init?(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= Self.size else { return nil }
        func le<T: FixedWidthInteger>(_ offset: Int, _: T.Type) -> T {
            var v: T = 0
            for i in (0..<MemoryLayout<T>.size).reversed() { v = v << 8 | T(bytes[offset + i]) }
            return v
        }
        frame = le(0, UInt64.self)
        timeMicroseconds = Int64(bitPattern: le(8, UInt64.self))
        flags = le(16, UInt32.self)
        count = le(20, UInt32.self)
        guard bytes.count == Self.size + 4 * Int(count) else { return nil }
    }

    /// True for the stream's last frame.
    public var isLast: Bool { flags & 2 != 0 }
}
