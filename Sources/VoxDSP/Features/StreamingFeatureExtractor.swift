public import VoxCore

/// NeuroSync's features computed incrementally from PCM blocks of any size, 60 frames per second
/// out as soon as the audio each frame needs has arrived.
///
/// Push PCM at the input rate (e.g. 20 ms blocks of 48 kHz audio from an Opus decoder), then pull
/// 256-value frames. Internally: streaming soxr HQ resampler -> 88.2 kHz sample ring -> per 120 fps
/// analysis frame: mel dB and autocorrelation -> statistics (frozen or running) -> deltas over a
/// 9-frame window -> pairs averaged -> output ring. Every buffer is allocated at init; pushing and
/// pulling allocate nothing, and no frame is analysed twice.
///
/// Frame k (centred on analysis frames 2k and 2k+1) is ready once analysis frame 2k+5 is, i.e. once
/// 88.2 kHz sample (2k+6)*735 (+16 samples of margin) exists: 5.5 hops = 45.8 ms after the frame's
/// centre, 6 hops = 50 ms after its start, plus the resampler's delay (`algorithmicLatency`).
///
/// With `.frozen` statistics (a clip's peak, dB maximum and cepstral mean/deviation) the frames
/// equal `NeuroSyncFeatures.extract` frame for frame; with `.running` they are causal estimates
/// (see `RunningStatistics`). Not thread-safe: one stream owns one extractor.
public final class StreamingFeatureExtractor {
    /// Where the clip-wide statistics come from.
    public enum Statistics: Sendable {
        /// Known statistics, e.g. from a batch pass: output equals the batch features.
        case frozen(FeatureStatistics)
        /// Causal running estimates.
        case running(RunningStatistics.Configuration)
    }

    /// Input sample rate in Hz.
    public let inputRate: Int
    /// Largest block handed to the resampler at once; longer pushes are split.
    public let maxBlock: Int
    /// Frames the output ring holds before the oldest are dropped.
    public let outputCapacity: Int
    /// Output frames dropped because nobody pulled them in time.
    public private(set) var droppedFrames = 0
    /// Output frames produced so far (pulled, waiting or dropped).
    public private(set) var producedFrames = 0
    /// Input samples pushed so far.
    public private(set) var inputSamples = 0
    /// Pushed samples that were NaN or infinite and were replaced by silence.
    public private(set) var nonFiniteSamples = 0
    /// Whether `finish` has been called.
    public private(set) var isFinished = false

    private let resampler: StreamingResampler?
    private let analyzer = FrameAnalyzer<Double>()
    private let cepstrum = Cepstrum()
    private var samples: RingBuffer<Float>
    private var output: RingBuffer<Float>
    private var frozen: FeatureStatistics?
    private var running: RunningStatistics?
    private let frozenScale: Float
    private let first = SavitzkyGolay(width: FeatureConfig.deltaWidth, order: 1)
    private let second = SavitzkyGolay(width: FeatureConfig.deltaWidth, order: 2)
    /// Per analysis frame, indexed by absolute frame % historyCount: [mfcc 23, d1 23, d2 23, lags 187].
    private let history: UnsafeMutablePointer<Double>
    private let decibels: UnsafeMutablePointer<Double>
    private let zeroFrame: UnsafeMutablePointer<Double>
    private let reflectFrame: UnsafeMutablePointer<Double>
    private let pairBuffer: UnsafeMutablePointer<Float>
    private let inputScratch: UnsafeMutablePointer<Float>
    private var analysed = 0  // analysis frames computed
    private var withDeltas = 0  // analysis frames whose deltas are computed
    private var totalFrames: Int?  // known after finish
    private var totalSamples = 0  // 88.2 kHz samples appended (after finish: the final length)

    private static let historyCount = 16
    private static let columns = FeatureConfig.featureCount
    /// Samples held back from the newest so that `finish` may still trim the resampled signal to
    /// librosa's length without changing an analysed frame.
    static let margin = 16

