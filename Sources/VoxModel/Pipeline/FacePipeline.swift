public import VoxCore

/// NeuroSync's batch inference over a whole clip's features (the Local API's
/// `process_audio_features`): windows of `frameSize` frames advancing by
/// `frameSize - overlap`, a short window padded by repeating its last frame and cut back,
/// consecutive windows joined by a linear crossfade over the overlap, then `PostProcessing`.
public struct FacePipeline {
    /// The session windows run on.
    public let session: InferenceSession

    /// A pipeline over `session`'s model.
    public init(session: InferenceSession) {
        self.session = session
    }

    /// The (N, outputDim) frames for (N, inputDim) features; post-processed unless `raw`.
    /// (The windows, padding and crossfade are `StreamingFacePipeline`'s batch-equivalent schedule.)
    public func process(_ features: FeatureMatrix, raw: Bool = false) throws(ModelError) -> FeatureMatrix {
        let c = session.model.config
        guard features.columns == c.inputDim else {
            throw .badInput("features have \(features.columns) columns, the model takes \(c.inputDim)")
        }
        var result = FeatureMatrix(rows: 0, columns: c.outputDim)
        guard features.rows > 0 else { return result }
        result.reserveRows(features.rows)
        let stream = try StreamingFacePipeline(
            session: session, schedule: .batchEquivalent(c), postProcess: !raw, outputCapacity: features.rows)
        features.values.withUnsafeBufferPointer { all in
            for r in 0..<features.rows {
                stream.push(UnsafeBufferPointer(rebasing: all[(r * c.inputDim)..<((r + 1) * c.inputDim)]))
            }
        }
        stream.finish()
        var frame = [Float](repeating: 0, count: c.outputDim)
        while frame.withUnsafeMutableBufferPointer({ stream.pull(into: $0) }) { result.append(row: frame) }
        return result
    }
}

/// NeuroSync's post-processing of the model output, in the reference's order: the 61 shape
/// columns divided by 100 (the trainer scaled targets by 100), the first min(6, N) frames faded in
/// by linspace(0, 1, 6), and the blink, eye-look, tongue and head/eye rotation columns zeroed.
public enum PostProcessing {
    /// Columns set to zero: 0-4, 7-11 (blinks and eye look), 51-60 (tongue, head and eye rotation).
    public static let zeroedColumns: [Int] = [0, 1, 2, 3, 4, 7, 8, 9, 10, 11] + Array(51...60)
    /// Shape columns scaled by 1/100.
    public static let scaledColumns = 61
    /// Frames faded in at the start (0.1 s at 60 fps).
    public static let fadeInFrames = 6

    /// Applies the three steps in place to every frame.
    public static func apply(to frames: inout FeatureMatrix) {
        let (rows, columns) = (frames.rows, frames.columns)
        frames.withUnsafeMutableValues { values in
            for r in 0..<rows { apply(to: values.baseAddress! + r * columns, frame: r, columns: columns, totalFrames: rows) }
        }
    }

    /// Applies the three steps to frame `frame` (`columns` values). The fade-in needs the clip
    /// length only when it is under 6 frames; a stream that has not finished passes nil.
    public static func apply(to row: UnsafeMutablePointer<Float>, frame: Int, columns: Int, totalFrames: Int?) {
        for c in 0..<min(scaledColumns, columns) { row[c] /= 100 }
        let ease = min(fadeInFrames, totalFrames ?? fadeInFrames)
        if frame < ease {
            // numpy.linspace(0, 1, ease)[frame]
            let factor: Float = ease == 1 ? 0 : Float(Double(frame) / Double(ease - 1))
            for c in 0..<columns { row[c] *= factor }
        }
        for c in zeroedColumns where c < columns { row[c] = 0 }
    }
}
