import Foundation
import VoxCore

/// Paths of the committed test fixtures (made by Tools/make_test_clips.sh and
/// Tools/reference_features.py).
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func audio(_ name: String) -> String {
        root.appendingPathComponent("audio").appendingPathComponent(name).path
    }

    static func reference(_ name: String) throws -> FeatureMatrix {
        let data = try Data(contentsOf: root.appendingPathComponent("reference").appendingPathComponent(name + ".npy"))
        return try NumPyFormat.decode([UInt8](data))
    }

    /// A temporary file holding `bytes`; removed by the caller.
    static func temporaryFile(_ bytes: [UInt8], suffix: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("voxface-test-\(UUID().uuidString)\(suffix)").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A canonical 16-bit PCM WAV file.
    static func wav(samples: [Int16], sampleRate: Int, channels: Int = 1) -> [UInt8] {
        func le32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }
        func le16(_ v: Int) -> [UInt8] { (0..<2).map { UInt8((v >> (8 * $0)) & 0xFF) } }
        let dataBytes = samples.count * 2
        var bytes = Array("RIFF".utf8) + le32(36 + dataBytes) + Array("WAVEfmt ".utf8)
        bytes += le32(16) + le16(1) + le16(channels) + le32(sampleRate) + le32(sampleRate * channels * 2)
        bytes += le16(channels * 2) + le16(16) + Array("data".utf8) + le32(dataBytes)
        for s in samples { bytes += le16(Int(UInt16(bitPattern: s))) }
        return bytes
    }
}
