import ArgumentParser
import VoxCore
import VoxModel

/// `voxface model inspect|convert|bench`.
struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Inspect, convert and benchmark NeuroSync-architecture face models.",
        subcommands: [Inspect.self, Convert.self, Bench.self, Random.self, Sweep.self]
    )

    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a model's config, tensor count, parameter count and size.",
            discussion: "PATH is a folder (config.json + model.safetensors or model.pth) or a NeuroSync model.pth.")

        @Argument(help: "Model folder or file.")
        var path: String

        func run() throws {
            let loaded = try loadModel(path)
            let c = loaded.config
            let parameters = loaded.tensors.values.reduce(0) { $0 + $1.values.count }
            print("model: \(loaded.weightsPath)")
            print(
                "config: input_dim \(c.inputDim), hidden_dim \(c.hiddenDim), n_layers \(c.layers), num_heads \(c.heads), "
                    + "output_dim \(c.outputDim), frame_size \(c.frameSize), overlap \(c.overlap)")
            print("tensors: \(loaded.tensors.count)")
            print("parameters: \(parameters) (\(Console.fixed(Double(parameters) / 1e6, 1)) M)")
            print("size: \(Console.fixed(Double(parameters * 4) / 1e6, 1)) MB as float32")
            print("flops per \(c.frameSize)-frame window: \(Console.fixed(c.flopsPerWindow() / 1e9, 2)) GFLOP")
        }
    }

    struct Convert: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a model as config.json + model.safetensors (float32, tensor names unchanged).")

        @Argument(help: "Model folder or file (e.g. NeuroSync's model.pth).")
        var path: String

        @Option(help: "Output folder (created if missing).")
        var out: String

        func run() throws {
            let loaded = try loadModel(path)
            let ordered = Architecture.tensors(for: loaded.config).map { (name: $0.name, tensor: loaded.tensors[$0.name]!) }
            try makeDirectory(out)
            try OutputFile.save(Array(loaded.config.json().utf8), to: out + "/config.json")
            try OutputFile.save(
                SafeTensors.encode(ordered, metadata: ["format": "pt", "source": "voxface model convert"]), to: out + "/model.safetensors")
            print("wrote \(out)/config.json and \(out)/model.safetensors (\(ordered.count) tensors)")
        }
    }

    struct Random: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a model with seeded random weights (for testing pipelines and timing without real weights).")

        @Option(help: "Size: released (hidden 1024, 8+8 layers, 16 heads) or small (hidden 256, 4+4 layers, 4 heads).")
        var size: Bench.Size = .small

        @Option(help: "Random seed.")
        var seed: UInt64 = 0x5EED

        @Option(help: "Output folder (created if missing).")
        var out: String

        func run() throws {
            let config = size == .released ? ModelConfig.released : ModelConfig.small
            let tensors = RandomWeights.tensors(for: config, seed: seed)
            let ordered = Architecture.tensors(for: config).map { (name: $0.name, tensor: tensors[$0.name]!) }
            try makeDirectory(out)
            try OutputFile.save(Array(config.json().utf8), to: out + "/config.json")
            let metadata = ["format": "pt", "source": "voxface model random", "weights": "RANDOM (seed \(seed)), not a trained model"]
            try OutputFile.save(SafeTensors.encode(ordered, metadata: metadata), to: out + "/model.safetensors")
            print(
                "wrote \(out): \(size.rawValue) size, RANDOM weights (seed \(seed)), \(Console.fixed(Double(config.parameterCount) / 1e6, 1)) M parameters"
            )
        }
    }

    struct Bench: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time windows of random input through a model and print ms per window and GFLOP/s.",
            discussion:
                "Without --model, --size picks random weights: released (hidden 1024, 8+8 layers, 16 heads) or small (hidden 256, 4+4 layers, 4 heads)."
        )

        enum Size: String, ExpressibleByArgument, CaseIterable {
            case released, small
        }

        @Option(help: "Model folder or file; overrides --size.")
        var model: String?

        @Option(help: "Random-weight size when no model is given: released or small.")
        var size: Size = .small

        @Option(help: "Windows to time (after one warm-up window).")
        var windows: Int = 10

        @Option(help: "OpenBLAS threads.")
        var threads: Int = 2

        func validate() throws {
            guard (1...100_000).contains(windows) else { throw ValidationError("--windows must be in 1...100000") }
            guard (1...256).contains(threads) else { throw ValidationError("--threads must be in 1...256") }
        }

        func run() throws {
            let faceModel: FaceModel
            let label: String
            if let model {
                let loaded = try loadModel(model, checkValues: false)  // FaceModel checks while laying out
                faceModel = try wrap { () throws(ModelError) in try FaceModel(config: loaded.config, tensors: loaded.tensors) }
                label = model
            } else {
                let config = size == .released ? ModelConfig.released : ModelConfig.small
                faceModel = try wrap { () throws(ModelError) in try RandomWeights.model(for: config) }
                label = "\(size.rawValue) size, random weights"
            }
            let c = faceModel.config
            let session = InferenceSession(model: faceModel, threads: threads)
            var generator = SystemRandomNumberGenerator()
            let input = (0..<c.frameSize * c.inputDim).map { _ in Float.random(in: -1...1, using: &generator) }
            var output = [Float](repeating: 0, count: c.frameSize * c.outputDim)
            func window() {
                input.withUnsafeBufferPointer { i in
                    output.withUnsafeMutableBufferPointer { o in
                        session.run(input: i.baseAddress!, length: c.frameSize, output: o.baseAddress!)
                    }
                }
            }
            window()
            var times: [Double] = []
            let clock = ContinuousClock()
            for _ in 0..<windows {
                let start = clock.now
                window()
                times.append((clock.now - start).seconds * 1000)
            }
            times.sort()
            let median = times[times.count / 2]
            let gflops = c.flopsPerWindow() / (median / 1000) / 1e9
            print("model: \(label); \(Console.fixed(Double(c.parameterCount) / 1e6, 1)) M parameters; \(threads) thread(s)")
            print("blas: \(FaceModel.blasDescription)")
            print(
                "window: \(c.frameSize) frames, \(Console.fixed(c.flopsPerWindow() / 1e9, 2)) GFLOP; median of \(windows): "
                    + "\(Console.fixed(median, 2)) ms (min \(Console.fixed(times[0], 2)), max \(Console.fixed(times[times.count - 1], 2)))")
            print(
                "throughput: \(Console.fixed(gflops, 1)) GFLOP/s; real time factor \(Console.fixed(Double(c.frameSize) / 60 * 1000 / median, 1))x per stream"
            )
            let peak = GemmPeak.measure(depth: c.hiddenDim, columns: 3 * c.hiddenDim, threads: threads)
            print(
                "sgemm peak at [128 x \(c.hiddenDim)] x [\(c.hiddenDim) x \(3 * c.hiddenDim)] on \(threads) thread(s): "
                    + "\(Console.fixed(peak, 1)) GFLOP/s; the window reaches \(Console.fixed(100 * gflops / peak, 0))% of it")
            print("ms_per_window=\(median)")
            print("gflops=\(gflops)")
        }
    }
}

/// Loads a model, turning its error into a one-line CLI error.
func loadModel(_ path: String, checkValues: Bool = true) throws -> ModelLoader.Loaded {
    do {
        return try ModelLoader.load(path: path, checkValues: checkValues)
    } catch {
        throw CLIError(error.description)
    }
}

/// Runs `body`, turning a model error into a one-line CLI error.
func wrap<T>(_ body: () throws(ModelError) -> T) throws -> T {
    do {
        return try body()
    } catch {
        throw CLIError(error.description)
    }
}
