#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Forward FFT of real sequences of even length N through one complex FFT of length N/2, on any
/// `FFTLane` (one real signal per lane).
///
/// Owns its work buffers (allocated once): a transform allocates nothing. Not thread-safe; give
/// each stream or thread its own instance. The plan inside is shared-safe.
public final class RealFFT<V: FFTLane> {
    /// Real input length N (even).
    public let size: Int
    /// Number of output bins, N/2 + 1.
    public var binCount: Int { size / 2 + 1 }
    private let half: ComplexFFT<V.Scalar>
    private let zRe: UnsafeMutablePointer<V>
    private let zIm: UnsafeMutablePointer<V>
    private let workRe: UnsafeMutablePointer<V>
    private let workIm: UnsafeMutablePointer<V>
    private let scratch: UnsafeMutablePointer<V>
    private let cosTable: [V.Scalar]
    private let sinTable: [V.Scalar]

    /// A transform for real inputs of even length `size`.
    public init(size: Int) {
        precondition(size >= 2 && size % 2 == 0, "RealFFT needs an even size >= 2")
        self.size = size
        let m = size / 2
        half = ComplexFFT(size: m)
        zRe = .allocate(capacity: m)
        zIm = .allocate(capacity: m)
        workRe = .allocate(capacity: m)
        workIm = .allocate(capacity: m)
        scratch = .allocate(capacity: half.scratchCount)
        cosTable = (0...m).map { V.Scalar(cos(2 * Double.pi * Double($0) / Double(size))) }
        sinTable = (0...m).map { V.Scalar(sin(2 * Double.pi * Double($0) / Double(size))) }
    }

    deinit {
        for p in [zRe, zIm, workRe, workIm, scratch] { p.deallocate() }
    }

    /// Transforms `input` (N values) and calls `body(k, re, im)` for every bin k in 0...N/2.
    @inline(__always)
    public func forward(_ input: UnsafePointer<V>, _ body: (Int, V, V) -> Void) {
        let m = size / 2
        for n in 0..<m {
            zRe[n] = input[2 * n]
            zIm[n] = input[2 * n + 1]
        }
        half.transform(re: zRe, im: zIm, workRe: workRe, workIm: workIm, scratch: scratch)
        let one2: V.Scalar = 0.5
        cosTable.withUnsafeBufferPointer { cosT in
            sinTable.withUnsafeBufferPointer { sinT in
                for k in 0...m {
                    let a = k == m ? 0 : k
                    let b = k == 0 ? 0 : m - k
                    let zr = zRe[a]
                    let zi = zIm[a]
                    let cr = zRe[b]
                    let ci = zIm[b]
                    let er = (zr + cr) * one2
                    let ei = (zi - ci) * one2
                    let dr = (zr - cr) * one2
                    let di = (zi + ci) * one2
                    let c = cosT[k]
                    let s = sinT[k]
                    body(k, er + di * c - dr * s, ei - di * s - dr * c)
                }
            }
        }
    }

    /// Writes |X[k]|^2 for k in 0...N/2 into `power` (N/2 + 1 values).
    @inline(__always)
    public func powerSpectrum(_ input: UnsafePointer<V>, into power: UnsafeMutablePointer<V>) {
        forward(input) { k, re, im in power[k] = re * re + im * im }
    }
}
