#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A mixed-radix complex FFT plan (self-sorting Stockham, decimation in frequency) for any size,
/// with fast paths for radices 2, 3, 4, 5 and 7 and a symmetric butterfly for other odd radices.
///
/// Forward transform, no scaling: `X[k] = sum_n x[n] exp(-2 pi i n k / N)`. Tables are in
/// `Scalar`; `transform` runs on any `FFTLane` with that scalar (one signal per lane). The plan is
/// immutable and `Sendable`; the caller supplies work buffers, so a transform allocates nothing.
public final class ComplexFFT<Scalar: BinaryFloatingPoint & Sendable>: Sendable {
    /// Transform length.
    public let size: Int
    /// Radices in the order the stages apply them.
    public let factors: [Int]
    let stages: [Stage]
    /// Largest odd radix, which sizes the generic butterfly's scratch.
    let maxOddRadix: Int

    struct Stage: Sendable {
        let radix: Int
        let length: Int  // n: length of each sub-sequence at this stage
        let stride: Int  // s: number of interleaved sub-sequences
        /// twiddle[p * (radix - 1) + (k - 1)] = exp(-2 pi i p k / n), for p < n / radix, 1 <= k < radix.
        let twiddleRe: [Scalar]
        let twiddleIm: [Scalar]
        /// cos/sin(2 pi j k / radix) for the odd-radix butterflies, indexed [j * radix + k].
        let rootCos: [Scalar]
        let rootSin: [Scalar]
    }

    /// A plan for transforms of length `size` (>= 1).
    public init(size: Int) {
        precondition(size >= 1, "FFT size must be positive")
        self.size = size
        var remaining = size
        var factors: [Int] = []
        while remaining % 4 == 0 {
            factors.append(4)
            remaining /= 4
        }
        while remaining % 2 == 0 {
            factors.append(2)
            remaining /= 2
        }
        var f = 3
        while remaining > 1 {
            while remaining % f == 0 {
                factors.append(f)
                remaining /= f
            }
            f += 2
            if f * f > remaining && remaining > 1 {
                factors.append(remaining)
                remaining = 1
            }
        }
        self.factors = factors
        var stages: [Stage] = []
        var length = size
        var stride = 1
        for radix in factors {
            let m = length / radix
            var twRe = [Scalar](repeating: 0, count: m * (radix - 1))
            var twIm = twRe
            for p in 0..<m {
                for k in 1..<radix {
                    let angle = -2.0 * Double.pi * Double(p * k) / Double(length)
                    twRe[p * (radix - 1) + k - 1] = Scalar(cos(angle))
                    twIm[p * (radix - 1) + k - 1] = Scalar(sin(angle))
                }
            }
            var rootCos = [Scalar](repeating: 0, count: radix * radix)
            var rootSin = rootCos
            for j in 0..<radix {
                for k in 0..<radix {
                    let angle = 2.0 * Double.pi * Double((j * k) % radix) / Double(radix)
                    rootCos[j * radix + k] = Scalar(cos(angle))
                    rootSin[j * radix + k] = Scalar(sin(angle))
                }
            }
            stages.append(
                Stage(
                    radix: radix, length: length, stride: stride, twiddleRe: twRe, twiddleIm: twIm, rootCos: rootCos,
                    rootSin: rootSin))
            length = m
            stride *= radix
        }
        self.stages = stages
        self.maxOddRadix = factors.filter { $0 % 2 == 1 }.max() ?? 1
    }

    /// Lanes of scratch `transform` needs besides the data and work arrays.
    public var scratchCount: Int { 2 * maxOddRadix + 2 }

    /// Transforms (`re`, `im`) in place, every lane independently. `workRe`/`workIm` hold `size`
    /// values each and `scratch` `scratchCount`; their contents are overwritten.
    @inline(__always)
    public func transform<V: FFTLane>(
        re: UnsafeMutablePointer<V>, im: UnsafeMutablePointer<V>,
        workRe: UnsafeMutablePointer<V>, workIm: UnsafeMutablePointer<V>,
        scratch: UnsafeMutablePointer<V>
    ) where V.Scalar == Scalar {
        var srcRe = re
        var srcIm = im
        var dstRe = workRe
        var dstIm = workIm
        for stage in stages {
            switch stage.radix {
            case 2: radix2(stage, srcRe, srcIm, dstRe, dstIm)
            case 4: radix4(stage, srcRe, srcIm, dstRe, dstIm)
            case 3: radix3(stage, srcRe, srcIm, dstRe, dstIm)
            case 5: radix5(stage, srcRe, srcIm, dstRe, dstIm)
            case 7: radix7(stage, srcRe, srcIm, dstRe, dstIm)
            default: radixOdd(stage, srcRe, srcIm, dstRe, dstIm, scratch)
            }
            swap(&srcRe, &dstRe)
            swap(&srcIm, &dstIm)
        }
        if srcRe != re {
            re.update(from: srcRe, count: size)
            im.update(from: srcIm, count: size)
        }
    }

    @inline(__always)
    private func radix2<V: FFTLane>(
        _ st: Stage, _ xr: UnsafeMutablePointer<V>, _ xi: UnsafeMutablePointer<V>,
        _ yr: UnsafeMutablePointer<V>, _ yi: UnsafeMutablePointer<V>
    ) where V.Scalar == Scalar {
        let m = st.length / 2
        let s = st.stride
        st.twiddleRe.withUnsafeBufferPointer { twr in
            st.twiddleIm.withUnsafeBufferPointer { twi in
                for p in 0..<m {
                    let wr = twr[p]
                    let wi = twi[p]
                    for q in 0..<s {
                        let i0 = q + s * p
                        let i1 = i0 + s * m
                        let ar = xr[i0]
                        let ai = xi[i0]
                        let br = xr[i1]
                        let bi = xi[i1]
                        let o0 = q + s * 2 * p
                        yr[o0] = ar + br
                        yi[o0] = ai + bi
                        let dr = ar - br
                        let di = ai - bi
                        yr[o0 + s] = dr * wr - di * wi
                        yi[o0 + s] = dr * wi + di * wr
                    }
                }
            }
        }
    }

