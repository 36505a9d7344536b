import CSndfile

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads audio files through libsndfile (WAV, AIFF, FLAC, Ogg Vorbis, Ogg Opus, MP3 and the
/// other formats the installed libsndfile supports) and downmixes them to mono by averaging the
/// channels, as librosa's `to_mono` does.
public struct AudioFileReader: Sendable {
    /// Longest audio accepted, in seconds; longer files fail with `AudioInputError.tooLong`
    /// before their samples are read.
    public var maxDuration: Double

    /// Frames decoded per libsndfile call.
    private let chunkFrames = 16_384

    /// Highest sample rate accepted (Hz); speech never needs more, and it bounds memory.
    public static let maxSampleRate = 192_000

    /// A reader that accepts files up to `maxDuration` seconds (default 30 minutes: at most
    /// about 1.5 GB of working memory for the batch features).
    public init(maxDuration: Double = 1800) {
        self.maxDuration = maxDuration
    }

    /// Decodes the file at `path` to mono float samples at its native rate.
    public func read(path: String) throws(AudioInputError) -> DecodedAudio {
        var status = stat()
        guard stat(path, &status) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { throw .fileNotFound(path: path) }
            throw .unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        if (status.st_mode & S_IFMT) == S_IFDIR { throw .unreadable(path: path, reason: "is a directory") }
        guard access(path, R_OK) == 0 else {
            throw .unreadable(path: path, reason: "permission denied")
        }
        if (status.st_mode & S_IFMT) == S_IFREG && status.st_size == 0 { throw .emptyFile(path: path) }

        var info = SF_INFO()
        guard let file = sf_open(path, Int32(SFM_READ), &info) else {
            throw .unsupportedOrCorrupt(path: path, reason: String(cString: sf_strerror(nil)))
        }
        defer { sf_close(file) }
        return try decode(file: file, info: info, path: path)
    }

    private func decode(file: OpaquePointer, info: SF_INFO, path: String) throws(AudioInputError) -> DecodedAudio {
        let channels = Int(info.channels)
        let rate = Int(info.samplerate)
        guard channels >= 1, channels <= 256 else {
            throw .badFormat(path: path, reason: "\(channels) channels")
        }
        guard rate >= 1000, rate <= Self.maxSampleRate else {
            throw .badFormat(path: path, reason: "sample rate \(rate) Hz")
        }
        let maxFrames = Int(maxDuration * Double(rate))
        // The header's frame count can lie (streamed WAV, corrupt files); it only sizes the first
        // allocation and is checked against the limit, the real count is what decodes.
        let declared = Int(clamping: info.frames)
        if declared > maxFrames, declared != Int(Int64.max) {
            throw .tooLong(path: path, seconds: Double(declared) / Double(rate), limitSeconds: maxDuration)
        }
        var mono: [Float] = []
        mono.reserveCapacity(min(max(declared, 0), maxFrames))
        var interleaved = [Float](repeating: 0, count: chunkFrames * channels)
        while true {
            let got = interleaved.withUnsafeMutableBufferPointer { buffer in
                Int(sf_readf_float(file, buffer.baseAddress, sf_count_t(chunkFrames)))
            }
            if got <= 0 { break }
            if mono.count + got > maxFrames {
                throw .tooLong(path: path, seconds: Double(mono.count + got) / Double(rate), limitSeconds: maxDuration)
            }
            // Float and double files can hold NaN or infinity, which would poison every feature.
            for i in 0..<got * channels where !interleaved[i].isFinite {
                throw .nonFiniteSamples(path: path, frame: mono.count + i / channels)
            }
            appendDownmix(interleaved, frames: got, channels: channels, to: &mono)
        }
        let status = sf_error(file)
        if status != 0 {
            throw .decodeFailed(path: path, reason: String(cString: sf_strerror(file)))
        }
        if mono.isEmpty { throw .noAudio(path: path) }
        return DecodedAudio(samples: mono, sampleRate: rate, sourceChannels: channels)
    }

    /// Mean over channels in float32, matching numpy's `mean(axis=0)` on float32 input for the
    /// usual one or two channels.
    private func appendDownmix(_ interleaved: [Float], frames: Int, channels: Int, to mono: inout [Float]) {
        if channels == 1 {
            mono.append(contentsOf: interleaved[0..<frames])
            return
        }
        let scale = Float(channels)
        for f in 0..<frames {
            var sum: Float = 0
            for c in 0..<channels { sum += interleaved[f * channels + c] }
            mono.append(sum / scale)
        }
    }
}
