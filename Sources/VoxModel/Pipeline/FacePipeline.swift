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
    public func process(_ features: FeatureMatrix, raw: Bool = false) throws(ModelError) -> FeatureMatrix {
        let c = session.model.config
        guard features.columns == c.inputDim else {
            throw .badInput("features have \(features.columns) columns, the model takes \(c.inputDim)")
        }
        let n = features.rows
        var result = FeatureMatrix(rows: 0, columns: c.outputDim)
        guard n > 0 else { return result }
        result.reserveRows(n)
        var window = [Float](repeating: 0, count: c.frameSize * c.inputDim)
        var output = [Float](repeating: 0, count: c.frameSize * c.outputDim)
        let step = c.frameSize - c.overlap
        var start = 0
        while start < n {
            let end = min(start + c.frameSize, n)
            let length = end - start
            // Pad a short window to frameSize by repeating its last frame (reference: "replicate").
            for r in 0..<c.frameSize {
                let source = start + min(r, length - 1)
                for k in 0..<c.inputDim { window[r * c.inputDim + k] = features[source, k] }
            }
            window.withUnsafeBufferPointer { input in
                output.withUnsafeMutableBufferPointer { out in
                    session.run(input: input.baseAddress!, length: c.frameSize, output: out.baseAddress!)
                }
            }
            Self.blend(into: &result, window: output, rows: length, overlap: c.overlap)
            start += step
        }
        if !raw { PostProcessing.apply(to: &result) }
        return result
    }

    /// Appends `rows` rows of `window`, the first min(overlap, result rows, rows) of them
    /// crossfaded into the last rows of `result` with alpha = i / overlap (reference: blend_chunks).
    static func blend(into result: inout FeatureMatrix, window: [Float], rows: Int, overlap: Int) {
        let columns = result.columns
        let shared = min(overlap, result.rows, rows)
        let base = result.rows - shared
        for i in 0..<shared {
            let alpha = Float(i) / Float(shared)
            for k in 0..<columns {
                result[base + i, k] = (1 - alpha) * result[base + i, k] + alpha * window[i * columns + k]
            }
        }
        for i in shared..<rows {
            result.append(row: window[(i * columns)..<((i + 1) * columns)])
        }
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

    /// Applies the three steps in place.
    public static func apply(to frames: inout FeatureMatrix) {
        let scaled = min(scaledColumns, frames.columns)
        for r in 0..<frames.rows {
            for c in 0..<scaled { frames[r, c] /= 100 }
        }
        let ease = min(fadeInFrames, frames.rows)
        for r in 0..<ease {
            // numpy.linspace(0, 1, ease)[r]
            let factor: Float = ease == 1 ? 0 : Float(Double(r) / Double(ease - 1))
            for c in 0..<frames.columns { frames[r, c] *= factor }
        }
        for r in 0..<frames.rows {
            for c in zeroedColumns where c < frames.columns { frames[r, c] = 0 }
        }
    }
}
