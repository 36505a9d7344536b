// Benchmarks of the NeuroSync feature extraction (VoxDSP); see ../../README.md.
//
//   BatchFeatures60s                     NeuroSyncFeatures.extract(signal88k:) on 60 s of speech
//                                        at 88.2 kHz, one clip per iteration.
//   StreamingPush20ms                    StreamingFeatureExtractor (running statistics): one 20 ms
//                                        block of 48 kHz audio pushed and every ready frame pulled,
//                                        per iteration. mallocCountTotal must be 0.
//   StreamingPush20msFrozen              The same with frozen statistics from a batch pass.
//   StreamingPush20ms{,Frozen}Instructions  The same blocks, counting CPU instructions only.
//
// The streaming benchmarks run one block per iteration (scaling factor one), so every
// per-iteration figure is a per-block figure. The zero-malloc rule is checked by
// `swift package benchmark thresholds check` against Thresholds/*.p90.json.

import Benchmark
import Foundation
import VoxCore
import VoxDSP

// MARK: - Fixture audio

/// The speech fixture, found by walking up from this file to the repository root
/// (Benchmarks/Benchmarks/FeatureBenchmarks/ -> repository root) or, failing that, from the
/// working directory. `VOXFACE_BENCH_FIXTURE` overrides the path.
func fixturePath(_ name: String = "speech.wav", file: String = #filePath) -> String {
    if let override = ProcessInfo.processInfo.environment["VOXFACE_BENCH_FIXTURE"], !override.isEmpty {
        return override
    }
    let relative = "Tests/VoxDSPTests/Fixtures/audio/\(name)"
    var starts = [URL(fileURLWithPath: file).deletingLastPathComponent()]
    starts.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
    for start in starts {
        var directory = start.standardizedFileURL
        while true {
            let candidate = directory.appendingPathComponent(relative).path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            let parent = directory.deletingLastPathComponent()
            if parent.path == directory.path { break }
            directory = parent
        }
    }
    fatalError("benchmark fixture \(relative) not found above \(file) or the working directory")
}

func decodedFixture() -> DecodedAudio {
    let path = fixturePath()
    do {
        return try AudioFileReader().read(path: path)
    } catch {
        fatalError("cannot read \(path): \(error)")
    }
}

/// `seconds` of the fixture at 88.2 kHz, the fixture repeated end to end (as the analysis input
/// of NeuroSyncFeatures.extract would be for a 60 s clip).
func tiledAnalysisSignal(seconds: Int) -> [Float] {
    let one = NeuroSyncFeatures.resampleForAnalysis(decodedFixture())
    precondition(!one.isEmpty, "empty fixture")
    let count = seconds * FeatureConfig.sampleRate
    var signal: [Float] = []
    signal.reserveCapacity(count)
    while signal.count < count {
        signal.append(contentsOf: one.prefix(count - signal.count))
    }
    return signal
}

// MARK: - Streaming state

/// One extractor fed from a preloaded 48 kHz signal, 20 ms (960 samples) per `pushBlock`.
/// Everything is allocated in `init`; `pushBlock` only pushes, pulls and counts.
final class StreamingState: @unchecked Sendable {
    static let inputRate = 48_000
    static let blockSize = 960  // 20 ms at 48 kHz
    static let warmUpBlocks = 50  // 1 s

    let extractor: StreamingFeatureExtractor
    /// The fixture at 48 kHz, cut to a whole number of blocks.
    let signal: UnsafeMutableBufferPointer<Float>
    let frame: UnsafeMutableBufferPointer<Float>
    var offset = 0
    var pulled = 0
    var blocks = 0
    /// Time spent in `pushBlock` since warm-up (clock reads do not allocate).
    var elapsed: Duration = .zero

    init(statistics: StreamingFeatureExtractor.Statistics) {
        let decoded = decodedFixture()
        let resampled = Resampler.resample(decoded.samples, from: decoded.sampleRate, to: Self.inputRate)
        let usable = resampled.count / Self.blockSize * Self.blockSize
        precondition(usable > 0, "fixture shorter than one block")
        signal = .allocate(capacity: usable)
        _ = signal.initialize(from: resampled[0..<usable])
        frame = .allocate(capacity: FeatureConfig.featureCount)
        frame.initialize(repeating: 0)
        extractor = StreamingFeatureExtractor(inputRate: Self.inputRate, statistics: statistics)
        for _ in 0..<Self.warmUpBlocks { pushBlock() }
        pulled = 0
        blocks = 0
        elapsed = .zero
    }

    deinit {
        signal.deallocate()
        frame.deallocate()
    }

