import CVoxKernels
import Testing
import VoxCore

/// `vox_linear_f32` (the face model's own matrix kernel) against a float64 reference, on every
/// path this CPU has (portable C, AVX2 + FMA, AVX-512), over shapes that hit every block and
/// tail: rows not a multiple of 4, columns not a multiple of 8 or 16, padded leading dimensions.
@Suite struct LinearKernelTests {
    @Test(arguments: Array(0...Int(vox_linear_isa())))
    func matchesTheReferenceOnEveryShape(isa: Int) {
        var random = SplitMix64(seed: 0x11AE_A5)
        func value() -> Float { Float(Int(random.next() % 2001) - 1000) / 1000 }
        var checked = 0
        for rows in [1, 3, 4, 5, 9, 32] {
            for n in [1, 7, 8, 15, 16, 17, 24, 33, 63, 64, 65, 96, 130] {
                for k in [1, 5, 96] {
                    let (ldx, ldw, ldy) = (k + 3, n + 5, n + 2)
                    let x = (0..<(rows * ldx)).map { _ in value() }
                    let w = (0..<(k * ldw)).map { _ in value() }
                    let y0 = (0..<(rows * ldy)).map { _ in value() }
                    var y = y0
                    vox_linear_f32_isa(
                        Int32(isa), x, Int32(ldx), w, Int32(ldw), &y, Int32(ldy), Int32(rows), Int32(n), Int32(k))
                    var worst: Double = 0
                    for r in 0..<rows {
                        for j in 0..<ldy {
                            let got = Double(y[r * ldy + j])
                            guard j < n else {
                                // The padding past n is never written.
                                #expect(got == Double(y0[r * ldy + j]), "rows \(rows) n \(n) k \(k): padding written")
                                continue
                            }
                            var sum = Double(y0[r * ldy + j])
                            var scale = abs(sum)
                            for p in 0..<k {
                                let term = Double(x[r * ldx + p]) * Double(w[p * ldw + j])
                                sum += term
                                scale += abs(term)
                            }
                            worst = max(worst, abs(got - sum) / max(scale, 1e-6))
                        }
                    }
                    #expect(worst <= 1e-6, "isa \(isa) rows \(rows) n \(n) k \(k): relative error \(worst)")
                    checked += 1
                }
            }
        }
        #expect(checked == 6 * 13 * 3)
    }

    @Test func emptyShapesWriteNothing() {
        var y: [Float] = [1, 2, 3]
        let x: [Float] = [1]
        let w: [Float] = [1]
        vox_linear_f32(x, 1, w, 1, &y, 3, 0, 3, 1)
        vox_linear_f32(x, 1, w, 1, &y, 3, 1, 0, 1)
        vox_linear_f32(x, 1, w, 1, &y, 3, 1, 3, 0)
        #expect(y == [1, 2, 3])
    }
}
