import Foundation

/// The mood of a stream's avatar in its face: the frames' seven emotion channels are mixed with
/// the avatar's emotions, smoothed so a change of mood settles within about a second. A plain
/// value under the stream's state lock; no allocation per frame.
struct MoodOverlay {
    /// First emotion channel in a frame (Angry; Protocols/face-frames.md).
    static let first = FaceFrame.channels - 7
    /// Share of the avatar's mood in the sent emotion channels (the rest is the model's own).
    static let weight: Float = 0.7
    /// Per-frame smoothing at 60 fps: a 0.25 s time constant, so 95% of a change is reached in
    /// 0.75 s.
    static let smoothing = Float(1 - exp(-1.0 / (60 * 0.25)))

    /// The avatar's emotions now (the target).
    var target: InlineArray<7, Float>
    /// The smoothed emotions the frames carry.
    var current: InlineArray<7, Float>

    /// An overlay that starts at `target` (a new binding shows the mood at once).
    init(target: [Double]) {
        var values = InlineArray<7, Float>(repeating: 0)
        for k in 0..<min(7, target.count) { values[k] = Float(target[k]) }
        self.target = values
        current = values
    }

    /// Sets a new target.
    mutating func retarget(_ emotions: [Double]) {
        for k in 0..<min(7, emotions.count) { target[k] = Float(emotions[k]) }
    }

    /// Moves one frame toward the target and mixes the result into `frame`'s emotion channels.
    mutating func apply(to frame: inout FaceFrame) {
        for k in 0..<7 {
            current[k] += (target[k] - current[k]) * Self.smoothing
            let model = frame.values[Self.first + k]
            frame.values[Self.first + k] = (1 - Self.weight) * model + Self.weight * current[k]
        }
    }
}
