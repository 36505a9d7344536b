import CVoxKernels
import Foundation
import Testing
import VoxCore

@testable import VoxModel

/// `vox_softmax_rows` (the attention's softmax) against a float64 reference on both paths (the
/// AVX-512 one runs where the CPU has it, else the call falls back to C), for row widths that hit
/// whole registers and masked tails, with scores spread over ±20 (relative error <= 5e-6: the
/// range reduction of e^x loses a few ulps 40 below the top).
@Suite struct SoftmaxKernelTests {
    @Test(arguments: [0, 2])
    func matchesTheReference(isa: Int) {
        var random = SplitMix64(seed: 0x50F7)
        for width in Array(1...40) + [63, 64, 65, 128, 256] {
            let rows = 3
            var m = (0..<(rows * width)).map { _ in Float(Int(random.next() % 4001) - 2000) / 100 }
            let input = m
            vox_softmax_rows_isa(Int32(isa), &m, Int32(rows), Int32(width))
            for r in 0..<rows {
                let row = input[(r * width)..<((r + 1) * width)].map(Double.init)
                let top = row.max()!
                let e = row.map { exp($0 - top) }
                let sum = e.reduce(0, +)
                let got = (0..<width).map { Double(m[r * width + $0]) }
                let worst = (0..<width).map { abs(got[$0] - e[$0] / sum) / (e[$0] / sum) }.max() ?? 0
                #expect(worst <= 5e-6, "isa \(isa) width \(width): relative error \(worst)")
                #expect(abs(got.reduce(0, +) - 1) <= 1e-5, "isa \(isa) width \(width): sum \(got.reduce(0, +))")
            }
        }
    }

    @Test(arguments: [0, 2])
    func scoresFarBelowTheTopGiveZero(isa: Int) {
        var m: [Float] = [0, -100, -86, 5, -200]
        vox_softmax_rows_isa(Int32(isa), &m, 1, 5)
        // -105 and -205 below the top are under e^-87: exactly 0; -91 is too.
        #expect(m[1] == 0 && m[4] == 0 && m[2] == 0)
        #expect(abs(Double(m[3]) - 1 / (1 + exp(-5))) <= 1e-6)
    }

    @Test func emptyRowsAreLeftAlone() {
        var m: [Float] = [1, 2]
        vox_softmax_rows(&m, 0, 2)
        vox_softmax_rows(&m, 1, 0)
        #expect(m == [1, 2])
    }
}

/// The model's Swift softmax (used where the CPU lacks AVX-512) agrees with the C kernel.
@Suite struct SoftmaxLanesTests {
    @Test func swiftLanesMatchTheKernel() {
        var random = SplitMix64(seed: 0x1A7E)
        for width in [1, 7, 8, 9, 32, 33, 128] {
            let input = (0..<(3 * width)).map { _ in Float(Int(random.next() % 4001) - 2000) / 100 }
            var lanes = input
            var kernel = input
            lanes.withUnsafeMutableBufferPointer { Kernels.softmaxLanes($0.baseAddress!, rows: 3, width: width) }
            vox_softmax_rows_isa(0, &kernel, 3, Int32(width))
            for i in input.indices where kernel[i] > 1e-30 {
                #expect(abs(lanes[i] - kernel[i]) / kernel[i] <= 5e-6, "width \(width) index \(i)")
            }
        }
    }
}
