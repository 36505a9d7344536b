import Foundation
import VoxCore
import VoxModel

/// Paths of the committed model fixtures (made by Tools/model_fixtures.py from NeuroSync's own
/// model code with seeded random weights).
enum ModelFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let features = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("VoxDSPTests/Fixtures/reference")

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    static func npy(_ relative: String) throws -> FeatureMatrix {
        try NumPyFormat.decode([UInt8](Data(contentsOf: root.appendingPathComponent(relative))))
    }

    static func referenceFeatures(_ clip: String) throws -> FeatureMatrix {
        try NumPyFormat.decode([UInt8](Data(contentsOf: features.appendingPathComponent(clip + ".npy"))))
    }

    /// max |a - b| / max |b|: the fixtures' tolerance is 1e-4 of the largest output magnitude.
    static func relativeError(_ a: FeatureMatrix, _ b: FeatureMatrix) -> Float {
        let scale = b.values.map { abs($0) }.max() ?? 1
        return a.maxAbsoluteDifference(to: b) / max(scale, 1e-12)
    }

    /// Runs one window through a session.
    static func window(_ session: InferenceSession, _ input: FeatureMatrix) -> FeatureMatrix {
        let c = session.model.config
        var out = [Float](repeating: 0, count: input.rows * c.outputDim)
        input.values.withUnsafeBufferPointer { i in
            out.withUnsafeMutableBufferPointer { o in session.run(input: i.baseAddress!, length: input.rows, output: o.baseAddress!) }
        }
        return FeatureMatrix(columns: c.outputDim, values: out)
    }
}
