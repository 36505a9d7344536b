#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where the running program is: resources and models are looked for beside it.
public enum ExecutablePath {
    /// The directory of the running executable (from /proc/self/exe on Linux, else the first
    /// argument when it is a path), or nil when it cannot be told.
    public static func directory() -> String? {
        #if os(Linux)
            var buffer = [CChar](repeating: 0, count: 4096)
            let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
            guard n > 0 else { return nil }
            let path = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        #else
            guard let first = CommandLine.arguments.first, first.contains("/") else { return nil }
            let path = first
        #endif
        guard let slash = path.lastIndex(of: "/") else { return nil }
        return String(path[..<slash])
    }
}
