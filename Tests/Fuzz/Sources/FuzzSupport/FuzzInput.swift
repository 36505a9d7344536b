#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A cursor over a fuzzer input that hands out bytes and integers until the input runs out.
public struct FuzzInput {
    /// The whole input.
    public let bytes: UnsafeRawBufferPointer
    /// Offset of the next unread byte.
    public private(set) var position = 0

    /// Wraps libFuzzer's `(data, size)` pair.
    public init(_ data: UnsafePointer<UInt8>, _ size: Int) {
        bytes = UnsafeRawBufferPointer(start: data, count: size)
    }

    /// Bytes not read yet.
    public var remaining: Int { bytes.count - position }

    /// The next byte, or nil at the end.
    public mutating func byte() -> UInt8? {
        guard position < bytes.count else { return nil }
        defer { position += 1 }
        return bytes[position]
    }

    /// The next `count` bytes (fewer at the end).
    public mutating func slice(_ count: Int) -> UnsafeRawBufferPointer {
        let end = min(bytes.count, position + max(0, count))
        defer { position = end }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<end])
    }
}

/// Writes `bytes` to a per-process scratch file (in /dev/shm when there is one, so no disk I/O)
/// and calls `body` with its path: for readers whose only public entry point takes a path.
public func withScratchFile<R>(_ bytes: UnsafeRawBufferPointer, _ body: (String) throws -> R) rethrows -> R {
    let directory = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
    let path = "\(directory)/voxface-fuzz-\(getpid())"
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    precondition(fd >= 0, "cannot create \(path)")
    var written = 0
    while written < bytes.count {
        let n = write(fd, bytes.baseAddress! + written, bytes.count - written)
        precondition(n > 0, "cannot write \(path)")
        written += n
    }
    close(fd)
    return try body(path)
}
