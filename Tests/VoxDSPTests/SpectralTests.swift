import Foundation
import Testing

@testable import VoxDSP

@Suite struct SpectralTests {
    @Test func savitzkyGolayCentreRowsAreScipysCoefficients() {
        // scipy.signal.savgol_coeffs(9, 1, deriv=1, use="dot") = k / 60 for k = -4...4.
        let first = SavitzkyGolay(width: 9, order: 1)
        for (i, w) in first.weights[4].enumerated() { #expect(abs(w - Double(i - 4) / 60) < 1e-12) }
        // scipy.signal.savgol_coeffs(9, 2, deriv=2, use="dot") = [28, 7, -8, -17, -20, -17, -8, 7, 28] / 462.
        let second = SavitzkyGolay(width: 9, order: 2)
        let numerators: [Double] = [28, 7, -8, -17, -20, -17, -8, 7, 28]
        let expected = numerators.map { $0 / 462 }
        for (w, e) in zip(second.weights[4], expected) { #expect(abs(w - e) < 1e-12) }
    }

    @Test func savitzkyGolayEdgeRowsDifferentiatePolynomialsExactly() {
        // A quadratic is fitted exactly, so every row (edges included) returns its true derivatives.
        let samples: [Double] = (0..<9).map { (i: Int) -> Double in
            let x = Double(i)
            return 3 * x * x - 2 * x + 1
        }
        let first = SavitzkyGolay(width: 9, order: 1), second = SavitzkyGolay(width: 9, order: 2)
        for t in 0..<9 {
            let d2 = zip(second.weights[t], samples).map(*).reduce(0, +)
            #expect(abs(d2 - 6) < 1e-9)
        }
        let line: [Double] = (0..<9).map { (i: Int) -> Double in 0.5 * Double(i) + 2 }
        for t in 0..<9 {
            #expect(abs(zip(first.weights[t], line).map(*).reduce(0, +) - 0.5) < 1e-12)
        }
    }

    @Test func slaneyMelScale() {
        #expect(abs(MelFilterBank.hzToMel(1000) - 15) < 1e-12)
        #expect(abs(MelFilterBank.hzToMel(200) - 3) < 1e-12)
        for hz in [0.0, 440, 999, 1000, 4000, 44100] {
            #expect(abs(MelFilterBank.melToHz(MelFilterBank.hzToMel(hz)) - hz) < 1e-9 * max(1, hz))
        }
        let bank = MelFilterBank(sampleRate: 88200, fftSize: 1470, bandCount: 128)
        #expect(bank.binCount == 736 && bank.offsets.count == 129)
        #expect(bank.weights.allSatisfy { $0 >= 0 })
        #expect(zip(bank.firstBin, bank.firstBin.dropFirst()).allSatisfy { $0 <= $1 }, "bands ascend")
    }

    @Test func dctIsOrthonormal() {
        let dct = DCT(inputCount: 8, outputCount: 8)
        var rows: [[Double]] = []
        for k in 0..<8 {
            var basis = [Double](repeating: 0, count: 8)
            basis[k] = 1
            var out = [Double](repeating: 0, count: 8)
            dct.apply(basis, into: &out)
            rows.append(out)
        }
        for a in 0..<8 {
            for b in 0..<8 {
                let dot = (0..<8).map { rows[a][$0] * rows[b][$0] }.reduce(0, +)
                #expect(abs(dot - (a == b ? 1 : 0)) < 1e-12)
            }
        }
    }

    @Test func reflectIndexMatchesNumpy() {
        // numpy.pad([0, 1, 2, 3], 3, mode="reflect") = [3, 2, 1, 0, 1, 2, 3, 2, 1, 0]
        let padded = (-3..<7).map { FrameWindow.reflect($0, count: 4) }
        #expect(padded == [3, 2, 1, 0, 1, 2, 3, 2, 1, 0])
    }
}
