/// Runs the model over a stream of feature rows, window after window, and releases face frames
/// as soon as they are final: the streaming counterpart of `FacePipeline`.
///
/// Scheduling (`Schedule`): after a window, the frames up to e are released, and the window
/// ran over the `frameSize` rows ending `lookahead` rows after e (fewer at the start of a stream,
/// where the window holds every row so far). The next window comes `hop` rows later. The model's
/// predictions for the `lookahead` rows past e are kept and crossfaded (alpha = i / lookahead)
/// into the next window's, as NeuroSync's batch pipeline crossfades consecutive windows. With
/// `hop = frameSize - overlap` and `lookahead = overlap` this is exactly the batch pipeline (same
/// windows, same padding at the end, same blend), so with frozen feature statistics the stream
/// reproduces `voxface process` frame for frame.
///
/// Latency: a frame is released `lookahead` rows (plus up to `hop - 1` while its window waits)
/// after its features arrive. Buffers are allocated at init; after warm-up a window allocates
/// nothing. Not thread-safe: one stream owns one pipeline (and its session).
public final class StreamingFacePipeline {
    /// When windows run and how far they look ahead.
    public struct Schedule: Sendable, Equatable {
        /// Rows between consecutive windows (frames released per window).
        public var hop: Int
        /// Rows a window extends past the newest frame it releases.
        public var lookahead: Int

        /// A schedule; `hop` >= 1, `lookahead` >= 0, `hop + lookahead` <= the model's frame size.
        public init(hop: Int, lookahead: Int) {
            self.hop = hop
            self.lookahead = lookahead
        }

        /// The batch pipeline's windows: hop = frameSize - overlap, lookahead = overlap.
        public static func batchEquivalent(_ config: ModelConfig) -> Schedule {
            Schedule(hop: config.frameSize - config.overlap, lookahead: config.overlap)
        }
    }

    /// The session windows run on.
    public let session: InferenceSession
    /// The schedule; `widenHop(to:)` may lengthen the hop mid-stream.
    public private(set) var schedule: Schedule
    /// Whether NeuroSync's post-processing is applied (shapes / 100, fade-in, zeroed columns).
    public let postProcess: Bool
    /// Frames released so far (pulled, waiting or dropped).
    public private(set) var releasedFrames = 0
    /// Frames dropped because nobody pulled them in time.
    public private(set) var droppedFrames = 0
    /// Windows run so far.
    public private(set) var windowsRun = 0

    private let config: ModelConfig
    private let history: UnsafeMutablePointer<Float>  // rows [historyBase, historyBase + historyCount)
    private let historyCapacity: Int
    private var historyBase = 0
    private var historyCount = 0
    private let window: UnsafeMutablePointer<Float>  // frameSize x inputDim
    private let prediction: UnsafeMutablePointer<Float>  // frameSize x outputDim
    private let pending: UnsafeMutablePointer<Float>  // lookahead x outputDim: predictions past the last release
    private var pendingCount = 0
    private var nextRelease = 0  // first frame not yet released
    private var shortenFirst = 0  // frames the first window releases fewer than the hop (setPhase)
    private var totalRows: Int?  // known after finish
    private var output: [Float]
    private var outputHead = 0
    private var outputCount = 0
    private let outputCapacity: Int

    /// A pipeline over `session` with `schedule`, holding at most `outputCapacity` unpulled frames.
    public init(session: InferenceSession, schedule: Schedule, postProcess: Bool = true, outputCapacity: Int = 256) throws(ModelError) {
        let c = session.model.config
        guard schedule.hop >= 1, schedule.lookahead >= 0, schedule.hop + schedule.lookahead <= c.frameSize else {
            throw .invalidConfig("schedule hop \(schedule.hop) + lookahead \(schedule.lookahead) must fit the \(c.frameSize)-frame window")
        }
        precondition(outputCapacity >= 1, "output capacity must be positive")
        self.session = session
        self.schedule = schedule
        self.postProcess = postProcess
        self.config = c
        self.outputCapacity = outputCapacity
        historyCapacity = 2 * c.frameSize + 1  // room for any hop the schedule may widen to
        history = .allocate(capacity: historyCapacity * c.inputDim)
        window = .allocate(capacity: c.frameSize * c.inputDim)
        prediction = .allocate(capacity: c.frameSize * c.outputDim)
        pending = .allocate(capacity: max(1, schedule.lookahead) * c.outputDim)
        output = [Float](repeating: 0, count: outputCapacity * c.outputDim)
    }

    deinit {
        history.deallocate()
        window.deallocate()
        prediction.deallocate()
        pending.deallocate()
    }

    /// Runs windows every `hop` rows from the next window on (fewer windows, more latency): how a
    /// stream sheds load when the machine cannot keep up. `hop` must not shrink and must still fit
    /// the window with the lookahead.
    public func widenHop(to hop: Int) {
        precondition(hop >= schedule.hop && hop + schedule.lookahead <= config.frameSize, "hop \(hop) cannot be widened to")
        schedule.hop = hop
    }

    /// Moves all windows `phase` frames earlier: the first window releases `hop - phase` frames,
    /// the later ones `hop` as usual. Latency is unchanged (the frame that waits longest for its
    /// window still waits `hop - 1` rows); what moves is when the windows run, so streams that
    /// started together can take turns (``WindowPhases``). Only before the first window; phase 0
    /// keeps the batch pipeline's windows.
    public func setPhase(_ phase: Int) {
        precondition(windowsRun == 0 && releasedFrames == 0, "the phase is set before the first window")
        precondition(phase >= 0 && phase < schedule.hop, "phase \(phase) must be in 0 ..< hop \(schedule.hop)")
        shortenFirst = phase
    }

