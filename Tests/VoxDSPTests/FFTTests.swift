import Foundation
import Testing

@testable import VoxDSP

@Suite struct FFTTests {
    /// Naive O(N^2) DFT in Double, the reference for the FFT.
    static func naiveDFT(_ re: [Double], _ im: [Double]) -> ([Double], [Double]) {
        let n = re.count
        var outRe = [Double](repeating: 0, count: n), outIm = outRe
        for k in 0..<n {
            for j in 0..<n {
                let angle = -2 * Double.pi * Double((j * k) % n) / Double(n)
                outRe[k] += re[j] * cos(angle) - im[j] * sin(angle)
                outIm[k] += re[j] * sin(angle) + im[j] * cos(angle)
            }
        }
        return (outRe, outIm)
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 15, 16, 49, 52, 105, 735, 840, 1024])
    func complexFFTMatchesTheNaiveDFT(size: Int) {
        var generator = SystemRandomNumberGenerator()
        let re = (0..<size).map { _ in Double.random(in: -1...1, using: &generator) }
        let im = (0..<size).map { _ in Double.random(in: -1...1, using: &generator) }
        let (expectRe, expectIm) = Self.naiveDFT(re, im)
        let fft = ComplexFFT<Double>(size: size)
        #expect(fft.factors.reduce(1, *) == size)
        var xr = re, xi = im
        var wr = [Double](repeating: 0, count: size), wi = wr
        var scratch = [Double](repeating: 0, count: fft.scratchCount)
        fft.transform(re: &xr, im: &xi, workRe: &wr, workIm: &wi, scratch: &scratch)
        let worst = (0..<size).map { max(abs(xr[$0] - expectRe[$0]), abs(xi[$0] - expectIm[$0])) }.max()!
        #expect(worst < 1e-9 * Double(size), "size \(size): max error \(worst)")
    }

    @Test(arguments: [2, 10, 1470, 2048])
    func realFFTMatchesTheNaiveDFT(size: Int) {
        let x: [Double] = (0..<size).map { (i: Int) -> Double in
            let t = Double(i)
            return sin(t * 0.37) + 0.25 * cos(t * t * 0.01)
        }
        let (expectRe, expectIm) = Self.naiveDFT(x, [Double](repeating: 0, count: size))
        let fft = RealFFT<Double>(size: size)
        var worst = 0.0
        x.withUnsafeBufferPointer { input in
            fft.forward(input.baseAddress!) { k, re, im in
                worst = max(worst, abs(re - expectRe[k]), abs(im - expectIm[k]))
            }
        }
        #expect(worst < 1e-9 * Double(size), "size \(size): max error \(worst)")
    }

    /// Eight different signals in the lanes of SIMD8<Float> transform independently (float32 accuracy).
    @Test(arguments: [735, 1024, 60])
    func laneFFTTransformsEachLaneIndependently(size: Int) {
        var generator = SystemRandomNumberGenerator()
        let signals: [[Double]] = (0..<8).map { _ in (0..<2 * size).map { _ in Double.random(in: -1...1, using: &generator) } }
        let fft = ComplexFFT<Float>(size: size)
        var xr = [SIMD8<Float>](repeating: .zero, count: size)
        var xi = xr
        for lane in 0..<8 {
            for j in 0..<size {
                xr[j][lane] = Float(signals[lane][2 * j])
                xi[j][lane] = Float(signals[lane][2 * j + 1])
            }
        }
        var wr = [SIMD8<Float>](repeating: .zero, count: size)
        var wi = wr
        var scratch = [SIMD8<Float>](repeating: .zero, count: fft.scratchCount)
        fft.transform(re: &xr, im: &xi, workRe: &wr, workIm: &wi, scratch: &scratch)
        for lane in 0..<8 {
            let re = (0..<size).map { signals[lane][2 * $0] }
            let im = (0..<size).map { signals[lane][2 * $0 + 1] }
            let (expectRe, expectIm) = Self.naiveDFT(re, im)
            let worst = (0..<size).map { max(abs(Double(xr[$0][lane]) - expectRe[$0]), abs(Double(xi[$0][lane]) - expectIm[$0])) }.max()!
            #expect(worst < 1e-5 * Double(size), "lane \(lane): max error \(worst)")
        }
    }
}
