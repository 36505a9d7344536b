/// Cuts analysis frames out of a signal with the two edge rules NeuroSync uses: zero padding (the
/// centred STFT of the MFCCs) and reflect padding (`numpy.pad(mode="reflect")`, the
/// autocorrelation), both by half a frame at each end.
enum FrameWindow {
    /// Fills `zeroPadded` and `reflectPadded` (1470 values each) with analysis frame `index`,
    /// which covers signal samples `index * 735 - 735 ..< index * 735 + 735`. `sample(i)` must
    /// answer for every index in that range that lies inside `0 ..< signalLength` (and for the
    /// mirrored ones near the edges).
    @inline(__always)
    static func fill(
        index: Int, signalLength: Int,
        zeroPadded: UnsafeMutablePointer<Double>, reflectPadded: UnsafeMutablePointer<Double>,
        sample: (Int) -> Float
    ) {
        fill(index: index, signalLength: signalLength, sample: sample) { i, zero, reflect in
            zeroPadded[i] = Double(zero)
            reflectPadded[i] = Double(reflect)
        }
    }

    /// numpy's "reflect" index (the edge sample not repeated), folding as often as needed.
    @inline(__always)
    static func reflect(_ index: Int, count: Int) -> Int {
        if count == 1 { return 0 }
        let period = 2 * (count - 1)
        var j = index % period
        if j < 0 { j += period }
        return j < count ? j : period - j
    }

    /// Calls `write(i, zeroPadded, reflectPadded)` for the 1470 positions of analysis frame
    /// `index`; the two values differ only outside `0 ..< signalLength`.
    @inline(__always)
    static func fill(
        index: Int, signalLength: Int, sample: (Int) -> Float, write: (Int, Float, Float) -> Void
    ) {
        let n = FeatureConfig.frameLength
        let start = index * FeatureConfig.hopLength - FeatureConfig.frameLength / 2
        if start >= 0 && start + n <= signalLength {
            for i in 0..<n {
                let v = sample(start + i)
                write(i, v, v)
            }
            return
        }
        for i in 0..<n {
            let j = start + i
            if j >= 0 && j < signalLength {
                let v = sample(j)
                write(i, v, v)
            } else {
                write(i, 0, sample(reflect(j, count: signalLength)))
            }
        }
    }
}
