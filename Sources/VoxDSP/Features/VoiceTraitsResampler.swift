#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Converts PCM at any rate to the voice-traits analysis rate (16 kHz) with a polyphase
/// windowed-sinc filter: cutoff min(7 kHz, 0.45 x input rate), Blackman window, 6 zero crossings
/// each side. Measured at 44.1-192 kHz: flat within 0.01 dB to 4 kHz (the band the pitch and
/// centroid read), -1.7 dB at 6 kHz, below -60 dB from 10 kHz, so nothing aliases below 6 kHz.
/// At 11.025 kHz and below the cutoff is lower (-1 dB at 4 kHz for 11.025 kHz input).
///
/// Output sample n sits at input position n x rate / 16000, tracked with exact integer arithmetic,
/// so the output depends only on the input sequence, never on how it was split into blocks.
/// Phases are exact when 16000 / gcd(rate, 16000) <= 512 (every common rate: 48 kHz has 1,
/// 44.1 kHz 160, 88.2 kHz 80); otherwise the phase is rounded down to 1/512 input sample.
/// Allocates at init only. Not thread-safe; one stream owns one.
struct VoiceTraitsResampler {
    /// The analysis rate.
    static let outputRate = 16_000
    /// Largest number of filter phases kept.
    static let maximumPhases = 512

    /// Input rate in Hz.
    let inputRate: Int
    /// Taps reach `reach` input samples either side of an output's base sample.
    private let reach: Int
    private let taps: Int
    private let phaseCount: Int
    /// phaseCount rows of `taps` coefficients; row p is for a fractional position p / phaseCount.
    private var bank: [Float]
    /// Input history; element 0 is absolute input index `historyStart`.
    private var history: [Float]
    private var historyStart: Int
    private var historyCount: Int
    /// Absolute input index at or before the next output (its integer position) and the
    /// fractional remainder, in units of 1/16000 input sample.
    private var base = 0
    private var numerator = 0
    /// Real input samples received (flush padding not included).
    private(set) var inputCount = 0

    /// A resampler from `inputRate` Hz to 16 kHz.
    init(inputRate: Int) {
        precondition(inputRate > 0, "sample rate must be positive")
        self.inputRate = inputRate
        let out = Self.outputRate
        if inputRate == out {
            reach = 0
            phaseCount = 1
            bank = [1]
        } else {
            let cutoff = min(7000, 0.45 * Double(inputRate))
            let zeroCrossings = 6.0
            // Half-width of the window in input samples; the sinc's zeros are rate / (2 cutoff) apart.
            let halfWidth = zeroCrossings * Double(inputRate) / (2 * cutoff)
            reach = Int(halfWidth.rounded(.up)) + 1
            var a = inputRate
            var b = out
            while b != 0 { (a, b) = (b, a % b) }
            phaseCount = min(out / a, Self.maximumPhases)
            let taps = 2 * reach + 1
            var bank = [Float](repeating: 0, count: phaseCount * taps)
            let scale = 2 * cutoff / Double(inputRate)
            for p in 0..<phaseCount {
                let fraction = Double(p) / Double(phaseCount)
                var row = [Double](repeating: 0, count: taps)
                for j in 0..<taps {
                    let t = Double(j - reach) - fraction
                    guard abs(t) < halfWidth else { continue }
                    let x = scale * t
                    let sinc = x == 0 ? 1 : sin(Double.pi * x) / (Double.pi * x)
                    let u = Double.pi * t / halfWidth
                    row[j] = scale * sinc * (0.42 + 0.5 * cos(u) + 0.08 * cos(2 * u))
                }
                // Unit gain at DC for every phase, so a constant stays exactly constant.
                let sum = row.reduce(0, +)
                for j in 0..<taps { bank[p * taps + j] = Float(row[j] / sum) }
            }
            self.bank = bank
        }
        taps = 2 * reach + 1
        // Room for a 4096-sample chunk on top of the filter's span.
        history = [Float](repeating: 0, count: taps + 4096)
        // The signal is preceded by silence.
        historyStart = -reach
        historyCount = reach
    }

    /// Resamples `input` (finite values); `emit` receives each output sample in order.
    mutating func process(_ input: UnsafeBufferPointer<Float>, emit: (Float) -> Void) {
        var consumed = 0
        while consumed < input.count {
            let n = makeRoom(for: input.count - consumed)
            history.withUnsafeMutableBufferPointer { h in
                for i in 0..<n { h[historyCount + i] = input[consumed + i] }
            }
            historyCount += n
            consumed += n
            inputCount += n
            produce(limit: Int.max, emit: emit)
        }
    }

    /// Ends the input: emits the outputs that lie within the real input (ceil(count x 16000 / rate)
    /// in all), reading silence past its end.
    mutating func flush(emit: (Float) -> Void) {
        var padded = 0
        while padded < reach {
            let n = makeRoom(for: reach - padded)
            history.withUnsafeMutableBufferPointer { h in
                for i in 0..<n { h[historyCount + i] = 0 }
            }
            historyCount += n
            padded += n
            produce(limit: inputCount, emit: emit)
        }
        produce(limit: inputCount, emit: emit)
    }

    /// Drops history no future output reads when the buffer is full; returns how many of `wanted`
    /// samples fit now.
    private mutating func makeRoom(for wanted: Int) -> Int {
        if historyCount == history.count {
            let keep = base - reach - historyStart
            if keep > 0 {
                history.withUnsafeMutableBufferPointer { h in
                    for i in 0..<(historyCount - keep) { h[i] = h[keep + i] }
                }
                historyStart += keep
                historyCount -= keep
            }
        }
        return min(wanted, history.count - historyCount)
    }

    /// Emits every output whose taps are all in the history and whose base index is below `limit`.
    @inline(__always)
    private mutating func produce(limit: Int, emit: (Float) -> Void) {
        let last = historyStart + historyCount - 1
        let taps = taps
        let rate = inputRate
        let out = Self.outputRate
        let phases = phaseCount
        let reach = reach
        let start = historyStart
        var base = base
        var numerator = numerator
        history.withUnsafeBufferPointer { h in
            bank.withUnsafeBufferPointer { coefficients in
                while base + reach <= last && base < limit {
                    let row = coefficients.baseAddress! + (numerator * phases / out) * taps
                    let x = h.baseAddress! + (base - reach - start)
                    var sum: Float = 0
                    for j in 0..<taps { sum += x[j] * row[j] }
                    emit(sum)
                    numerator += rate
                    base += numerator / out
                    numerator %= out
                }
            }
        }
        self.base = base
        self.numerator = numerator
    }
}
