/// The 68 output channels of NeuroSync's model, in the model's order: 61 ARKit-style shapes and
/// rotations (the Live Link Face CSV order: JawRight before JawLeft, MouthRight before
/// MouthLeft) then 7 emotions. See ../shared/reference/neurosync.md.
public enum FaceChannels {
    /// All 68 names, model order.
    public static let names: [String] = shapes + emotions

    /// The 61 Live Link Face values, in the CSV export's (and the model's) order.
    public static let shapes: [String] = [
        "EyeBlinkLeft", "EyeLookDownLeft", "EyeLookInLeft", "EyeLookOutLeft", "EyeLookUpLeft", "EyeSquintLeft", "EyeWideLeft",
        "EyeBlinkRight", "EyeLookDownRight", "EyeLookInRight", "EyeLookOutRight", "EyeLookUpRight", "EyeSquintRight",
        "EyeWideRight", "JawForward", "JawRight", "JawLeft", "JawOpen", "MouthClose", "MouthFunnel", "MouthPucker",
        "MouthRight", "MouthLeft", "MouthSmileLeft", "MouthSmileRight", "MouthFrownLeft", "MouthFrownRight",
        "MouthDimpleLeft", "MouthDimpleRight", "MouthStretchLeft", "MouthStretchRight", "MouthRollLower", "MouthRollUpper",
        "MouthShrugLower", "MouthShrugUpper", "MouthPressLeft", "MouthPressRight", "MouthLowerDownLeft",
        "MouthLowerDownRight", "MouthUpperUpLeft", "MouthUpperUpRight", "BrowDownLeft", "BrowDownRight", "BrowInnerUp",
        "BrowOuterUpLeft", "BrowOuterUpRight", "CheekPuff", "CheekSquintLeft", "CheekSquintRight", "NoseSneerLeft",
        "NoseSneerRight", "TongueOut", "HeadYaw", "HeadPitch", "HeadRoll", "LeftEyeYaw", "LeftEyePitch", "LeftEyeRoll",
        "RightEyeYaw", "RightEyePitch", "RightEyeRoll",
    ]

    /// The 61 values of a Live Link Face UDP packet, in the packet's order (the ARKit order:
    /// JawLeft before JawRight, MouthLeft before MouthRight; ../shared/reference/livelink-face.md).
    public static let liveLinkPacketOrder: [String] = {
        var order = shapes
        order.swapAt(15, 16)  // JawRight, JawLeft -> JawLeft, JawRight
        order.swapAt(21, 22)  // MouthRight, MouthLeft -> MouthLeft, MouthRight
        return order
    }()

    /// For each Live Link packet slot, the model column holding that value (mapped by name).
    public static let modelColumnForLiveLinkSlot: [Int] = liveLinkPacketOrder.map { name in shapes.firstIndex(of: name)! }

    /// The 7 emotion channels after the shapes.
    public static let emotions: [String] = ["Angry", "Disgusted", "Fearful", "Happy", "Neutral", "Sad", "Surprised"]

    /// Frames per second of model output.
    public static let frameRate = 60
}

extension FeatureMatrix {
    /// Face frames as a Live Link Face CSV export: `Timecode,BlendShapeCount`, the 61 shape
    /// names in the export's order, then any further columns (the 7 emotions) by name.
    /// Timecode is `HH:MM:SS:FF.mmm` at 60 fps from zero.
    public func liveLinkCSV() -> String {
        precondition(columns >= FaceChannels.shapes.count, "Live Link CSV needs at least 61 columns")
        let extra = Array(FaceChannels.names[FaceChannels.shapes.count..<min(columns, FaceChannels.names.count)])
        var text = (["Timecode", "BlendShapeCount"] + FaceChannels.shapes + extra).joined(separator: ",") + "\n"
        text.reserveCapacity(rows * columns * 12)
        let rate = FaceChannels.frameRate
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : String(v) }
        for r in 0..<rows {
            let seconds = r / rate
            text +=
                "\(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60)):\(two(r % rate)).000,\(FaceChannels.shapes.count)"
            for c in 0..<min(columns, FaceChannels.names.count) { text += "," + self[r, c].description }
            text += "\n"
        }
        return text
    }
}
