import Foundation
import VoxTwins

/// The fixture files of Fixtures/ (the PDFs are made by Tools/make_pdf_fixture.py).
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: root.appendingPathComponent(name)))
    }

    static func text(_ name: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(name), encoding: .utf8)
    }

    /// A labelled set of Fixtures/ner (the extractor's evaluation).
    static func cases(_ name: String) throws -> [LabelledCase] {
        let data = try Data(contentsOf: root.appendingPathComponent("ner").appendingPathComponent(name))
        return try JSONDecoder().decode([LabelledCase].self, from: data)
    }
}
