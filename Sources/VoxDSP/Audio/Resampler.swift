import CSoxr
import Synchronization

/// Sample-rate conversion with libsoxr's high-quality recipe (`SOXR_HQ`, float32, one thread):
/// the resampler librosa uses by default (`res_type="soxr_hq"`), so features computed from its
/// output match the reference.
public enum Resampler {
    /// Resamples a whole signal at once, exactly as `librosa.resample(..., res_type="soxr_hq")`
    /// does: the complete soxr output (flushed), then cut or zero-padded to
    /// `ceil(count * targetRate / sourceRate)` samples (librosa's `fix_length`).
    public static func resample(_ samples: [Float], from sourceRate: Int, to targetRate: Int) -> [Float] {
        precondition(sourceRate > 0 && targetRate > 0, "sample rates must be positive")
        if sourceRate == targetRate || samples.isEmpty { return samples }
        let stream = StreamingResampler(sourceRate: sourceRate, targetRate: targetRate, maxInputBlock: 65_536)
        var output: [Float] = []
        let expected = (samples.count * targetRate + sourceRate - 1) / sourceRate
        output.reserveCapacity(expected + 64)
        samples.withUnsafeBufferPointer { input in
            var offset = 0
            while offset < input.count {
                let block = UnsafeBufferPointer(rebasing: input[offset..<min(offset + 65_536, input.count)])
                stream.process(block) { output.append(contentsOf: $0) }
                offset += block.count
            }
        }
        stream.flush { output.append(contentsOf: $0) }
        if output.count > expected {
            output.removeLast(output.count - expected)
        } else if output.count < expected {
            output.append(contentsOf: repeatElement(0, count: expected - output.count))
        }
        return output
    }
}

/// A streaming libsoxr resampler (HQ recipe, float32, mono) for audio that arrives in blocks.
///
/// Output buffers are allocated once at init; `process` and `flush` allocate nothing. Its output
/// concatenated over all blocks equals the one-shot output before `fix_length`. Not thread-safe:
/// one stream owns one resampler.
public final class StreamingResampler {
    /// Input rate in Hz.
    public let sourceRate: Int
    /// Output rate in Hz.
    public let targetRate: Int
    /// Largest block `process` accepts at once.
    public let maxInputBlock: Int
    private let handle: soxr_t
    private let output: UnsafeMutableBufferPointer<Float>

    /// A resampler from `sourceRate` to `targetRate` that takes blocks of up to `maxInputBlock`
    /// samples. `lowLatency`: soxr's large DFT at 2^10 points instead of 2^17, so small blocks
    /// come out promptly (see below); the filter is the same and the output agrees to about
    /// 3e-7, but whole-clip parity with librosa is pinned on the default.
    public init(sourceRate: Int, targetRate: Int, maxInputBlock: Int = 8192, lowLatency: Bool = false) {
        precondition(sourceRate > 0 && targetRate > 0 && maxInputBlock > 0, "invalid resampler settings")
        self.sourceRate = sourceRate
        self.targetRate = targetRate
        self.maxInputBlock = maxInputBlock
        var error: soxr_error_t? = nil
        var io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I)
        var quality = soxr_quality_spec(UInt(SOXR_HQ), 0)
        var runtime = soxr_runtime_spec(1)
        // soxr's default large DFT (2^17 points) makes it emit in bursts: fed 10 ms blocks at
        // 48 kHz, a sample came out up to 12 ms after the steady delay says, which no playout delay
        // counted. With 2^10 it comes out within 0.5 ms, at the same cost (60 s of audio in about
        // 37 ms either way).
        if lowLatency { runtime.log2_large_dft_size = 10 }
        guard let created = soxr_create(Double(sourceRate), Double(targetRate), 1, &error, &io, &quality, &runtime),
            error == nil
        else {
            // Only invalid arguments make soxr_create fail, and those are checked above.
            preconditionFailure("soxr_create failed: \(error.map { String(cString: $0) } ?? "unknown")")
        }
        handle = created
        let capacity = Int((Double(maxInputBlock) * Double(targetRate) / Double(sourceRate)).rounded(.up)) + 4096
        output = .allocate(capacity: capacity)
        output.initialize(repeating: 0)
    }

    deinit {
        soxr_delete(handle)
        output.deallocate()
    }

    /// soxr's current delay in output samples (how far the output lags the input).
    public var delay: Double { soxr_delay(handle) }

    /// Resamples one block; `emit` receives zero or more output chunks (valid only during the call).
    public func process(_ input: UnsafeBufferPointer<Float>, emit: (UnsafeBufferPointer<Float>) -> Void) {
        precondition(input.count <= maxInputBlock, "block of \(input.count) exceeds \(maxInputBlock)")
        // A nil input pointer means end-of-input to soxr, so an empty block must not reach it.
        if input.isEmpty { return }
        var consumed = 0
        while true {
            var inputDone = 0
            var outputDone = 0
            let remaining = input.count - consumed
            let status = soxr_process(
                handle, input.baseAddress.map { $0 + consumed }, remaining, &inputDone,
                output.baseAddress, output.count, &outputDone)
            precondition(status == nil, "soxr_process failed: \(String(cString: status!))")
            consumed += inputDone
            if outputDone > 0 { emit(UnsafeBufferPointer(rebasing: output[0..<outputDone])) }
            // Done when all input is taken and soxr had room to spare (nothing left buffered to emit).
            if consumed >= input.count && outputDone < output.count { break }
        }
    }

    /// Signals end of input and emits everything still buffered.
    public func flush(emit: (UnsafeBufferPointer<Float>) -> Void) {
        while true {
            var outputDone = 0
            let status = soxr_process(handle, nil, 0, nil, output.baseAddress, output.count, &outputDone)
            precondition(status == nil, "soxr_process failed: \(String(cString: status!))")
            if outputDone > 0 { emit(UnsafeBufferPointer(rebasing: output[0..<outputDone])) }
            if outputDone == 0 { break }
        }
    }

    /// How far a streaming resampler's output lags the input, in seconds, at worst: fed in 2.5 ms blocks
    /// (the smallest Opus packet), the largest gap over half a second between the input pushed
    /// and the output emitted (soxr holds back its filter's look-ahead and emits in DFT blocks).
    /// Measured once per pair of rates (it builds a resampler and runs half a second through
    /// it), then remembered: servers ask for it on every stream's every job.
    public static func measuredDelay(sourceRate: Int, targetRate: Int, lowLatency: Bool) -> Double {
        let key = (Int64(sourceRate) << 32 | Int64(targetRate)) * 2 + (lowLatency ? 1 : 0)
        if let known = measuredDelays.withLock({ $0[key] }) { return known }
        let delay = measureDelay(sourceRate: sourceRate, targetRate: targetRate, lowLatency: lowLatency)
        measuredDelays.withLock { memo in
            if memo.count < 64 { memo[key] = delay }
        }
        return delay
    }

    private static let measuredDelays = Mutex<[Int64: Double]>([:])

    private static func measureDelay(sourceRate: Int, targetRate: Int, lowLatency: Bool) -> Double {
        let block = max(1, sourceRate / 400)
        let resampler = StreamingResampler(sourceRate: sourceRate, targetRate: targetRate, maxInputBlock: block, lowLatency: lowLatency)
        let silence = [Float](repeating: 0, count: block)
        var produced = 0
        var worst = 0.0
        for k in 1...200 {
            silence.withUnsafeBufferPointer { input in resampler.process(input) { produced += $0.count } }
            let lag = Double(k * block) / Double(sourceRate) - Double(produced) / Double(targetRate)
            worst = max(worst, lag)
        }
        return worst
    }
}
