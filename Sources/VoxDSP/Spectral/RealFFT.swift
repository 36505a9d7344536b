import Foundation

/// Forward FFT of a real sequence of even length N through one complex FFT of length N/2.
///
/// Owns its work buffers (allocated once): a transform allocates nothing. Not thread-safe; give
/// each stream or thread its own instance. The plan inside is shared-safe.
public final class RealFFT {
    /// Real input length N (even).
    public let size: Int
    /// Number of output bins, N/2 + 1.
    public var binCount: Int { size / 2 + 1 }
    private let half: ComplexFFT
    private let zRe: UnsafeMutablePointer<Double>
    private let zIm: UnsafeMutablePointer<Double>
    private let workRe: UnsafeMutablePointer<Double>
    private let workIm: UnsafeMutablePointer<Double>
    private let scratch: UnsafeMutablePointer<Double>
    private let cosTable: [Double]
    private let sinTable: [Double]

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
        cosTable = (0...m).map { cos(2 * Double.pi * Double($0) / Double(size)) }
        sinTable = (0...m).map { sin(2 * Double.pi * Double($0) / Double(size)) }
    }

    deinit {
        for p in [zRe, zIm, workRe, workIm, scratch] { p.deallocate() }
    }

    /// Transforms `input` (N values) and calls `body(k, re, im)` for every bin k in 0...N/2.
    @inline(__always)
    public func forward(_ input: UnsafePointer<Double>, _ body: (Int, Double, Double) -> Void) {
        let m = size / 2
        for n in 0..<m {
            zRe[n] = input[2 * n]
            zIm[n] = input[2 * n + 1]
        }
        half.transform(re: zRe, im: zIm, workRe: workRe, workIm: workIm, scratch: scratch)
        cosTable.withUnsafeBufferPointer { cosT in
            sinTable.withUnsafeBufferPointer { sinT in
                for k in 0...m {
                    let a = k == m ? 0 : k
                    let b = k == 0 ? 0 : m - k
                    let zr = zRe[a], zi = zIm[a], cr = zRe[b], ci = zIm[b]
                    let er = 0.5 * (zr + cr), ei = 0.5 * (zi - ci)
                    let dr = 0.5 * (zr - cr), di = 0.5 * (zi + ci)
                    let c = cosT[k], s = sinT[k]
                    body(k, er + di * c - dr * s, ei - di * s - dr * c)
                }
            }
        }
    }

    /// Writes |X[k]|^2 for k in 0...N/2 into `power` (N/2 + 1 values).
    public func powerSpectrum(_ input: UnsafePointer<Double>, into power: UnsafeMutablePointer<Double>) {
        forward(input) { k, re, im in power[k] = re * re + im * im }
    }
}