    /// An extractor for PCM at `inputRate` Hz. `lowLatency`: the resampler emits small blocks
    /// promptly (``StreamingResampler/init(sourceRate:targetRate:maxInputBlock:lowLatency:)``),
    /// as a server stream needs; its output differs from the batch resampler's by about 3e-7,
    /// which the autocorrelation of near-silent frames can amplify, so `.frozen` parity with the
    /// batch features holds only without it.
    public init(inputRate: Int, statistics: Statistics, maxBlock: Int = 8192, outputCapacity: Int = 256, lowLatency: Bool = false) {
        precondition(inputRate > 0 && maxBlock > 0 && outputCapacity > 0, "invalid extractor settings")
        self.inputRate = inputRate
        self.maxBlock = maxBlock
        self.outputCapacity = outputCapacity
        resampler =
            inputRate == FeatureConfig.sampleRate
            ? nil
            : StreamingResampler(
                sourceRate: inputRate, targetRate: FeatureConfig.sampleRate, maxInputBlock: maxBlock, lowLatency: lowLatency)
        let perBlock = Int((Double(maxBlock) * Double(FeatureConfig.sampleRate) / Double(inputRate)).rounded(.up))
        samples = RingBuffer(capacity: 2 * FeatureConfig.frameLength + perBlock + 8192, fill: 0)
        output = RingBuffer(capacity: outputCapacity * Self.columns, fill: 0)
        switch statistics {
        case .frozen(let s):
            frozen = s
            frozenScale = s.peak
        case .running(let configuration):
            running = RunningStatistics(configuration: configuration)
            frozenScale = 1
        }
        history = .allocate(capacity: Self.historyCount * Self.columns)
        history.initialize(repeating: 0, count: Self.historyCount * Self.columns)
        decibels = .allocate(capacity: FeatureConfig.melBandCount)
        zeroFrame = .allocate(capacity: FeatureConfig.frameLength)
        reflectFrame = .allocate(capacity: FeatureConfig.frameLength)
        pairBuffer = .allocate(capacity: Self.columns)
        inputScratch = .allocate(capacity: maxBlock)
    }

    deinit {
        history.deallocate()
        decibels.deallocate()
        zeroFrame.deallocate()
        reflectFrame.deallocate()
        pairBuffer.deallocate()
        inputScratch.deallocate()
    }

    /// Seconds of audio output frame k needs beyond its start (k/60 s, where the server's pacer
    /// puts it), including the resampler's delay for `inputRate`: the frame is ready once analysis
    /// frame 2k+5 is, whose window ends 6 hops after the frame's start (50.2 ms with the margin at
    /// 88.2 kHz input; 5.5 hops after the frame's centre). The resampler's part is its worst lag
    /// fed in 2.5 ms blocks, for the `lowLatency` mode given (about 8 ms at 48 kHz with it; soxr's
    /// default emits in larger bursts).
    public static func algorithmicLatency(inputRate: Int, lowLatency: Bool) -> Double {
        let featureSamples = 6 * Double(FeatureConfig.hopLength) + Double(margin)
        var seconds = featureSamples / Double(FeatureConfig.sampleRate)
        if inputRate != FeatureConfig.sampleRate {
            seconds += StreamingResampler.measuredDelay(sourceRate: inputRate, targetRate: FeatureConfig.sampleRate, lowLatency: lowLatency)
        }
        return seconds
    }

    /// Frames ready to pull.
    public var availableFrames: Int { output.count / Self.columns }

    /// Appends PCM samples at `inputRate`; computes every frame they complete.
    public func push(_ block: UnsafeBufferPointer<Float>) {
        precondition(!isFinished, "push after finish")
        inputSamples += block.count
        var offset = 0
        while offset < block.count {
            let count = min(maxBlock, block.count - offset)
            // A NaN or infinity would poison the resampler's filter state and every later frame
            // through the statistics: replace it with silence and count it.
            for i in 0..<count {
                let value = block[offset + i]
                if value.isFinite {
                    inputScratch[i] = value
                } else {
                    inputScratch[i] = 0
                    nonFiniteSamples += 1
                }
            }
            let chunk = UnsafeBufferPointer(start: inputScratch, count: count)
            offset += count
            if let resampler {
                resampler.process(chunk) { append($0) }
            } else {
                append(chunk)
            }
        }
    }

