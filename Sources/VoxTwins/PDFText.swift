import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The text of a PDF, page by page.
public struct PDFTextResult: Sendable, Equatable {
    /// The text of each page, in order (trailing whitespace trimmed, running headers and footers
    /// removed; a page without text is "").
    public var pages: [String]
    /// All pages joined by ``PDFText/pageSeparator``.
    public var text: String

    /// A PDF's text.
    public init(pages: [String]) {
        self.pages = pages
        self.text = pages.joined(separator: PDFText.pageSeparator)
    }
}

/// Extracts text from PDFs with poppler's `pdftotext` (Debian `poppler-utils`, Homebrew `poppler`).
///
/// Each call runs one `pdftotext` process on a private temporary copy of the bytes (removed
/// afterwards) and is thread-safe; it blocks the calling thread until the process ends or
/// `timeout` passes, so call it off the event loop.
public enum PDFText {
    /// Between the pages of ``PDFTextResult/text``: a form feed on a line of its own, which the
    /// chunker treats as a paragraph break.
    public static let pageSeparator = "\n\u{0C}\n"
    /// The most text (UTF-8 bytes) we read back from one PDF.
    public static let maxTextBytes = 64 << 20
    /// Where we look for `pdftotext`, in order, before the directories of `PATH`.
    static let candidates = ["/usr/bin/pdftotext", "/usr/local/bin/pdftotext", "/opt/homebrew/bin/pdftotext"]

    /// The path of `pdftotext`, or nil when it is not installed.
    static var executable: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map { "\($0)/pdftotext" }
        return (candidates + directories).first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Whether `pdftotext` is installed, so ``extract(_:timeout:maxPages:)`` can work.
    public static var isAvailable: Bool { executable != nil }

    /// Extracts the text of the PDF `data`, page by page, without running headers and footers
    /// (``withoutRunningLines(_:)``).
    ///
    /// Throws `.malformed(format: "pdf", reason:)` when the bytes are not a PDF or poppler cannot read
    /// them (the reason is poppler's first error line) or it runs past `timeout` seconds;
    /// `.tooLarge(what: "pages", limit: maxPages)` for longer documents; `.unsupported` for encrypted
    /// PDFs and when `pdftotext` is missing.
    public static func extract(_ data: [UInt8], timeout: Double = 30, maxPages: Int = 2000) throws(TwinInputError) -> PDFTextResult {
        precondition(maxPages > 0 && timeout > 0, "maxPages and timeout must be positive")
        guard data.starts(with: Array("%PDF-".utf8)) else { throw .malformed(format: "pdf", reason: "not a PDF") }
        guard let executable else { throw .unsupported("PDF text needs poppler's pdftotext (apt-get install poppler-utils)") }

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("voxtwins-pdf-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("in.pdf")
        let output = directory.appendingPathComponent("out.txt")
        let errors = directory.appendingPathComponent("err.txt")
        let run: (status: Int32, timedOut: Bool)
        do {
            try FileManager.default.createDirectory(
                at: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            try Data(data).write(to: input)
            // Files rather than pipes: nothing can block on a full pipe, and we check the size before reading.
            guard FileManager.default.createFile(atPath: errors.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            // One page more than allowed tells us whether the document is longer.
            process.arguments = ["-enc", "UTF-8", "-eol", "unix", "-l", String(maxPages + 1), input.path, output.path]
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            process.standardError = try FileHandle(forWritingTo: errors)
            run = try wait(for: process, timeout: timeout)
        } catch {
            throw .malformed(format: "pdf", reason: "could not run pdftotext: \(error.localizedDescription)")
        }
        if run.timedOut { throw .malformed(format: "pdf", reason: "pdftotext took longer than \(timeout) s") }
        guard run.status == 0 else {
            let message = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
            throw failure(status: run.status, stderr: message)
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: output.path)[.size] as? Int) ?? 0
        guard size <= maxTextBytes else { throw .tooLarge(what: "pdf text bytes", limit: maxTextBytes) }
        guard let bytes = try? Data(contentsOf: output) else { throw .malformed(format: "pdf", reason: "pdftotext wrote no text") }
        // pdftotext ends every page with a form feed, so the piece after the last one is empty.
        var pages = String(decoding: bytes, as: UTF8.self).split(separator: "\u{0C}", omittingEmptySubsequences: false).map {
            String($0.reversed().drop(while: \.isWhitespace).reversed())
        }
        if pages.last == "" { pages.removeLast() }
        guard pages.count <= maxPages else { throw .tooLarge(what: "pages", limit: maxPages) }
        return PDFTextResult(pages: withoutRunningLines(pages))
    }

    /// Runs `process` and waits for it, killing it after `timeout` seconds.
    static func wait(for process: Process, timeout: Double) throws -> (status: Int32, timedOut: Bool) {
        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        try process.run()
        if done.wait(timeout: .now() + timeout) == .success { return (process.terminationStatus, false) }
        process.terminate()
        if done.wait(timeout: .now() + 2) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            done.wait()
        }
        return (process.terminationStatus, true)
    }

    /// The error for a failed run: poppler's first error line, or the exit status.
    static func failure(status: Int32, stderr: String) -> TwinInputError {
        let lines = stderr.split(whereSeparator: \.isNewline)
        if lines.contains(where: { $0.localizedCaseInsensitiveContains("password") }) {
            return .unsupported("encrypted PDF")
        }
        let line = lines.first { $0.contains("Error") } ?? lines.first
        guard let line else { return .malformed(format: "pdf", reason: "pdftotext failed with status \(status)") }
        return .malformed(format: "pdf", reason: String(line.prefix(300)))
    }
}
