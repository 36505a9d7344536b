/// The tensor names and shapes of a Hugging Face `BertModel` encoder (the `state_dict` keys
/// without any prefix), and which other keys a checkpoint may carry that inference ignores.
enum BertArchitecture {
    /// Prefixes found in front of the BertModel names: none (BertModel.save_pretrained), `bert.`
    /// (task heads such as BertForMaskedLM) and `0.auto_model.` (a whole SentenceTransformer).
    static let prefixes = ["", "bert.", "0.auto_model."]

    /// (name, shape) of every tensor the encoder reads, in `state_dict` order.
    static func tensors(for c: BertConfig) -> [(name: String, shape: [Int])] {
        let h = c.hiddenSize
        var list: [(String, [Int])] = [
            ("embeddings.word_embeddings.weight", [c.vocabSize, h]),
            ("embeddings.position_embeddings.weight", [c.maxPositions, h]),
            ("embeddings.token_type_embeddings.weight", [c.typeVocabSize, h]),
            ("embeddings.LayerNorm.weight", [h]),
            ("embeddings.LayerNorm.bias", [h]),
        ]
        for i in 0..<c.layers {
            let p = "encoder.layer.\(i)"
            for part in ["query", "key", "value"] {
                list.append(("\(p).attention.self.\(part).weight", [h, h]))
                list.append(("\(p).attention.self.\(part).bias", [h]))
            }
            list += [
                ("\(p).attention.output.dense.weight", [h, h]),
                ("\(p).attention.output.dense.bias", [h]),
                ("\(p).attention.output.LayerNorm.weight", [h]),
                ("\(p).attention.output.LayerNorm.bias", [h]),
                ("\(p).intermediate.dense.weight", [c.intermediateSize, h]),
                ("\(p).intermediate.dense.bias", [c.intermediateSize]),
                ("\(p).output.dense.weight", [h, c.intermediateSize]),
                ("\(p).output.dense.bias", [h]),
                ("\(p).output.LayerNorm.weight", [h]),
                ("\(p).output.LayerNorm.bias", [h]),
            ]
        }
        return list
    }

    /// Keys a checkpoint may hold that sentence embedding does not use: the int64 position and
    /// token-type id buffers, and the pooler (a dense + tanh over [CLS] for classification).
    static func isIgnored(_ name: String) -> Bool {
        name.hasSuffix("embeddings.position_ids") || name.hasSuffix("embeddings.token_type_ids") || name.contains("pooler.")
    }
}
