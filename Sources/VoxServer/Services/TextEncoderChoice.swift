import Foundation
import Logging
import VoxMatch
import VoxModel

/// Which text encoder the matchmaking service uses.
enum TextEncoderChoice {
    /// The sentence encoder from `path` (or found in the usual places: `VOXFACE_TEXT_MODEL`,
    /// `./.build/models/all-MiniLM-L6-v2`, `../models/` beside the binary), else the offline
    /// encoder, said in the log, /health and every profile reply. "offline" forces it.
    static func open(_ path: String?, logger: Logger) -> any TextEmbedder {
        if path == "offline" { return HashedTextEmbedder() }
        let directory = path.map { URL(fileURLWithPath: $0) } ?? SentenceEncoder.findDefault()
        guard let directory else {
            logger.warning(
                "no sentence-encoder weights (Tools/fetch-minilm.sh fetches them): matchmaking uses the offline encoder (hashed n-grams + taxonomy)"
            )
            return HashedTextEmbedder()
        }
        do {
            let encoder = try SentenceEncoder(directory: directory)
            logger.info("sentence encoder loaded", metadata: ["path": "\(directory.path)", "dimension": "\(encoder.dimension)"])
            return SentenceTextEmbedder(encoder: encoder, name: directory.lastPathComponent)
        } catch {
            logger.error(
                "the sentence encoder in \(directory.path) does not load (\(error)): matchmaking uses the offline encoder")
            return HashedTextEmbedder()
        }
    }
}
