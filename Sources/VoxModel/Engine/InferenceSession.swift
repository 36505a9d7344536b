import COpenBLAS
import Dispatch

/// One stream's state for running windows through a shared `FaceModel`: every buffer a window
/// needs, allocated once at init, so `run` allocates nothing.
///
/// `threads` > 1 splits each matrix product by output columns and each attention by heads over
/// that many threads (OpenBLAS itself is set to one thread, so streams running sessions on
/// separate threads do not oversubscribe the cores). Not thread-safe: a session belongs to one
/// stream at a time; any number of sessions may share one model concurrently.
public final class InferenceSession {
    /// The shared weights.
    public let model: FaceModel
    /// Threads a window is split over.
    public let threads: Int
    private let work: Workspace
    /// The forward pass, built once (the closures read the window length from the workspace).
    private let plan: [Step]
    /// The session's worker threads (nil for one thread).
    private let pool: StepPool?

    /// The session's buffers. `@unchecked Sendable`: the worker threads of one parallel region
    /// write disjoint columns, heads or rows, and regions are separated by the join.
    private struct Workspace: @unchecked Sendable {
        let x: UnsafeMutablePointer<Float>  // L x H, the running activation
        let memory: UnsafeMutablePointer<Float>  // L x H, the encoder output
        let qkv: UnsafeMutablePointer<Float>  // L x 3H
        let context: UnsafeMutablePointer<Float>  // L x H, attention output before out_linear
        let projected: UnsafeMutablePointer<Float>  // L x H
        let hidden: UnsafeMutablePointer<Float>  // L x 4H
        let crossKV: UnsafeMutablePointer<Float>  // L x layers*2H
        let scores: UnsafeMutablePointer<Float>  // threads x L x L
        let input: UnsafeMutablePointer<Float>  // L x inputDim, a copy of the caller's window
        let output: UnsafeMutablePointer<Float>  // L x outputDim
        let length: UnsafeMutablePointer<Int>  // frames in the current window

        var all: [UnsafeMutablePointer<Float>] { [x, memory, qkv, context, projected, hidden, crossKV, scores, input, output] }
    }

