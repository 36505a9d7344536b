/// Why an audio file or buffer cannot be turned into features. Every case names the reason in
/// words a user can act on; `description` is one line.
public enum AudioInputError: Error, Equatable, CustomStringConvertible {
    /// No file at the path.
    case fileNotFound(path: String)
    /// The path exists but is not a readable regular file (a folder, no permission).
    case unreadable(path: String, reason: String)
    /// The file has zero bytes.
    case emptyFile(path: String)
    /// libsndfile could not open it: unknown or unsupported format, or a corrupt header.
    case unsupportedOrCorrupt(path: String, reason: String)
    /// The file decodes to no samples at all.
    case noAudio(path: String)
    /// Decoding failed part-way (truncated or damaged data).
    case decodeFailed(path: String, reason: String)
    /// Longer than the configured limit.
    case tooLong(path: String, seconds: Double, limitSeconds: Double)
    /// An invalid sample rate or channel count in the header.
    case badFormat(path: String, reason: String)
    /// A sample is NaN or infinite (float files only).
    case nonFiniteSamples(path: String, frame: Int)
    /// Fewer samples than NeuroSync's 9-frame minimum (~83.3 ms at 88.2 kHz).
    case tooShort(path: String, milliseconds: Double, minimumMilliseconds: Double)

    /// One line for the user.
    public var description: String {
        switch self {
        case .fileNotFound(let path):
            "\(path): no such file"
        case .unreadable(let path, let reason):
            "\(path): cannot read: \(reason)"
        case .emptyFile(let path):
            "\(path): file is empty (0 bytes)"
        case .unsupportedOrCorrupt(let path, let reason):
            "\(path): not a supported audio file or its header is corrupt (\(reason))"
        case .noAudio(let path):
            "\(path): contains no audio samples (zero-length audio)"
        case .decodeFailed(let path, let reason):
            "\(path): decoding failed part-way: \(reason)"
        case .tooLong(let path, let seconds, let limit):
            "\(path): audio is \(Self.format(seconds)) s long, over the \(Self.format(limit)) s limit"
        case .badFormat(let path, let reason):
            "\(path): invalid audio format: \(reason)"
        case .nonFiniteSamples(let path, let frame):
            "\(path): sample frame \(frame) is not a finite number (NaN or infinity)"
        case .tooShort(let path, let ms, let minimum):
            "\(path): audio is \(Self.format(ms)) ms long, shorter than the \(Self.format(minimum)) ms minimum (9 feature frames)"
        }
    }

    private static func format(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
