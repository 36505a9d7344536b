import Dispatch
import Synchronization
public import VoxCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// NeuroSync's (N, 256) audio features for a whole clip, exactly as the reference computes them
/// (`extract_audio_features` in NeuroSync_Local_API; see ../shared/reference/neurosync.md).
///
/// Pipeline: mono -> soxr HQ resample to 88.2 kHz -> peak normalisation -> per 120 fps frame:
/// mel dB and autocorrelation -> clip-wide 80 dB floor -> DCT -> clip-wide CMVN -> deltas ->
/// autocorrelation edge fix -> pairs averaged to 60 fps -> [mfcc 23, delta 23, delta2 23, autocorr 187].
/// The per-frame passes run on `threads` threads; frames are analysed eight at a time in SIMD lanes.
public enum NeuroSyncFeatures {
    /// The result of a batch extraction.
    public struct Result: Sendable {
        /// (N, 256) features at 60 fps.
        public var features: FeatureMatrix
        /// The clip-wide statistics used (for frozen-statistics streaming).
        public var statistics: FeatureStatistics
    }

    /// Resamples decoded audio to 88.2 kHz as `librosa.load(sr=88200)` does.
    public static func resampleForAnalysis(_ audio: DecodedAudio) -> [Float] {
        Resampler.resample(audio.samples, from: audio.sampleRate, to: FeatureConfig.sampleRate)
    }

    /// Features of decoded audio. Throws `tooShort` (naming `source`) below 7350 samples at
    /// 88.2 kHz unless `padShort` is set, in which case trailing silence brings it to the minimum.
    /// Resampling runs on one thread while the others analyse the frames already resampled.
    public static func extract(_ audio: DecodedAudio, source: String, padShort: Bool = false, threads: Int = 2) throws(AudioInputError)
        -> Result
    {
        let rate = FeatureConfig.sampleRate
        let exact =
            audio.sampleRate == rate ? audio.samples.count : (audio.samples.count * rate + audio.sampleRate - 1) / audio.sampleRate
        if exact < FeatureConfig.minimumSamples && !padShort {
            throw .tooShort(
                path: source, milliseconds: audio.duration * 1000,
                minimumMilliseconds: Double(FeatureConfig.minimumSamples) * 1000 / Double(rate))
        }
        let signal = BatchSignal(length: max(exact, FeatureConfig.minimumSamples))
        return audio.samples.withUnsafeBufferPointer { input in
            let shared = SharedInput(buffer: input)
            return extract(signal, threads: threads) {
                signal.produce(resampling: shared.buffer, from: audio.sampleRate, exactLength: exact)
            }
        }
    }

    /// Features of a signal already at 88.2 kHz (at least `FeatureConfig.minimumSamples` long),
    /// peak-normalising it first. `threads` > 1 splits the per-frame work.
    public static func extract(signal88k signal: [Float], threads: Int = 2) -> Result {
        precondition(signal.count >= FeatureConfig.minimumSamples, "signal shorter than the 9-frame minimum")
        return extract(BatchSignal(complete: signal), threads: threads, produce: nil)
    }

    /// The input audio, read by the producer thread. Safe: read-only during the extraction.
    private struct SharedInput: @unchecked Sendable {
        let buffer: UnsafeBufferPointer<Float>
    }

