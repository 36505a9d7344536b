import Dispatch
import Synchronization

/// The 88.2 kHz signal of a batch extraction, filled by a producer (the resampler) while frame
/// workers read the part already published.
///
/// Safe to share: the producer only writes samples at or beyond `published`, and publishes them
/// with release ordering; readers only read below the published count they loaded with acquire
/// ordering, or anything after `isFinished`.
final class BatchSignal: @unchecked Sendable {
    /// The final length (librosa's `ceil(n * 88200 / rate)`, raised to the 9-frame minimum when
    /// padding short clips); known before any sample arrives.
    let length: Int
    /// Storage: `length` samples plus slack for resampler overshoot, zero-filled.
    let samples: UnsafeMutablePointer<Float>
    private let capacity: Int
    private let published = Atomic<Int>(0)
    private let finished = Atomic<Bool>(false)
    /// Largest |sample| over the final signal; valid after `finish`.
    private(set) var peak: Float = 0

    /// A buffer for a signal of final length `length`, of which the first `exact` samples are real
    /// audio (the rest, if any, is padding).
    init(length: Int) {
        self.length = length
        capacity = length + 65_536
        samples = .allocate(capacity: capacity)
        samples.initialize(repeating: 0, count: capacity)
    }

    deinit { samples.deallocate() }

    /// A finished buffer holding `signal`.
    convenience init(complete signal: [Float]) {
        self.init(length: signal.count)
        signal.withUnsafeBufferPointer { samples.update(from: $0.baseAddress!, count: $0.count) }
        var top: Float = 0
        for v in signal { top = max(top, abs(v)) }
        peak = top
        published.store(length, ordering: .releasing)
        finished.store(true, ordering: .releasing)
    }

    /// Samples readable now.
    var available: Int { finished.load(ordering: .acquiring) ? length : published.load(ordering: .acquiring) }

    /// Whether the whole signal is in.
    var isFinished: Bool { finished.load(ordering: .acquiring) }

    /// Resamples `input` from `rate` into the buffer, publishing as it goes, then cuts or pads
    /// to `exactLength` (librosa's `fix_length`) and zero-pads to `length`.
    ///
    /// The frames are analysed before the peak is known, so absurdly loud input (float files with
    /// samples beyond +-1e6, whose band powers would overflow float32) is scaled down first; the
    /// peak normalisation removes the scale again, and resampling is linear, so only rounding
    /// differs.
    func produce(resampling input: UnsafeBufferPointer<Float>, from rate: Int, exactLength: Int) {
        var inputPeak: Float = 0
        for v in input { inputPeak = max(inputPeak, abs(v)) }
        if inputPeak > 1e6 {
            let scaled = input.map { $0 / inputPeak }
            scaled.withUnsafeBufferPointer { produce(resampling: $0, from: rate, exactLength: exactLength) }
            return
        }
        var written = 0
        var top: Float = 0
        let keep = min(exactLength, length)
        func store(_ chunk: UnsafeBufferPointer<Float>) {
            let n = min(chunk.count, capacity - written)
            (samples + written).update(from: chunk.baseAddress!, count: n)
            let counted = max(0, min(n, keep - written))
            for i in 0..<counted { top = max(top, abs(chunk[i])) }
            written += n
            published.store(min(written, keep), ordering: .releasing)
        }
        if rate == FeatureConfig.sampleRate {
            store(UnsafeBufferPointer(rebasing: input[0..<min(input.count, keep)]))
        } else {
            let block = 16_384
            let resampler = StreamingResampler(sourceRate: rate, targetRate: FeatureConfig.sampleRate, maxInputBlock: block)
            var offset = 0
            while offset < input.count {
                let piece = UnsafeBufferPointer(rebasing: input[offset..<min(offset + block, input.count)])
                resampler.process(piece) { store($0) }
                offset += piece.count
            }
            resampler.flush { store($0) }
        }
        // fix_length: samples past the exact length are dropped (the padding beyond is zeros).
        if written > keep { (samples + keep).update(repeating: 0, count: written - keep) }
        peak = top
        finished.store(true, ordering: .releasing)
    }
}
