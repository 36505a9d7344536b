public import VoxCore

/// NeuroSync Local API's reply: `{"blendshapes": [[68 numbers], ...], "num_frames": N, "frame_rate": 60}`.
public enum NeuroSyncReply {
    /// The reply for `frames` (rows of 68 values); non-finite values are written as 0.
    public static func json(_ frames: FeatureMatrix) -> String {
        var text = "{\"blendshapes\": ["
        text.reserveCapacity(frames.rows * frames.columns * 12)
        for r in 0..<frames.rows {
            if r > 0 { text += ", " }
            text += "["
            for c in 0..<frames.columns {
                if c > 0 { text += ", " }
                let v = frames[r, c]
                text += v.isFinite ? v.description : "0.0"
            }
            text += "]"
        }
        text += "], \"num_frames\": \(frames.rows), \"frame_rate\": \(FaceChannels.frameRate)}\n"
        return text
    }
}