    /// Convenience for arrays.
    public func push(_ block: [Float]) {
        block.withUnsafeBufferPointer { push($0) }
    }

    /// Ends the stream: flushes the resampler, trims the signal to the batch length
    /// `ceil(n * 88200 / rate)`, and computes the remaining frames with the batch edge rules.
    /// Streams shorter than 9 analysis frames (83.3 ms) produce no frames, as in batch.
    public func finish() {
        guard !isFinished else { return }
        resampler?.flush { append($0) }
        isFinished = true
        let expected = (inputSamples * FeatureConfig.sampleRate + inputRate - 1) / inputRate
        if totalSamples > expected {
            let excess = min(totalSamples - expected, samples.count)
            // Only the unanalysed tail (held back by `margin`) is affected.
            samples.removeLastValues(excess)
            totalSamples -= excess
        }
        while totalSamples < expected {
            let pad = min(expected - totalSamples, samples.freeCount)
            for _ in 0..<pad { samples.append(0) }
            totalSamples += pad
        }
        let frames = FeatureConfig.analysisFrameCount(sampleCount: totalSamples)
        totalFrames = frames
        guard frames >= FeatureConfig.deltaWidth, totalSamples >= FeatureConfig.minimumSamples else { return }
        advance()
    }

    /// Copies the oldest ready frame (256 values) into `frame` and removes it; false if none is ready.
    public func pull(into frame: UnsafeMutableBufferPointer<Float>) -> Bool {
        precondition(frame.count >= Self.columns, "frame buffer holds \(frame.count) of \(Self.columns) values")
        guard output.count >= Self.columns else { return false }
        output.copy(from: 0, into: UnsafeMutableBufferPointer(rebasing: frame[0..<Self.columns]))
        output.removeFirst(Self.columns)
        return true
    }

    /// Runs a whole signal through a new extractor in blocks of `blockSize` and returns every frame.
    public static func extractAll(_ signal: [Float], sampleRate: Int, statistics: Statistics, blockSize: Int) -> FeatureMatrix {
        let extractor = StreamingFeatureExtractor(inputRate: sampleRate, statistics: statistics, maxBlock: max(blockSize, 1))
        var result = FeatureMatrix(rows: 0, columns: FeatureConfig.featureCount)
        var frame = [Float](repeating: 0, count: FeatureConfig.featureCount)
        func drain() {
            while frame.withUnsafeMutableBufferPointer({ extractor.pull(into: $0) }) { result.append(row: frame) }
        }
        signal.withUnsafeBufferPointer { all in
            var offset = 0
            while offset < all.count {
                let end = min(offset + blockSize, all.count)
                extractor.push(UnsafeBufferPointer(rebasing: all[offset..<end]))
                drain()
                offset = end
            }
        }
        extractor.finish()
        drain()
        return result
    }

    // MARK: - Internals

