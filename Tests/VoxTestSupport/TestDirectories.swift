import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Fresh directories for tests' real stores, all under one folder per test process that is
/// removed when the process exits. Tests that open a store with a default argument (and so have
/// no scope to remove it in) used to leave a SQLite store in the temporary directory per test:
/// hundreds of megabytes over a day of runs. A process killed before it exits (a watchdog, a
/// crash) leaves its folder; the next test process removes the folders of processes that no
/// longer run.
public enum TestDirectories {
    /// The prefix of every test process's folder in the temporary directory.
    static let prefix = "voxface-tests-"

    /// This process's folder: made on first use, with the removal at exit registered and the
    /// folders of dead test processes swept.
    public static let root: String = {
        let temporary = FileManager.default.temporaryDirectory.path
        sweep(temporary)
        let path = temporary + "/" + prefix + String(getpid())
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: TestDirectories.root) }
        return path
    }()

    /// A new, empty directory named `name-UUID` under ``root``.
    public static func make(_ name: String) -> String {
        let path = root + "/" + name + "-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Removes the folders in `temporary` of test processes that no longer run.
    static func sweep(_ temporary: String) {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? []
        for entry in entries where entry.hasPrefix(prefix) {
            guard let pid = Int32(entry.dropFirst(prefix.count)), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                try? FileManager.default.removeItem(atPath: temporary + "/" + entry)
            }
        }
    }
}
