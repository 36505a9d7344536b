import Dispatch
public import VoxCore

/// NeuroSync's (N, 256) audio features for a whole clip, exactly as the reference computes them
/// (`extract_audio_features` in NeuroSync_Local_API; see ../shared/reference/neurosync.md).
///
/// Pipeline: mono -> soxr HQ resample to 88.2 kHz -> peak normalisation -> per 120 fps frame:
/// mel dB and autocorrelation -> clip-wide 80 dB floor -> DCT -> clip-wide CMVN -> deltas ->
/// autocorrelation edge fix -> pairs averaged to 60 fps -> [mfcc 23, delta 23, delta2 23, autocorr 187].
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
    public static func extract(_ audio: DecodedAudio, source: String, padShort: Bool = false) throws(AudioInputError) -> Result {
        var signal = resampleForAnalysis(audio)
        if signal.count < FeatureConfig.minimumSamples {
            guard padShort else {
                throw .tooShort(
                    path: source, milliseconds: audio.duration * 1000,
                    minimumMilliseconds: Double(FeatureConfig.minimumSamples) * 1000 / Double(FeatureConfig.sampleRate))
            }
            signal.append(contentsOf: repeatElement(0, count: FeatureConfig.minimumSamples - signal.count))
        }
        return extract(signal88k: signal)
    }

    /// Features of a signal already at 88.2 kHz (at least `FeatureConfig.minimumSamples` long),
    /// peak-normalising it first. `threads` > 1 splits the per-frame work.
    public static func extract(signal88k signal: [Float], threads: Int = 2) -> Result {
        precondition(signal.count >= FeatureConfig.minimumSamples, "signal shorter than the 9-frame minimum")
        var peak: Float = 0
        for v in signal { peak = max(peak, abs(v)) }
        let normalised = peak > 0 ? signal.map { $0 / peak } : signal
        let frameCount = FeatureConfig.analysisFrameCount(sampleCount: signal.count)
        let bandCount = FeatureConfig.melBandCount
        let lagCount = FeatureConfig.autocorrelationLags
        var decibels = [Double](repeating: 0, count: frameCount * bandCount)
        var lags = [Double](repeating: 0, count: frameCount * lagCount)
        var largest = [Double](repeating: -.infinity, count: max(threads, 1))

        // Per-frame work: independent frames, split into contiguous chunks per thread.
        let workers = max(1, min(threads, frameCount / 64 + 1))
        normalised.withUnsafeBufferPointer { y in
            decibels.withUnsafeMutableBufferPointer { db in
                lags.withUnsafeMutableBufferPointer { ac in
                    largest.withUnsafeMutableBufferPointer { top in
                        // Safe: each worker writes only its own frames' rows and its own `top` slot.
                        let shared = SharedBuffers(y: y.baseAddress!, db: db.baseAddress!, ac: ac.baseAddress!, top: top.baseAddress!)
                        let count = y.count
                        DispatchQueue.concurrentPerform(iterations: workers) { worker in
                            let yBase = shared.y, dbBase = shared.db, acBase = shared.ac, topBase = shared.top
                            let analyzer = FrameAnalyzer()
                            let zero = UnsafeMutablePointer<Double>.allocate(capacity: FeatureConfig.frameLength)
                            let reflect = UnsafeMutablePointer<Double>.allocate(capacity: FeatureConfig.frameLength)
                            defer { zero.deallocate(); reflect.deallocate() }
                            let lower = frameCount * worker / workers, upper = frameCount * (worker + 1) / workers
                            var top = -Double.infinity
                            for t in lower..<upper {
                                FrameWindow.fill(index: t, signalLength: count, zeroPadded: zero, reflectPadded: reflect) { yBase[$0] }
                                top = max(top, analyzer.melDecibels(zero, into: dbBase + t * bandCount))
                                analyzer.autocorrelation(reflect, into: acBase + t * lagCount)
                            }
                            topBase[worker] = top
                        }
                    }
                }
            }
        }
        let maxDecibels = largest.max()!
        let floor = maxDecibels - FeatureConfig.topDecibels
        let mfccCount = FeatureConfig.mfccCount
        var cepstra = [Double](repeating: 0, count: frameCount * mfccCount)
        let analyzer = FrameAnalyzer()
        decibels.withUnsafeBufferPointer { db in
            cepstra.withUnsafeMutableBufferPointer { c in
                for t in 0..<frameCount {
                    analyzer.cepstrum(db.baseAddress! + t * bandCount, floor: floor, into: c.baseAddress! + t * mfccCount)
                }
            }
        }
        let (mean, std) = meanAndStandardDeviation(cepstra, columns: mfccCount)
        for t in 0..<frameCount {
            for c in 0..<mfccCount {
                cepstra[t * mfccCount + c] = (cepstra[t * mfccCount + c] - mean[c]) / (std[c] + FeatureConfig.cmvnEpsilon)
            }
        }
        fixEdgeFrames(&lags, frameCount: frameCount)
        let features = assemble(normalisedCepstra: cepstra, lags: lags, frameCount: frameCount)
        let statistics = FeatureStatistics(
            peak: peak > 0 ? peak : 1, maxDecibels: maxDecibels, cepstralMean: mean, cepstralStandardDeviation: std)
        return Result(features: features, statistics: statistics)
    }

    /// Raw pointers handed to the frame workers.
    private struct SharedBuffers: @unchecked Sendable {
        let y: UnsafePointer<Float>
        let db: UnsafeMutablePointer<Double>
        let ac: UnsafeMutablePointer<Double>
        let top: UnsafeMutablePointer<Double>
    }

    /// Per-column mean and population standard deviation of a row-major matrix.
    static func meanAndStandardDeviation(_ values: [Double], columns: Int) -> ([Double], [Double]) {
        let rows = values.count / columns
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
    static func fixEdgeFrames(_ lags: inout [Double], frameCount: Int) {
        let n = FeatureConfig.autocorrelationLags
        func silent(_ t: Int) -> Bool {
            (0..<n).allSatisfy { abs(lags[t * n + $0]) < FeatureConfig.edgeFrameThreshold }
        }
        guard frameCount >= 2 else { return }
        if silent(0) { for k in 0..<n { lags[k] = lags[n + k] } }
        let last = frameCount - 1
        if silent(last) { for k in 0..<n { lags[last * n + k] = lags[(last - 1) * n + k] } }
    }

    /// Deltas, stacking and pair reduction into the (N, 256) matrix.
    static func assemble(normalisedCepstra cepstra: [Double], lags: [Double], frameCount: Int) -> FeatureMatrix {
        let mfccCount = FeatureConfig.mfccCount, lagCount = FeatureConfig.autocorrelationLags
        let width = FeatureConfig.deltaWidth, half = width / 2
        let first = SavitzkyGolay(width: width, order: 1), second = SavitzkyGolay(width: width, order: 2)
        let columns = FeatureConfig.featureCount
        var full = [Double](repeating: 0, count: frameCount * columns)
        for t in 0..<frameCount {
            // Window start and weight row: interior frames use the centre row; edges fit the end windows.
            let (start, row): (Int, Int) =
                t < half ? (0, t) : t >= frameCount - half ? (frameCount - width, t - (frameCount - width)) : (t - half, half)
            for c in 0..<mfccCount {
                var d1 = 0.0, d2 = 0.0
                for i in 0..<width {
                    let v = cepstra[(start + i) * mfccCount + c]
                    d1 += first.weights[row][i] * v
                    d2 += second.weights[row][i] * v
                }
                full[t * columns + c] = cepstra[t * mfccCount + c]
                full[t * columns + mfccCount + c] = d1
                full[t * columns + 2 * mfccCount + c] = d2
            }
            for k in 0..<lagCount { full[t * columns + 3 * mfccCount + k] = lags[t * lagCount + k] }
        }
        let outputCount = (frameCount + 1) / 2
        var out = FeatureMatrix(rows: outputCount, columns: columns)
        for k in 0..<outputCount {
            let a = 2 * k, b = 2 * k + 1
            for c in 0..<columns {
                out[k, c] = b < frameCount ? Float((full[a * columns + c] + full[b * columns + c]) / 2) : Float(full[a * columns + c])
            }
        }
        return out
    }
}