    /// The first frame the next window releases.
    public var nextFrame: Int { nextRelease }

    /// Frames ready to pull.
    public var availableFrames: Int { outputCount }

    /// Appends one feature row (`inputDim` values) and runs every window it completes.
    public func push(_ row: UnsafeBufferPointer<Float>) {
        precondition(totalRows == nil, "push after finish")
        precondition(row.count == config.inputDim, "feature row has \(row.count) values, the model takes \(config.inputDim)")
        if historyCount == historyCapacity { dropHistory(upTo: historyBase + 1) }
        (history + historyCount * config.inputDim).update(from: row.baseAddress!, count: config.inputDim)
        historyCount += 1
        runReadyWindows()
    }

    /// Ends the stream: the remaining frames are released through windows padded at the end by
    /// repeating the last row, as the batch pipeline pads its last window.
    public func finish() {
        guard totalRows == nil else { return }
        totalRows = historyBase + historyCount
        runReadyWindows()
    }

    /// Copies the oldest ready frame (`outputDim` values) into `frame`; false if none is ready.
    public func pull(into frame: UnsafeMutableBufferPointer<Float>) -> Bool {
        let d = config.outputDim
        precondition(frame.count >= d, "frame buffer too small")
        guard outputCount > 0 else { return false }
        output.withUnsafeBufferPointer { out in
            frame.baseAddress!.update(from: out.baseAddress! + outputHead * d, count: d)
        }
        outputHead = (outputHead + 1) % outputCapacity
        outputCount -= 1
        return true
    }

    // MARK: - Windows

    private func runReadyWindows() {
        let rowsSeen = historyBase + historyCount
        while true {
            if let total = totalRows {
                guard nextRelease < total else { return }
            }
            let newest = nextRelease + schedule.hop - 1 - shortenFirst  // last frame this window releases
            let end = newest + schedule.lookahead  // last row the window covers
            if totalRows == nil && end >= rowsSeen { return }
            runWindow(releasingThrough: newest, endingAt: end)
        }
    }

    private func runWindow(releasingThrough newest: Int, endingAt end: Int) {
        let c = config
        let total = totalRows ?? Int.max
        let start = max(0, end - c.frameSize + 1)
        let realEnd = min(end, total - 1)  // rows that exist
        let real = realEnd - start + 1
        // A window that reaches past the end of a finished stream is padded to the full frame
        // size by repeating its last row (the batch pipeline's rule); otherwise it is what exists.
        let length = end > realEnd ? c.frameSize : real
        for r in 0..<length {
            let source = start + min(r, real - 1)
            (window + r * c.inputDim).update(from: history + (source - historyBase) * c.inputDim, count: c.inputDim)
        }
        session.run(input: window, length: length, output: prediction)
        windowsRun += 1
        shortenFirst = 0
        // Crossfade the previous window's predictions for the first rows of this window's new part.
        let d = c.outputDim
        let first = nextRelease - start  // row of the first frame not yet released
        let overlap = min(schedule.lookahead, pendingCount, real - first)
        for i in 0..<overlap {
            let alpha = Float(i) / Float(overlap)
            let row = prediction + (first + i) * d
            let old = pending + i * d
            for k in 0..<d { row[k] = (1 - alpha) * old[k] + alpha * row[k] }
        }
        // Release frames through `newest` (or the end of the stream).
        let lastRelease = min(newest, realEnd)
        if lastRelease >= nextRelease {
            for frame in nextRelease...lastRelease { release(prediction + (frame - start) * d, frame: frame) }
        }
        // Keep the predictions past the release for the next crossfade.
        let keepFrom = lastRelease + 1
        pendingCount = max(0, min(schedule.lookahead, realEnd - keepFrom + 1))
        if pendingCount > 0 { pending.update(from: prediction + (keepFrom - start) * d, count: pendingCount * d) }
        nextRelease = keepFrom
        // Rows before the next window's start are no longer needed.
        let nextStart = max(0, nextRelease + schedule.hop - 1 + schedule.lookahead - c.frameSize + 1)
        dropHistory(upTo: min(nextStart, historyBase + historyCount - 1))
    }

    private func release(_ values: UnsafeMutablePointer<Float>, frame: Int) {
        let d = config.outputDim
        if outputCount == outputCapacity {
            outputHead = (outputHead + 1) % outputCapacity
            outputCount -= 1
            droppedFrames += 1
        }
        let slot = (outputHead + outputCount) % outputCapacity
        output.withUnsafeMutableBufferPointer { out in
            let target = out.baseAddress! + slot * d
            target.update(from: values, count: d)
            if postProcess { PostProcessing.apply(to: target, frame: frame, columns: d, totalFrames: totalRows) }
        }
        outputCount += 1
        releasedFrames += 1
    }

    private func dropHistory(upTo row: Int) {
        let drop = row - historyBase
        guard drop > 0 else { return }
        let keep = historyCount - drop
        if keep > 0 { history.update(from: history + drop * config.inputDim, count: keep * config.inputDim) }
        historyBase = row
        historyCount = max(0, keep)
    }
}
