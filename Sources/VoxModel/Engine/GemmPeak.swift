import COpenBLAS
import Dispatch

/// Measures the machine's sgemm throughput at the shape that dominates a window (a 128-row
/// activation times a hidden x 3*hidden weight), split over `threads` threads by columns as the
/// session splits its products: the ceiling a window's GFLOP/s is compared with.
public enum GemmPeak {
    /// Best GFLOP/s over `repetitions` products of [rows x depth] x [depth x columns].
    public static func measure(rows: Int = 128, depth: Int = 1024, columns: Int = 3072, threads: Int = 2, repetitions: Int = 20) -> Double {
        let a = Buffer(count: rows * depth, fill: 0.5)
        let b = Buffer(count: columns * depth, fill: 0.25)
        let c = Buffer(count: rows * columns, fill: 0)
        defer {
            a.free()
            b.free()
            c.free()
        }
        guard case .success = BLAS.library else { return 0 }
        let clock = ContinuousClock()
        var best = Double.infinity
        for _ in 0..<repetitions {
            let start = clock.now
            DispatchQueue.concurrentPerform(iterations: threads) { worker in
                let lower = columns * worker / threads / 16 * 16
                let upper = worker == threads - 1 ? columns : columns * (worker + 1) / threads / 16 * 16
                BLAS.sgemm(
                    CblasNoTrans, CblasTrans, rows, upper - lower, depth,
                    1, a.pointer, depth, b.pointer + lower * depth, depth, 0, c.pointer + lower, columns)
            }
            let elapsed = clock.now - start
            let (seconds, attoseconds) = elapsed.components
            best = min(best, Double(seconds) + Double(attoseconds) * 1e-18)
        }
        return 2 * Double(rows) * Double(depth) * Double(columns) / best / 1e9
    }

    private struct Buffer: @unchecked Sendable {
        let pointer: UnsafeMutablePointer<Float>
        init(count: Int, fill: Float) {
            pointer = .allocate(capacity: count)
            pointer.initialize(repeating: fill, count: count)
        }
        func free() { pointer.deallocate() }
    }
}
