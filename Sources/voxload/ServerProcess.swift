import Glibc
import VoxLoad

/// The `voxface serve` process whose CPU and memory a run reports, read from /proc.
///
/// Found, in order: `--server-pid`; the process holding the socket that listens on the server's
/// TCP port (/proc/net/tcp{,6} inode, then /proc/PID/fd links; needs permission to read the
/// server's fd table, i.e. the same user or root); the only process named `voxface`.
struct ServerProcess: Sendable {
    let pid: Int
    let source: String

    static func find(pid option: Int?, port: Int, loopback: Bool) -> ServerProcess? {
        if let option { return ServerProcess(pid: option, source: "option") }
        guard loopback else { return nil }
        var inodes = Set<Int>()
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            if let text = readText(table) { inodes.formUnion(ProcText.listeningInodes(tcpTable: text, port: port)) }
        }
        let pids = processIDs()
        if !inodes.isEmpty {
            for pid in pids {
                for link in fdLinks(pid) where ProcText.socketInode(link: link).map(inodes.contains) == true {
                    return ServerProcess(pid: pid, source: "listening-socket")
                }
            }
        }
        let named = pids.filter { readText("/proc/\($0)/comm")?.split(separator: "\n").first == "voxface" }
        return named.count == 1 ? ServerProcess(pid: named[0], source: "process-name") : nil
    }

    /// User + system CPU ticks so far.
    func cpuTicks() -> Int? { readText("/proc/\(pid)/stat").flatMap(ProcText.cpuTicks(stat:)) }

    /// Resident set size, kB.
    func residentKilobytes() -> Int? { readText("/proc/\(pid)/status").flatMap(ProcText.residentKilobytes(status:)) }

    private static func processIDs() -> [Int] {
        guard let dir = opendir("/proc") else { return [] }
        defer { closedir(dir) }
        var pids: [Int] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if let pid = Int(name) { pids.append(pid) }
        }
        return pids
    }

    private static func fdLinks(_ pid: Int) -> [String] {
        guard let dir = opendir("/proc/\(pid)/fd") else { return [] }
        defer { closedir(dir) }
        var links: [String] = []
        var target = [CChar](repeating: 0, count: 256)
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard Int(name) != nil else { continue }
            let n = readlink("/proc/\(pid)/fd/\(name)", &target, target.count - 1)
            if n > 0 { links.append(String(decoding: target[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)) }
        }
        return links
    }
}

/// A small text file's contents (for /proc), nil when unreadable.
func readText(_ path: String) -> String? {
    guard let file = fopen(path, "r") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 16384)
    while true {
        let n = fread(&chunk, 1, chunk.count, file)
        if n <= 0 { break }
        bytes += chunk[0..<n]
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// Samples the server's CPU time and RSS while the run sends audio.
actor UsageSampler {
    private let process: ServerProcess
    private var startTicks: Int?
    private var startTime: Nanoseconds = 0
    private var rssMax = 0
    private var rssLast = 0
    private let warmUp: Nanoseconds
    private var rssWarm: Int?
    private var rssMaxAfterWarm = 0

    /// A sampler of `process`; memory after `warmUpSeconds` of sending counts for the growth.
    init(process: ServerProcess, warmUpSeconds: Double) {
        self.process = process
        warmUp = Nanoseconds(warmUpSeconds * 1e9)
    }

    /// Takes the first sample.
    func start() {
        startTicks = process.cpuTicks()
        startTime = Monotonic.now()
        sampleMemory()
    }

    /// Records the RSS now.
    func sampleMemory() {
        if let kb = process.residentKilobytes() {
            rssMax = max(rssMax, kb)
            rssLast = kb
            if Monotonic.now() - startTime >= warmUp {
                if rssWarm == nil { rssWarm = kb }
                rssMaxAfterWarm = max(rssMaxAfterWarm, kb)
            }
        }
    }

    /// The usage between `start()` and now; nil when /proc could not be read.
    func finish() -> ServerUsage? {
        sampleMemory()
        guard let first = startTicks, let last = process.cpuTicks(), rssMax > 0 else { return nil }
        let wall = Double(Monotonic.now() - startTime) / 1e9
        let seconds = Double(last - first) / Double(sysconf(Int32(_SC_CLK_TCK)))
        var usage = ServerUsage(
            pid: process.pid, pidSource: process.source, cpuSeconds: seconds, cpuCores: wall > 0 ? seconds / wall : 0,
            rssMaxMB: Double(rssMax) / 1024, rssEndMB: Double(rssLast) / 1024, wallSeconds: wall)
        usage.warmUpSeconds = Double(warmUp) / 1e9
        if let rssWarm {
            usage.setWarmUp(seconds: usage.warmUpSeconds, rssMB: Double(rssWarm) / 1024, peakAfterMB: Double(rssMaxAfterWarm) / 1024)
        }
        return usage
    }
}
