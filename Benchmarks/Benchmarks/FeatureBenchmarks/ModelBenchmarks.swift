// Benchmarks of the model engine (VoxModel): one window per iteration.
//
//   ModelWindowDefault1T the default model that ships (hidden 96, 1+1 layers, 32 frames), one
//                        thread, as a server worker runs it: 0 mallocs.
//   ModelWindowSmall1T   small config (hidden 256, 4+4 layers, 4 heads, 128 frames, random
//                        weights), one thread: 0 mallocs.
//   ModelWindowSmall2T   the same split over two threads (wall clock).
//   ModelWindowReleased2T  the released NeuroSync size (235.5 M parameters), two threads.

import Benchmark
import VoxCore
import VoxModel

/// A session and a window of input, made in setup.
final class ModelState: @unchecked Sendable {
    let session: InferenceSession
    let input: UnsafeMutablePointer<Float>
    let output: UnsafeMutablePointer<Float>

    init(model: () throws -> FaceModel, threads: Int) {
        do {
            session = InferenceSession(model: try model(), threads: threads)
        } catch {
            fatalError("model: \(error)")
        }
        let config = session.model.config
        input = .allocate(capacity: config.frameSize * config.inputDim)
        for i in 0..<config.frameSize * config.inputDim { input[i] = Float((i % 97) - 48) / 48 }
        output = .allocate(capacity: config.frameSize * config.outputDim)
        output.initialize(repeating: 0, count: config.frameSize * config.outputDim)
        window()  // warm-up
    }

    deinit {
        input.deallocate()
        output.deallocate()
    }

    @inline(__always)
    func window() {
        session.run(input: input, length: session.model.config.frameSize, output: output)
    }
}

final class ModelBox: @unchecked Sendable {
    var state: ModelState?
}

func modelBenchmarks() {
    let cases: [(String, ModelConfig?, Int, Bool)] = [
        ("ModelWindowDefault1T", nil, 1, true),
        ("ModelWindowSmall1T", .small, 1, true),
        ("ModelWindowSmall2T", .small, 2, false),
        ("ModelWindowReleased2T", .released, 2, false),
    ]
    for (name, config, threads, zeroMallocs) in cases {
        let box = ModelBox()
        let configuration = Benchmark.Configuration(
            metrics: [.wallClock, .mallocCountTotal],
            timeUnits: config == nil ? .microseconds : .milliseconds,
            warmupIterations: 2,
            scalingFactor: .one,
            maxDuration: .seconds(config == .released ? 10 : 3),
            maxIterations: config == .released ? 20 : 200,
            thresholds: zeroMallocs ? [.mallocCountTotal: .init(absolute: BenchmarkThresholds.Absolute.strict)] : nil
        )
        Benchmark(name, configuration: configuration) { benchmark in
            let state = box.state.unsafelyUnwrapped
            for _ in benchmark.scaledIterations { state.window() }
        } setup: {
            box.state = ModelState(
                model: { () throws -> FaceModel in
                    if let config { try RandomWeights.model(for: config) } else { try DefaultModel.load() }
                }, threads: threads)
        } teardown: {
            box.state = nil
        }
    }
}
