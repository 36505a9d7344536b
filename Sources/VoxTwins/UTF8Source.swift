/// A text as UTF-8 bytes, with the scanning the chunker needs; every range it returns starts and
/// ends at a scalar boundary and is trimmed of whitespace.
struct UTF8Source {
    let bytes: [UInt8]

    /// The scalar at `index` and its length in bytes (U+FFFD and 1 for a stray byte, which a
    /// `String`'s UTF-8 never has).
    func scalar(at index: Int) -> (Unicode.Scalar, Int) {
        let lead = bytes[index]
        if lead < 0x80 { return (Unicode.Scalar(lead), 1) }
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        guard length > 1, index + length <= bytes.count else { return ("\u{FFFD}", 1) }
        var value = UInt32(lead) & (0xFF >> (length + 1))
        for offset in 1..<length {
            let byte = bytes[index + offset]
            guard byte & 0xC0 == 0x80 else { return ("\u{FFFD}", 1) }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        guard let scalar = Unicode.Scalar(value) else { return ("\u{FFFD}", 1) }
        return (scalar, length)
    }

    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x80 ? (scalar.value <= 0x20 || scalar.value == 0x7F) : scalar.properties.isWhitespace
    }

    func tokens(in range: Range<Int>) -> Int {
        var counter = TokenCounter()
        var index = range.lowerBound
        while index < range.upperBound {
            let (scalar, length) = scalar(at: index)
            counter.add(scalar)
            index += length
        }
        return counter.count
    }

    func chunk(_ range: Range<Int>) -> TextChunk {
        TextChunk(text: String(decoding: bytes[range], as: UTF8.self), bytes: range, tokens: tokens(in: range))
    }

    /// Paragraphs: text separated by a blank line, a form feed or U+2029 PARAGRAPH SEPARATOR.
    func paragraphs(in range: Range<Int>) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start: Int? = nil
        var end = range.lowerBound
        var breaks = 0
        var index = range.lowerBound
        while index < range.upperBound {
            let (scalar, length) = scalar(at: index)
            if Self.isWhitespace(scalar) {
                switch scalar {
                case "\n": breaks += 1
                case "\u{0C}", "\u{2029}": breaks += 2
                default: break
                }
            } else {
                if let first = start, breaks >= 2 {
                    result.append(first..<end)
                    start = index
                } else if start == nil {
                    start = index
                }
                breaks = 0
                end = index + length
            }
            index += length
        }
        if let first = start { result.append(first..<end) }
        return result
    }

    /// Runs of non-whitespace.
    func words(in range: Range<Int>) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start: Int? = nil
        var index = range.lowerBound
        while index < range.upperBound {
            let (scalar, length) = scalar(at: index)
            if Self.isWhitespace(scalar) {
                if let first = start { result.append(first..<index) }
                start = nil
            } else if start == nil {
                start = index
            }
            index += length
        }
        if let first = start { result.append(first..<range.upperBound) }
        return result
    }

    /// Cuts a run into pieces of at most `maxTokens` (at least 1) tokens. A cut comes only before a
    /// scalar that adds a token, so never before a combining mark, joiner or variation selector.
    func pieces(of range: Range<Int>, maxTokens: Int) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var counter = TokenCounter()
        var start = range.lowerBound
        var index = range.lowerBound
        while index < range.upperBound {
            let (scalar, length) = scalar(at: index)
            var next = counter
            next.add(scalar)
            if next.count > maxTokens && index > start {
                result.append(start..<index)
                start = index
                counter = TokenCounter()
                counter.add(scalar)
            } else {
                counter = next
            }
            index += length
        }
        if start < range.upperBound { result.append(start..<range.upperBound) }
        return result
    }
}
