import VoxDSP
import VoxLoad
import VoxMedia

/// The Opus packets every stream sends: the audio file at 48 kHz mono, looped to the run's
/// duration and encoded once with libopus (the streams share the payloads; each has its own RTP
/// header or WebSocket).
struct AudioPackets: Sendable {
    /// Packet j's Opus payload.
    let payloads: [[UInt8]]
    /// Seconds of audio in the file.
    let fileSeconds: Double

    /// The speech sample shipped with voxface, found from this file's compile-time path (the binary
    /// needs no resource bundle; give `--audio` when the source tree is not there).
    static let bundledSample: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(2)
        return (parts + ["voxface", "Resources", "sample.wav"]).joined(separator: "/")
    }()

    /// Reads and encodes `path` into `count` packets of `samplesPerPacket` 48 kHz samples.
    init(path: String, count: Int, samplesPerPacket: Int, bitrate: Int, expectedLoss: Int) throws(LoadError) {
        let audio: DecodedAudio
        do { audio = try AudioFileReader(maxDuration: 600).read(path: path) } catch { throw .io("--audio: \(error.description)") }
        let pcm = audio.sampleRate == 48_000 ? audio.samples : Resampler.resample(audio.samples, from: audio.sampleRate, to: 48_000)
        guard pcm.count >= samplesPerPacket else { throw .io("--audio: \(path) is shorter than one packet") }
        fileSeconds = audio.duration
        var payloads: [[UInt8]] = []
        payloads.reserveCapacity(count)
        do {
            let encoder = try OpusEncoder(sampleRate: 48_000, bitrate: bitrate, expectedLoss: expectedLoss)
            var frame = [Float](repeating: 0, count: samplesPerPacket)
            var position = 0
            for _ in 0..<count {
                for i in 0..<samplesPerPacket {
                    frame[i] = pcm[position]
                    position = (position + 1) % pcm.count
                }
                payloads.append(try frame.withUnsafeBufferPointer { try encoder.encode($0) })
            }
        } catch let error as OpusError { throw .io("libopus: \(error.description)") } catch { throw .io("libopus: \(error)") }
        self.payloads = payloads
    }
}