    /// Pushes the next 20 ms block and pulls every frame it completed; returns the frames pulled.
    @inline(__always)
    @discardableResult
    func pushBlock() -> Int {
        let start = ContinuousClock.now
        let block = UnsafeBufferPointer(rebasing: signal[offset..<offset + Self.blockSize])
        offset += Self.blockSize
        if offset == signal.count { offset = 0 }
        extractor.push(block)
        var count = 0
        while extractor.pull(into: frame) { count += 1 }
        pulled += count
        blocks += 1
        elapsed += start.duration(to: .now)
        return count
    }
}

/// The statistics of a batch pass over the fixture, for `.frozen`.
func batchStatistics() -> FeatureStatistics {
    do {
        return try NeuroSyncFeatures.extract(decodedFixture(), source: fixturePath()).statistics
    } catch {
        fatalError("batch extraction failed: \(error)")
    }
}

/// Holds the streaming state between setup and the measured closure (the benchmark runs its
/// closure once per iteration, so state must live outside it).
final class StateBox: @unchecked Sendable {
    var state: StreamingState?
}

// MARK: - Benchmarks

let benchmarks: @Sendable () -> Void = {
    // Batch: one 60 s clip per iteration (about 0.1 s each), so few iterations.
    let batchSignal = BatchSignalBox()
    Benchmark(
        "BatchFeatures60s",
        configuration: .init(
            metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident],
            timeUnits: .milliseconds,
            warmupIterations: 1,
            scalingFactor: .one,
            maxDuration: .seconds(5),
            maxIterations: 30
        )
    ) { benchmark in
        let signal = batchSignal.signal
        benchmark.startMeasurement()
        let result = NeuroSyncFeatures.extract(signal88k: signal)
        benchmark.stopMeasurement()
        blackHole(result)
    } setup: {
        batchSignal.signal = tiledAnalysisSignal(seconds: 60)
    } teardown: {
        batchSignal.signal = []
    }

    // Streaming: one 20 ms block per iteration (scaling factor one, so every figure is per block).
    //
    // mallocCountTotal must be 0. It is measured without any operating-system metric: on Linux
    // `.instructions` (like cpuTotal, peakMemoryResident, syscalls, ...) makes the benchmark package
    // read /proc inside the malloc-counting window, which adds 16 of its own mallocs per iteration
    // (measured with 1.38.1). Instructions therefore get their own "...Instructions" benchmarks.
    let zeroMallocs: [BenchmarkMetric: BenchmarkThresholds] = [
        .mallocCountTotal: .init(absolute: BenchmarkThresholds.Absolute.strict)
    ]
    for (name, frozen) in [("StreamingPush20ms", false), ("StreamingPush20msFrozen", true)] {
        streamingBenchmark(
            name, frozen: frozen, metrics: [.wallClock, .mallocCountTotal, .mallocBytesCount], thresholds: zeroMallocs)
        streamingBenchmark(name + "Instructions", frozen: frozen, metrics: [.instructions], thresholds: nil)
    }
    modelBenchmarks()
}

/// Registers one streaming benchmark: setup builds and warms up the extractor (1 s of audio),
/// each iteration pushes one 20 ms block and pulls its frames, teardown prints per-block figures.
func streamingBenchmark(
    _ name: String, frozen: Bool, metrics: [BenchmarkMetric], thresholds: [BenchmarkMetric: BenchmarkThresholds]?
) {
    let box = StateBox()
    let configuration = Benchmark.Configuration(
        metrics: metrics,
        timeUnits: .nanoseconds,
        warmupIterations: 10,
        scalingFactor: .one,
        maxDuration: .seconds(3),
        maxIterations: 20_000,
        thresholds: thresholds
    )
    Benchmark(name, configuration: configuration) { benchmark in
        let state = box.state.unsafelyUnwrapped
        for _ in benchmark.scaledIterations {
            blackHole(state.pushBlock())
        }
    } setup: {
        box.state = StreamingState(statistics: frozen ? .frozen(batchStatistics()) : .running(.default))
    } teardown: {
        if let state = box.state, state.blocks > 0 {
            let blocks = Double(state.blocks)
            let seconds = Double(state.elapsed.components.seconds) + Double(state.elapsed.components.attoseconds) * 1e-18
            let meanMicroseconds = seconds / blocks * 1e6
            let realTime = 0.020 * blocks / seconds
            print(
                "\(name): \(state.blocks) blocks of 20 ms (incl. warm-up iterations), "
                    + "\(String(format: "%.3f", Double(state.pulled) / blocks)) frames pulled per block, "
                    + "\(state.extractor.droppedFrames) dropped; mean \(String(format: "%.1f", meanMicroseconds)) us per block "
                    + "(\(String(format: "%.0f", realTime))x real time, timed around push+pull)"
            )
        }
        box.state = nil
    }
}

/// The 60 s batch signal, built in setup.
final class BatchSignalBox: @unchecked Sendable {
    var signal: [Float] = []
}
