#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A one-line error for the user; the command exits with status 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

/// Writes command output to a file or standard output.
enum OutputFile {
    /// Writes `bytes` to `path`, or to standard output when `path` is "-". A file is written under
    /// a temporary name beside it and renamed into place, so a failed run never leaves half a file.
    static func save(_ bytes: [UInt8], to path: String) throws {
        if path == "-" {
            try writeAll(bytes, to: STDOUT_FILENO, path: "standard output")
            return
        }
        let temporary = path + ".partial-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CLIError("\(path): cannot write output: \(String(cString: strerror(errno)))") }
        do {
            try writeAll(bytes, to: fd, path: path)
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        guard close(fd) == 0, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw CLIError("\(path): cannot write output: \(reason)")
        }
    }

    private static func writeAll(_ bytes: [UInt8], to fd: Int32, path: String) throws {
        try bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw CLIError("\(path): cannot write output: \(String(cString: strerror(errno)))")
                }
                offset += written
            }
        }
    }
}

/// Creates `path` (and parents) if missing; a one-line error otherwise.
func makeDirectory(_ path: String) throws {
    var partial = path.hasPrefix("/") ? "" : "."
    for component in path.split(separator: "/") {
        partial += "/" + component
        if mkdir(partial, 0o755) != 0 && errno != EEXIST {
            throw CLIError("\(path): cannot create folder: \(String(cString: strerror(errno)))")
        }
    }
}