    @inline(__always)
    private func radix4<V: FFTLane>(
        _ st: Stage, _ xr: UnsafeMutablePointer<V>, _ xi: UnsafeMutablePointer<V>,
        _ yr: UnsafeMutablePointer<V>, _ yi: UnsafeMutablePointer<V>
    ) where V.Scalar == Scalar {
        let m = st.length / 4
        let s = st.stride
        let sm = s * m
        st.twiddleRe.withUnsafeBufferPointer { twr in
            st.twiddleIm.withUnsafeBufferPointer { twi in
                for p in 0..<m {
                    let w1r = twr[3 * p]
                    let w1i = twi[3 * p]
                    let w2r = twr[3 * p + 1]
                    let w2i = twi[3 * p + 1]
                    let w3r = twr[3 * p + 2]
                    let w3i = twi[3 * p + 2]
                    for q in 0..<s {
                        let i0 = q + s * p
                        let a0r = xr[i0]
                        let a0i = xi[i0]
                        let a1r = xr[i0 + sm]
                        let a1i = xi[i0 + sm]
                        let a2r = xr[i0 + 2 * sm]
                        let a2i = xi[i0 + 2 * sm]
                        let a3r = xr[i0 + 3 * sm]
                        let a3i = xi[i0 + 3 * sm]
                        let t0r = a0r + a2r
                        let t0i = a0i + a2i
                        let t1r = a0r - a2r
                        let t1i = a0i - a2i
                        let t2r = a1r + a3r
                        let t2i = a1i + a3i
                        // -i * (a1 - a3)
                        let t3r = a1i - a3i
                        let t3i = a3r - a1r
                        let o = q + s * 4 * p
                        yr[o] = t0r + t2r
                        yi[o] = t0i + t2i
                        let b1r = t1r + t3r
                        let b1i = t1i + t3i
                        let b2r = t0r - t2r
                        let b2i = t0i - t2i
                        let b3r = t1r - t3r
                        let b3i = t1i - t3i
                        yr[o + s] = b1r * w1r - b1i * w1i
                        yi[o + s] = b1r * w1i + b1i * w1r
                        yr[o + 2 * s] = b2r * w2r - b2i * w2i
                        yi[o + 2 * s] = b2r * w2i + b2i * w2r
                        yr[o + 3 * s] = b3r * w3r - b3i * w3i
                        yi[o + 3 * s] = b3r * w3i + b3i * w3r
                    }
                }
            }
        }
    }

    /// Odd radix r: b_k = a_0 + sum_{j=1}^{(r-1)/2} [(a_j + a_{r-j}) cos(2 pi j k / r)
    ///                                              - i (a_j - a_{r-j}) sin(2 pi j k / r)].
    private func radixOdd<V: FFTLane>(
        _ st: Stage, _ xr: UnsafeMutablePointer<V>, _ xi: UnsafeMutablePointer<V>,
        _ yr: UnsafeMutablePointer<V>, _ yi: UnsafeMutablePointer<V>,
        _ scratch: UnsafeMutablePointer<V>
    ) where V.Scalar == Scalar {
        let r = st.radix
        let m = st.length / r
        let s = st.stride
        let half = (r - 1) / 2
        let sumR = scratch
        let sumI = scratch + half
        let difR = scratch + 2 * half
        let difI = scratch + 3 * half
        let zero = V(repeating: 0)
        for p in 0..<m {
            for q in 0..<s {
                let base = q + s * p
                let a0r = xr[base]
                let a0i = xi[base]
                var dcR = a0r
                var dcI = a0i
                for j in 1...half {
                    let lo = base + j * s * m
                    let hi = base + (r - j) * s * m
                    sumR[j - 1] = xr[lo] + xr[hi]
                    sumI[j - 1] = xi[lo] + xi[hi]
                    difR[j - 1] = xr[lo] - xr[hi]
                    difI[j - 1] = xi[lo] - xi[hi]
                    dcR = dcR + sumR[j - 1]
                    dcI = dcI + sumI[j - 1]
                }
                let o = q + s * r * p
                yr[o] = dcR
                yi[o] = dcI
                for k in 1...half {
                    var cr = a0r
                    var ci = a0i
                    var sr = zero
                    var si = zero
                    for j in 1...half {
                        let c = st.rootCos[j * r + k]
                        let sn = st.rootSin[j * r + k]
                        cr = cr + sumR[j - 1] * c
                        ci = ci + sumI[j - 1] * c
                        sr = sr + difR[j - 1] * sn
                        si = si + difI[j - 1] * sn
                    }
                    // b_k = C - i S, b_{r-k} = C + i S, with C = (cr, ci), S = (sr, si).
                    let bkR = cr + si
                    let bkI = ci - sr
                    let bnR = cr - si
                    let bnI = ci + sr
                    let wk = p * (r - 1) + k - 1
                    let wn = p * (r - 1) + (r - k) - 1
                    yr[o + k * s] = bkR * st.twiddleRe[wk] - bkI * st.twiddleIm[wk]
                    yi[o + k * s] = bkR * st.twiddleIm[wk] + bkI * st.twiddleRe[wk]
                    yr[o + (r - k) * s] = bnR * st.twiddleRe[wn] - bnI * st.twiddleIm[wn]
                    yi[o + (r - k) * s] = bnR * st.twiddleIm[wn] + bnI * st.twiddleRe[wn]
                }
            }
        }
    }
}
