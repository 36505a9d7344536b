import ArgumentParser
import Foundation

/// A one-line error for the user; the command exits with status 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

/// Writes command output to a file or standard output.
enum OutputFile {
    /// Writes `bytes` to `path`, or to standard output when `path` is "-"; the file is written
    /// to a temporary name and renamed so a failed run never leaves half a file.
    static func write(_ bytes: [UInt8], to path: String) throws {
        if path == "-" {
            FileHandle.standardOutput.write(Data(bytes))
            return
        }
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CLIError("\(path): cannot write output: \((error as NSError).localizedDescription)")
        }
    }
}