    private func append(_ chunk: UnsafeBufferPointer<Float>) {
        var offset = 0
        while offset < chunk.count {
            let n = min(chunk.count - offset, samples.freeCount)
            if frozen != nil {
                for i in 0..<n { samples.append(chunk[offset + i] / frozenScale) }
            } else {
                samples.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[offset..<offset + n]))
            }
            offset += n
            totalSamples += n
            advance()
        }
    }

    /// Computes every analysis frame, delta and output frame the available samples allow.
    private func advance() {
        let hop = FeatureConfig.hopLength
        while true {
            let t = analysed
            if let total = totalFrames {
                guard t < total else { break }
            } else {
                guard (t + 1) * hop + Self.margin <= totalSamples else { break }
            }
            analyse(frame: t)
            analysed += 1
            // Samples before the next frame's window are no longer needed, except one: the last
            // frame's reflection reaches one sample before its window when the length is a
            // multiple of the hop. (Frame 0's reflection uses samples 1...735, which frame 1 covers.)
            let keepFrom = max(0, (analysed - 1) * hop - 1)
            if keepFrom > samples.removedCount { samples.removeFirst(min(keepFrom - samples.removedCount, samples.count)) }
            computeDeltas()
        }
        computeDeltas()
    }

    private func row(_ frame: Int) -> UnsafeMutablePointer<Double> {
        history + (frame % Self.historyCount) * Self.columns
    }

    private func analyse(frame t: Int) {
        // Before `finish` only frames wholly inside the signal are analysed (and frame 0, whose
        // left reflection needs samples 1...735), so the current length is right for both.
        FrameWindow.fill(index: t, signalLength: totalSamples, zeroPadded: zeroFrame, reflectPadded: reflectFrame) {
            samples.value(atAbsolute: $0)
        }
        let target = row(t)
        let loudest = analyzer.melDecibels(zeroFrame, into: decibels)
        let floor = frozen?.floorDecibels ?? running!.floor(forFrameMaximum: loudest)
        cepstrum.apply(decibels, floor: floor, into: target)
        if let frozen {
            for c in 0..<FeatureConfig.mfccCount {
                target[c] = (target[c] - frozen.cepstralMean[c]) / (frozen.cepstralStandardDeviation[c] + FeatureConfig.cmvnEpsilon)
            }
        } else {
            running!.normalise(target)
        }
        let lags = target + 3 * FeatureConfig.mfccCount
        analyzer.autocorrelation(reflectFrame, into: lags)
        // Edge fix (reference: fix_edge_frames_autocorr): a silent first frame copies frame 1,
        // a silent last frame copies the one before it.
        if t == 1 && isSilent(row(0) + 3 * FeatureConfig.mfccCount) {
            (row(0) + 3 * FeatureConfig.mfccCount).update(from: lags, count: FeatureConfig.autocorrelationLags)
        }
        if let total = totalFrames, t == total - 1, t >= 1, isSilent(lags) {
            lags.update(from: row(t - 1) + 3 * FeatureConfig.mfccCount, count: FeatureConfig.autocorrelationLags)
        }
    }

    private func isSilent(_ lags: UnsafePointer<Double>) -> Bool {
        for k in 0..<FeatureConfig.autocorrelationLags where abs(lags[k]) >= FeatureConfig.edgeFrameThreshold {
            return false
        }
        return true
    }

    private func computeDeltas() {
        let width = FeatureConfig.deltaWidth, half = width / 2, mfccCount = FeatureConfig.mfccCount
        while true {
            let t = withDeltas
            let start: Int, weightRow: Int
            if let total = totalFrames, analysed == total {
                guard t < total else { break }
                (start, weightRow) = t < half ? (0, t) : t >= total - half ? (total - width, t - (total - width)) : (t - half, half)
            } else {
                guard analysed >= max(t + half + 1, width) else { break }
                (start, weightRow) = t < half ? (0, t) : (t - half, half)
            }
            let target = row(t)
            first.weights[weightRow].withUnsafeBufferPointer { w1 in
                second.weights[weightRow].withUnsafeBufferPointer { w2 in
                    for c in 0..<mfccCount {
                        var d1 = 0.0, d2 = 0.0
                        for i in 0..<width {
                            let v = row(start + i)[c]
                            d1 += w1[i] * v
                            d2 += w2[i] * v
                        }
                        target[mfccCount + c] = d1
                        target[2 * mfccCount + c] = d2
                    }
                }
            }
            withDeltas += 1
            emitPairs()
        }
    }

    private func emitPairs() {
        let columns = Self.columns
        while true {
            let a = 2 * producedFrames, b = a + 1
            if b < withDeltas {
                let ra = row(a), rb = row(b)
                for c in 0..<columns { pairBuffer[c] = Float((ra[c] + rb[c]) / 2) }
            } else if let total = totalFrames, a == total - 1, withDeltas == total {
                let ra = row(a)
                for c in 0..<columns { pairBuffer[c] = Float(ra[c]) }
            } else {
                return
            }
            if output.freeCount < columns {
                output.removeFirst(columns)
                droppedFrames += 1
            }
            output.append(contentsOf: UnsafeBufferPointer(start: pairBuffer, count: columns))
            producedFrames += 1
        }
    }
}
