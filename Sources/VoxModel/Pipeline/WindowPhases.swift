/// Spreads the model windows of many streams over time, so that streams started together do not
/// all ask for the model in the same instant.
///
/// A stream with hop h runs one window every h frames; with phase p its first window releases
/// h - p frames (``StreamingFacePipeline/setPhase(_:)``), so all its windows fall due p frames
/// earlier. Streams whose first audio arrived within the same frame would otherwise run their
/// windows together: 50 streams' windows at 1.5 ms each are 37 ms of work for two cores in one
/// burst, every hop, while the frames between bursts cost nothing. That burst is what the
/// worker pool's p99.9 job time, and with it the playout delay, has to cover.
///
/// The wheel counts the windows due in each frame of one second (60 slots at 60 fps) over the
/// registered streams. A new stream takes the phase whose windows meet the fewest already due
/// (the largest count among its slots, then their sum, then the smallest phase, so a lone stream
/// keeps phase 0, the batch pipeline's windows). Times are absolute frame indices (monotonic time
/// x 60), so the rule does not care whether streams start together or apart. A hop that does not
/// divide 60 is counted as if its pattern repeated every second (close enough for spreading).
///
/// Plain value; the owner serialises access.
public struct WindowPhases: Sendable, Equatable {
    /// Frames in the wheel (one second at 60 fps).
    public static let slots = 60

    /// Where one stream's windows were placed.
    public struct Placement: Sendable, Equatable {
        /// Frames between the stream's windows.
        public var hop: Int
        /// Phase given to the stream's pipeline, 0 ..< hop.
        public var phase: Int
        /// Wheel slot of one of its windows.
        public var slot: Int
    }

    /// Windows due in each slot.
    public private(set) var load: [Int]

    /// An empty wheel.
    public init() { load = [Int](repeating: 0, count: Self.slots) }

    /// Registers a stream with `hop` whose windows, at phase 0, fall due at absolute frame
    /// `dueFrame` plus multiples of the hop; returns the phase it should run at (`fixed`, when
    /// the stream asked for one).
    public mutating func place(hop: Int, dueFrame: Int64, fixed: Int? = nil) -> Placement {
        precondition(hop >= 1, "hop must be positive")
        precondition(fixed.map { (0..<hop).contains($0) } ?? true, "phase must be in 0 ..< hop")
        let base = Self.slot(dueFrame)
        var best: (phase: Int, peak: Int, total: Int)?
        for phase in fixed.map({ $0...$0 }) ?? 0...(hop - 1) {
            let first = Self.wrap(base - phase)
            var peak = 0
            var total = 0
            forEachSlot(first: first, hop: hop) { s in
                peak = max(peak, load[s])
                total += load[s]
            }
            if best == nil || peak < best!.peak || (peak == best!.peak && total < best!.total) {
                best = (phase, peak, total)
            }
        }
        let placement = Placement(hop: hop, phase: best!.phase, slot: Self.wrap(base - best!.phase))
        add(placement, 1)
        return placement
    }

    /// Registers windows at a known slot (a stream whose hop changed: its next window's slot).
    public mutating func occupy(hop: Int, dueFrame: Int64) -> Placement {
        precondition(hop >= 1, "hop must be positive")
        let placement = Placement(hop: hop, phase: 0, slot: Self.slot(dueFrame))
        add(placement, 1)
        return placement
    }

    /// Removes a stream's windows (it closed, or its hop changed).
    public mutating func release(_ placement: Placement) { add(placement, -1) }

    /// Windows due per second over all registered streams.
    public var windowsPerSecond: Int { load.reduce(0, +) }

    private mutating func add(_ placement: Placement, _ delta: Int) {
        forEachSlot(first: placement.slot, hop: placement.hop) { load[$0] += delta }
    }

    private func forEachSlot(first: Int, hop: Int, _ body: (Int) -> Void) {
        var s = first
        for _ in 0..<((Self.slots + hop - 1) / hop) {
            body(s % Self.slots)
            s += hop
        }
    }

    private static func slot(_ frame: Int64) -> Int { wrap(Int(frame % Int64(slots))) }

    /// `x` modulo the wheel, in 0 ..< slots for any x (phases of hops over 60 go far below 0).
    private static func wrap(_ x: Int) -> Int {
        let m = x % slots
        return m < 0 ? m + slots : m
    }
}
