import VoxDSP
import VoxMedia
import VoxModel

/// The audio-to-face path of one stream, after the jitter buffer: Opus decoder -> streaming
/// features (running statistics; the resampler is inside) -> window scheduler and model ->
/// crossfade and post-processing. Buffers are allocated at init; pushing audio and pulling frames
/// allocate nothing. Not thread-safe: one worker job at a time owns it.
final class StreamEngine {
    /// Sample rate of the audio pushed.
    let inputRate: Int
    /// The Opus decoder (48 kHz), for Opus ingest.
    let decoder: OpusDecoder?
    let extractor: StreamingFeatureExtractor
    let pipeline: StreamingFacePipeline
    /// Samples pushed so far (audio and silence): the stream's position on its audio timeline.
    private(set) var position: Int64 = 0
    /// Silence pushed since the last real audio.
    private(set) var silenceSinceAudio: Int64 = 0
    /// Frames produced so far.
    var framesProduced: Int { pipeline.releasedFrames }
    private(set) var finished = false
    /// Voice traits of the real audio, when the stream is bound to a matchmaking profile.
    var voice: VoiceTraitsAnalyzer?
    /// Where the worker pool placed this stream's model windows, and the time (first arrival)
    /// frame 0 is counted from; nil once released.
    var windows: (placement: WindowPhases.Placement, anchor: Microseconds)?

    /// Scratch for one decoded Opus packet (120 ms).
    let pcm: UnsafeMutableBufferPointer<Float>
    /// Scratch for one received packet's bytes.
    let packet: UnsafeMutableRawBufferPointer
    private let silence: UnsafeMutableBufferPointer<Float>
    private let row: UnsafeMutableBufferPointer<Float>

    init(model: FaceModel, schedule: StreamingFacePipeline.Schedule, inputRate: Int, opus: Bool) throws {
        self.inputRate = inputRate
        decoder = opus ? try OpusDecoder(sampleRate: 48_000) : nil
        extractor = StreamingFeatureExtractor(inputRate: inputRate, statistics: .running(.default), lowLatency: true)
        pipeline = try StreamingFacePipeline(session: InferenceSession(model: model, threads: 1), schedule: schedule)
        pcm = .allocate(capacity: 48_000 * 120 / 1000)
        pcm.initialize(repeating: 0)
        packet = .allocate(byteCount: Stream.maxPayload, alignment: 8)
        silence = .allocate(capacity: 2048)
        silence.initialize(repeating: 0)
        row = .allocate(capacity: model.config.inputDim)
        row.initialize(repeating: 0)
    }

    deinit {
        pcm.deallocate()
        packet.deallocate()
        silence.deallocate()
        row.deallocate()
    }

    /// Pushes real audio and runs every model window it completes.
    func push(_ samples: UnsafeBufferPointer<Float>) {
        guard !finished, !samples.isEmpty else { return }
        extractor.push(samples)
        voice?.push(samples)
        position += Int64(samples.count)
        silenceSinceAudio = 0
        drainFeatures()
    }

    /// Pushes `count` samples of silence (a gap on the timeline, or a flush after audio stopped).
    func pushSilence(_ count: Int64) {
        guard !finished else { return }
        var left = count
        while left > 0 {
            let n = Int(min(left, Int64(silence.count)))
            extractor.push(UnsafeBufferPointer(rebasing: silence[0..<n]))
            left -= Int64(n)
        }
        position += count
        silenceSinceAudio += count
        drainFeatures()
    }

    /// No more audio: the last frames are produced through windows padded at the end.
    func finish() {
        guard !finished else { return }
        finished = true
        extractor.finish()
        drainFeatures()
        pipeline.finish()
    }

    /// Copies the next produced frame into `frame`; false when none is ready.
    func pullFrame(into frame: UnsafeMutableBufferPointer<Float>) -> Bool { pipeline.pull(into: frame) }

    private func drainFeatures() {
        while extractor.pull(into: row) { pipeline.push(UnsafeBufferPointer(row)) }
    }
}