    /// A session for windows of up to `model.config.frameSize` frames, split over `threads` threads.
    public init(model: FaceModel, threads: Int = 1) {
        precondition(threads >= 1, "a session needs at least one thread")
        self.model = model
        self.threads = threads
        let c = model.config
        let l = c.frameSize
        let h = c.hiddenDim
        func buffer(_ count: Int) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: count)
            p.initialize(repeating: 0, count: count)
            return p
        }
        work = Workspace(
            x: buffer(l * h), memory: buffer(l * h), qkv: buffer(l * 3 * h), context: buffer(l * h),
            projected: buffer(l * h), hidden: buffer(l * c.feedForwardDim), crossKV: buffer(l * c.layers * 2 * h),
            scores: buffer(threads * l * l), input: buffer(l * c.inputDim), output: buffer(l * c.outputDim),
            length: .allocate(capacity: 1))
        work.length.initialize(to: l)
        plan = Self.steps(model, work)
        pool = threads > 1 ? StepPool(workers: threads, steps: plan) : nil
    }

    deinit {
        pool?.shutDown()
        for p in work.all { p.deallocate() }
        work.length.deallocate()
    }

    /// OpenBLAS's own threads would fight the sessions' threads (and spin); set once per process.

    /// Runs one window: `input` is [length x inputDim] row-major, `output` receives
    /// [length x outputDim]. Positions (for RoPE) count from 0 within the window. `length` may be
    /// anything in 1...frameSize (the batch pipeline always pads to frameSize, as the reference does).
    public func run(input: UnsafePointer<Float>, length: Int, output: UnsafeMutablePointer<Float>) {
        let c = model.config
        precondition(length >= 1 && length <= c.frameSize, "window of \(length) frames, model takes 1...\(c.frameSize)")
        work.input.update(from: input, count: length * c.inputDim)
        work.length.pointee = length
        if let pool {
            // Each step is one parallel region; `run` returns when every share is done.
            for index in plan.indices { pool.run(index) }
        } else {
            for step in plan { step(0, 1) }
        }
        output.update(from: work.output, count: length * c.outputDim)
    }

    // MARK: - The forward pass as steps

    /// A step of the forward pass, run by every worker on its share.
    private typealias Step = StepPool.Step

    /// The forward pass (reference: Seq2Seq.forward) as a list of steps, each split by workers.
    private static func steps(_ model: FaceModel, _ w: Workspace) -> [Step] {
        let l = LengthBox(w.length)
        let c = model.config
        let h = c.hiddenDim
        var steps: [Step] = []
        steps.append(linear(w.input, l, model.embedding, w.x))
        for layer in model.encoder {
            steps += selfAttention(model, w, l, layer.qkv, layer.out)
            steps.append(addAndNormalize(w.x, w.projected, l, h, layer.norm1))
            steps += feedForward(w, l, layer.ffn1, layer.ffn2)
            steps.append(addAndNormalize(w.x, w.projected, l, h, layer.norm2))
        }
        steps.append(addAndNormalize(w.x, nil, l, h, model.encoderNorm))
        steps.append { worker, workers in
            let rows = share(l.value, worker, workers)
            (w.memory + rows.lowerBound * h).update(from: w.x + rows.lowerBound * h, count: rows.count * h)
        }
        // The decoder's input is the encoder output, which is also every layer's memory: the
        // cross-attention keys and values of all layers come from one product.
        steps.append(linear(w.memory, l, model.crossKV, w.crossKV))
        let kvStride = c.layers * 2 * h
        for (i, layer) in model.decoder.enumerated() {
            steps += selfAttention(model, w, l, layer.qkv, layer.out)
            steps.append(addAndNormalize(w.x, w.projected, l, h, layer.norm1))
            steps.append(linear(w.x, l, layer.crossQ, w.qkv))
            let keys = w.crossKV + i * 2 * h
            steps.append(
                attention(
                    model, w, l, query: w.qkv, queryStride: h, key: keys, value: keys + h, keyStride: kvStride))
            steps.append(linear(w.context, l, layer.crossOut, w.projected))
            steps.append(addAndNormalize(w.x, w.projected, l, h, layer.norm2))
            steps += feedForward(w, l, layer.ffn1, layer.ffn2)
            steps.append(addAndNormalize(w.x, w.projected, l, h, layer.norm3))
        }
        steps.append(addAndNormalize(w.x, nil, l, h, model.decoderNorm))
        steps.append(linear(w.x, l, model.output, w.output))
        return steps
    }

    /// Rows or columns `0..<count` split evenly; column splits keep multiples of 16.
    private static func share(_ count: Int, _ worker: Int, _ workers: Int, granularity: Int = 1) -> Range<Int> {
        let units = (count + granularity - 1) / granularity
        let lower = min(count, units * worker / workers * granularity)
        let upper = min(count, units * (worker + 1) / workers * granularity)
        return lower..<upper
    }

    private static func linear(_ x: UnsafePointer<Float>, _ rows: LengthBox, _ layer: FaceModel.Linear, _ y: UnsafeMutablePointer<Float>)
        -> Step
    {
        let (xs, ys) = (SendablePointer(x), SendablePointer(y))
        return { worker, workers in
            Kernels.linear(
                xs.read, rows: rows.value, layer, into: ys.pointer, columns: share(layer.output, worker, workers, granularity: 16))
        }
    }

    private static func addAndNormalize(
        _ x: UnsafeMutablePointer<Float>, _ residual: UnsafeMutablePointer<Float>?, _ rows: LengthBox, _ width: Int,
        _ norm: FaceModel.Norm
    ) -> Step {
        let xs = SendablePointer(x)
        let rs = residual.map { SendablePointer($0) }
        return { worker, workers in
            let part = share(rows.value, worker, workers)
            Kernels.addAndNormalize(
                xs.pointer + part.lowerBound * width, rs.map { UnsafePointer($0.pointer + part.lowerBound * width) },
                rows: part.count, width: width, norm)
        }
    }

    /// Self-attention of x into `projected`: fused q/k/v, RoPE, attention, out projection.
    private static func selfAttention(
        _ model: FaceModel, _ w: Workspace, _ l: LengthBox, _ qkv: FaceModel.Linear, _ out: FaceModel.Linear
    ) -> [Step] {
        let h = model.config.hiddenDim
        return [
            linear(w.x, l, qkv, w.qkv),
            attention(model, w, l, query: w.qkv, queryStride: 3 * h, key: w.qkv + h, value: w.qkv + 2 * h, keyStride: 3 * h),
            linear(w.context, l, out, w.projected),
        ]
    }

    /// Scaled dot-product attention into `context`, heads split over workers; RoPE is applied to
    /// each head's queries and keys first (in place).
    private static func attention(
        _ model: FaceModel, _ w: Workspace, _ lb: LengthBox, query: UnsafeMutablePointer<Float>, queryStride: Int,
        key: UnsafeMutablePointer<Float>, value: UnsafeMutablePointer<Float>, keyStride: Int
    ) -> Step {
        let c = model.config
        let (qs, ks, vs) = (SendablePointer(query), SendablePointer(key), SendablePointer(value))
        return { worker, workers in
            let l = lb.value
            let d = c.headDim
            let heads = share(c.heads, worker, workers)
            if heads.isEmpty { return }
            let scores = w.scores + worker * c.frameSize * c.frameSize
            let scale = 1 / Float(d).squareRoot()
            for head in heads {
                let q = qs.pointer + head * d
                let k = ks.pointer + head * d
                Kernels.rope(q, rows: l, stride: queryStride, offset: 0, heads: 1, headDim: d, cos: model.ropeCos, sin: model.ropeSin)
                Kernels.rope(k, rows: l, stride: keyStride, offset: 0, heads: 1, headDim: d, cos: model.ropeCos, sin: model.ropeSin)
                BLAS.sgemm(
                    CblasNoTrans, CblasTrans, l, l, d,
                    scale, q, queryStride, k, keyStride, 0, scores, l)
                Kernels.softmax(scores, rows: l, width: l)
                BLAS.sgemm(
                    CblasNoTrans, CblasNoTrans, l, d, l,
                    1, scores, l, vs.pointer + head * d, keyStride, 0, w.context + head * d, c.hiddenDim)
            }
        }
    }

    /// projected = W2 * relu(W1 * x + b1) + b2, each product split by columns.
    private static func feedForward(_ w: Workspace, _ lb: LengthBox, _ first: FaceModel.Linear, _ second: FaceModel.Linear) -> [Step] {
        [
            { worker, workers in
                let l = lb.value
                let columns = share(first.output, worker, workers, granularity: 16)
                Kernels.linear(w.x, rows: l, first, into: w.hidden, columns: columns)
                for r in 0..<l { Kernels.relu(w.hidden + r * first.output + columns.lowerBound, count: columns.count) }
            },
            linear(w.hidden, lb, second, w.projected),
        ]
    }
}

/// The current window length, read by the prebuilt steps at run time.
struct LengthBox: @unchecked Sendable {
    let storage: UnsafeMutablePointer<Int>
    init(_ storage: UnsafeMutablePointer<Int>) { self.storage = storage }
    var value: Int { storage.pointee }
}

/// A raw pointer that may cross into a worker thread (the caller guarantees disjoint use).
struct SendablePointer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    init(_ pointer: UnsafeMutablePointer<Float>) { self.pointer = pointer }
    init(_ pointer: UnsafePointer<Float>) { self.pointer = UnsafeMutablePointer(mutating: pointer) }
    var read: UnsafePointer<Float> { UnsafePointer(pointer) }
}
