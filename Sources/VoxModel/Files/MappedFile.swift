#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A read-only memory map of a whole file. The mapping lives as long as the object.
final class MappedFile {
    /// The file's bytes.
    let bytes: UnsafeRawBufferPointer
    private let base: UnsafeMutableRawPointer?

    /// Maps `path`; errors name the path and the system's reason.
    init(path: String) throws(ModelError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        guard (status.st_mode & S_IFMT) == S_IFREG else { throw .unreadable(path: path, reason: "not a regular file") }
        let size = Int(status.st_size)
        if size == 0 {
            base = nil
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED else {
            throw .unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        base = mapped
        bytes = UnsafeRawBufferPointer(start: mapped, count: size)
    }

    deinit {
        if let base { munmap(base, bytes.count) }
    }

    /// Little-endian unsigned integer of `width` bytes at `offset` (caller checks bounds).
    func uint(at offset: Int, width: Int) -> UInt64 {
        var value: UInt64 = 0
        for i in 0..<width { value |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
        return value
    }
}