    /// Runs `produce` (if any) on the first worker, then every worker analyses frame groups as
    /// their samples become available; then the clip-wide passes.
    private static func extract(_ signal: BatchSignal, threads: Int, produce: (@Sendable () -> Void)?) -> Result {
        let frameCount = FeatureConfig.analysisFrameCount(sampleCount: signal.length)
        let outputCount = (frameCount + 1) / 2
        let bandCount = FeatureConfig.melBandCount
        let lagCount = FeatureConfig.autocorrelationLags
        let mfccCount = FeatureConfig.mfccCount
        let workers = max(1, min(threads, frameCount / 64 + 1))

        let powers = Buffer<Float>(count: frameCount * bandCount)
        let lags = Buffer<Float>(count: frameCount * lagCount)
        let cepstra = Buffer<Double>(count: frameCount * mfccCount)
        let loudest = Buffer<Double>(count: workers)
        let groups = GroupCounter()
        var features = FeatureMatrix(rows: outputCount, columns: FeatureConfig.featureCount)

        // Pass 1: mel powers and autocorrelation of the raw (not yet peak-normalised) signal.
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            if worker == 0, let produce { produce() }
            loudest[worker] = analyseFrames(signal, frameCount: frameCount, groups: groups, powers: powers.base, lags: lags.base)
        }
        // Peak normalisation divides every power by peak^2 (and cannot change the lag-0-normalised lags).
        let divisor: Float = signal.peak > 0 ? signal.peak : 1
        let scale = 1 / (Double(divisor) * Double(divisor))
        let loudestPower = (0..<workers).map { loudest[$0] }.max()!
        let maxDecibels = 10 * log10(max(FeatureConfig.minimumPower, loudestPower * scale))
        let floor = maxDecibels - FeatureConfig.topDecibels
        // Pass 2: dB levels with the clip-wide floor, in place, then the DCT to cepstra.
        let dct = FloatDCT(Cepstrum().dct)
        parallel(workers, frameCount) { _, frames in
            let floorLevel = Float(floor)
            for t in frames {
                let levels = powers.base + t * bandCount
                for b in 0..<bandCount {
                    let level = Float(10 * log10(max(FeatureConfig.minimumPower, Double(levels[b]) * scale)))
                    levels[b] = max(level, floorLevel)
                }
                dct.apply(levels, into: cepstra.base + t * mfccCount)
            }
        }
        let (mean, std) = meanAndStandardDeviation(cepstra.base, rows: frameCount, columns: mfccCount)
        let normalisation = Normalisation(mean: mean, std: std)
        // Pass 3: normalise (each worker its own frames).
        parallel(workers, frameCount) { _, frames in
            for t in frames {
                for c in 0..<mfccCount { cepstra[t * mfccCount + c] = normalisation.apply(cepstra[t * mfccCount + c], c) }
            }
        }
        fixEdgeFrames(lags.base, frameCount: frameCount)
        // Pass 4: deltas, stacking and pair averaging, straight into the output rows.
        features.withUnsafeMutableValues { out in
            let output = Output(base: out.baseAddress!)
            parallel(workers, outputCount) { _, rows in
                assemble(rows: rows, cepstra: cepstra.base, lags: lags.base, frameCount: frameCount, into: output.base)
            }
        }
        let statistics = FeatureStatistics(peak: divisor, maxDecibels: maxDecibels, cepstralMean: mean, cepstralStandardDeviation: std)
        powers.free()
        lags.free()
        cepstra.free()
        loudest.free()
        return Result(features: features, statistics: statistics)
    }

    /// The cepstral DCT in float32 SIMD for the batch pass (the reference's DCT runs in float32 too).
    private struct FloatDCT: Sendable {
        let rows: [SIMD8<Float>]  // 23 rows of 128 values, 16 vectors each
        init(_ dct: DCT) {
            precondition(dct.inputCount % 8 == 0)
            var rows: [SIMD8<Float>] = []
            for k in 0..<dct.outputCount {
                for chunk in 0..<dct.inputCount / 8 {
                    var v = SIMD8<Float>()
                    for lane in 0..<8 { v[lane] = Float(dct.coefficient(k, chunk * 8 + lane)) }
                    rows.append(v)
                }
            }
            self.rows = rows
        }

        @inline(__always)
        func apply(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Double>) {
            let chunks = FeatureConfig.melBandCount / 8
            let input = UnsafeRawPointer(x)
            rows.withUnsafeBufferPointer { m in
                for k in 0..<FeatureConfig.mfccCount {
                    var sum = SIMD8<Float>()
                    for c in 0..<chunks {
                        sum += m[k * chunks + c] * input.loadUnaligned(fromByteOffset: c * 32, as: SIMD8<Float>.self)
                    }
                    y[k] = Double(sum.sum())
                }
            }
        }
    }

    /// Hands out groups of eight analysis frames in order to the workers.
    private final class GroupCounter: Sendable {
        private let next = Atomic<Int>(0)
        /// The next group's index.
        func take() -> Int { next.add(1, ordering: .relaxed).oldValue }
    }

    // MARK: - Passes

    /// Runs `body(worker, range)` on `workers` threads over contiguous slices of `0..<count`.
    private static func parallel(_ workers: Int, _ count: Int, _ body: @Sendable (Int, Range<Int>) -> Void) {
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            body(worker, (count * worker / workers)..<(count * (worker + 1) / workers))
        }
    }

    /// A manually managed array shared by the worker threads. Safe: every pass writes disjoint
    /// indices from each worker, and passes are separated by `concurrentPerform`'s join.
    private struct Buffer<Element>: @unchecked Sendable {
        let base: UnsafeMutablePointer<Element>
        init(count: Int) {
            base = .allocate(capacity: max(count, 1))
        }
        subscript(index: Int) -> Element {
            get { base[index] }
            nonmutating set { base[index] = newValue }
        }
        func free() { base.deallocate() }
    }

    /// The output matrix's storage.
    private struct Output: @unchecked Sendable {
        let base: UnsafeMutablePointer<Float>
    }

    /// Clip-wide cepstral mean/variance normalisation: `(c - mean) / (std + 1e-10)`.
    private struct Normalisation: Sendable {
        let mean: [Double]
        let std: [Double]
        @inline(__always)
        func apply(_ value: Double, _ c: Int) -> Double {
            (value - mean[c]) / (std[c] + FeatureConfig.cmvnEpsilon)
        }
    }

    /// Takes groups of eight analysis frames until none is left, waits until each group's samples
    /// are published, and writes their mel powers and autocorrelation lags, one frame per lane of
    /// `SIMD8<Float>`. Returns the largest band power seen.
    private static func analyseFrames(
        _ signal: BatchSignal, frameCount: Int, groups: GroupCounter,
        powers: UnsafeMutablePointer<Float>, lags: UnsafeMutablePointer<Float>
    ) -> Double {
        typealias Lanes = SIMD8<Float>
        let n = FeatureConfig.frameLength
        let hop = FeatureConfig.hopLength
        let bandCount = FeatureConfig.melBandCount
        let lagCount = FeatureConfig.autocorrelationLags
        let analyzer = FrameAnalyzer<Lanes>()
        let zeroLanes = UnsafeMutablePointer<Lanes>.allocate(capacity: n)
        let reflectLanes = UnsafeMutablePointer<Lanes>.allocate(capacity: n)
        let powerLanes = UnsafeMutablePointer<Lanes>.allocate(capacity: bandCount)
        let lagLanes = UnsafeMutablePointer<Lanes>.allocate(capacity: lagCount)
        zeroLanes.initialize(repeating: .zero, count: n)
        reflectLanes.initialize(repeating: .zero, count: n)
        defer {
            for p in [zeroLanes, reflectLanes, powerLanes, lagLanes] { p.deallocate() }
        }
        let samples = signal.samples
        let length = signal.length
        var top = 0.0
        while true {
            let group = groups.take() * Lanes.scalarCount
            if group >= frameCount { break }
            let used = min(Lanes.scalarCount, frameCount - group)
            // The group's last window ends at (last + 1) * hop; wait for the resampler to get there.
            let needed = min(length, (group + used) * hop)
            while signal.available < needed && !signal.isFinished { sched_yield() }
            // Frames wholly inside the signal need no padding: one buffer serves both analyses.
            let interior = group * hop - n / 2 >= 0 && (group + used) * hop <= length
            for lane in 0..<used {
                FrameWindow.fill(index: group + lane, signalLength: length) {
                    samples[$0]
                } write: { i, zero, reflect in
                    zeroLanes[i][lane] = zero
                    if !interior { reflectLanes[i][lane] = reflect }
                }
            }
            analyzer.melPowers(zeroLanes, into: powerLanes)
            analyzer.autocorrelation(interior ? zeroLanes : reflectLanes, into: lagLanes)
            for lane in 0..<used {
                let t = group + lane
                for b in 0..<bandCount {
                    let p = powerLanes[b][lane]
                    powers[t * bandCount + b] = p
                    top = max(top, Double(p))
                }
                for k in 0..<lagCount { lags[t * lagCount + k] = lagLanes[k][lane] }
            }
        }
        return top
    }

    /// Per-column mean and population standard deviation of a row-major matrix.
    static func meanAndStandardDeviation(_ values: UnsafePointer<Double>, rows: Int, columns: Int) -> ([Double], [Double]) {
        var mean = [Double](repeating: 0, count: columns)
        for r in 0..<rows { for c in 0..<columns { mean[c] += values[r * columns + c] } }
        for c in 0..<columns { mean[c] /= Double(rows) }
        var variance = [Double](repeating: 0, count: columns)
        for r in 0..<rows {
            for c in 0..<columns {
                let d = values[r * columns + c] - mean[c]
                variance[c] += d * d
            }
        }
        return (mean, variance.map { ($0 / Double(rows)).squareRoot() })
    }

    /// The reference's edge fix: a first or last frame whose lags are all near zero copies its neighbour.
    static func fixEdgeFrames(_ lags: UnsafeMutablePointer<Float>, frameCount: Int) {
        let n = FeatureConfig.autocorrelationLags
        func silent(_ t: Int) -> Bool {
            (0..<n).allSatisfy { Double(abs(lags[t * n + $0])) < FeatureConfig.edgeFrameThreshold }
        }
        guard frameCount >= 2 else { return }
        if silent(0) { (lags).update(from: lags + n, count: n) }
        let last = frameCount - 1
        if silent(last) { (lags + last * n).update(from: lags + (last - 1) * n, count: n) }
    }

    /// Output rows `rows`: deltas of the normalised cepstra (Savitzky-Golay, "interp" edges), the
    /// lags, each pair of analysis frames averaged (an odd last frame stands alone).
    private static func assemble(
        rows: Range<Int>, cepstra: UnsafePointer<Double>, lags: UnsafePointer<Float>, frameCount: Int,
        into out: UnsafeMutablePointer<Float>
    ) {
        let mfccCount = FeatureConfig.mfccCount
        let lagCount = FeatureConfig.autocorrelationLags
        let width = FeatureConfig.deltaWidth
        let half = width / 2
        let columns = FeatureConfig.featureCount
        let first = SavitzkyGolay(width: width, order: 1)
        let second = SavitzkyGolay(width: width, order: 2)
        let frame = UnsafeMutablePointer<Double>.allocate(capacity: 2 * columns)
        defer { frame.deallocate() }
        for k in rows {
            let members = min(2, frameCount - 2 * k)
            for m in 0..<members {
                let t = 2 * k + m
                let row = frame + m * columns
                // Window start and weight row: interior frames use the centre row; edges fit the end windows.
                let (start, weights): (Int, Int) =
                    t < half ? (0, t) : t >= frameCount - half ? (frameCount - width, t - (frameCount - width)) : (t - half, half)
                for c in 0..<mfccCount {
                    var d1 = 0.0
                    var d2 = 0.0
                    for i in 0..<width {
                        let v = cepstra[(start + i) * mfccCount + c]
                        d1 += first.weights[weights][i] * v
                        d2 += second.weights[weights][i] * v
                    }
                    row[c] = cepstra[t * mfccCount + c]
                    row[mfccCount + c] = d1
                    row[2 * mfccCount + c] = d2
                }
                for j in 0..<lagCount { row[3 * mfccCount + j] = Double(lags[t * lagCount + j]) }
            }
            let target = out + k * columns
            for c in 0..<columns {
                target[c] = members == 2 ? Float((frame[c] + frame[columns + c]) / 2) : Float(frame[c])
            }
        }
    }
}
