extension UTF8Source {
    /// Words that end in '.' without ending a sentence (lowercased, without the dot).
    static let abbreviations: Set<String> = [
        "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "etc", "cf", "al", "ca", "approx", "inc", "ltd", "co", "corp",
        "dept", "est", "no", "nos", "fig", "figs", "vol", "pp", "gen", "col", "lt", "sgt", "capt", "rev", "mt", "ft", "jan", "feb",
        "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "e.g", "i.e", "eg", "ie", "viz", "resp",
    ]
    /// Closing quotes and brackets that may follow a terminator ("He left." / (See above.)).
    static let closers: Set<Unicode.Scalar> = ["\"", "'", ")", "]", "}", "”", "’", "»", "」", "』", "）", "*", "_"]
    /// Opening quotes and brackets that may precede a sentence's first letter.
    static let openers: Set<Unicode.Scalar> = ["\"", "'", "(", "[", "“", "‘", "«", "„", "¿", "¡", "「", "『", "*", "_"]

    /// Sentences within `range` (see ``Chunker/sentences(_:)`` for the rules).
    func sentences(in range: Range<Int>) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start: Int? = nil
        var end = range.lowerBound
        var runStart = range.lowerBound
        var inRun = false
        var breaks = 0
        var candidate = false
        var ideographicBreak = false
        var index = range.lowerBound
        while index < range.upperBound {
            let (scalar, length) = scalar(at: index)
            if Self.isWhitespace(scalar) {
                if inRun {
                    candidate = endsSentence(runStart..<end, firstInSentence: runStart == start)
                    inRun = false
                }
                switch scalar {
                case "\n", "\u{2028}": breaks += 1
                case "\u{0C}", "\u{2029}": breaks += 2
                default: break
                }
                index += length
                continue
            }
            if !inRun {
                if let first = start {
                    let split =
                        breaks >= 2 || ideographicBreak || (candidate && startsSentence(at: index))
                        || (breaks == 1 && isListMarker(at: index))
                    if split {
                        result.append(first..<end)
                        start = index
                    }
                } else {
                    start = index
                }
                candidate = false
                ideographicBreak = false
                breaks = 0
                runStart = index
                inRun = true
            } else if ideographicBreak && !Self.closers.contains(scalar) {
                // 。！？ end a sentence without a following space.
                if let first = start { result.append(first..<end) }
                start = index
                runStart = index
                ideographicBreak = false
            }
            if scalar == "。" || scalar == "！" || scalar == "？" { ideographicBreak = true }
            end = index + length
            index += length
        }
        if let first = start { result.append(first..<end) }
        return result
    }

    /// Whether a run of non-whitespace ends a sentence, if a sentence start follows.
    func endsSentence(_ run: Range<Int>, firstInSentence: Bool) -> Bool {
        // Most runs are words ending in a letter: answer those without decoding.
        let lastByte = bytes[run.upperBound - 1]
        if lastByte < 0x80 && !Array(".!?\"')]}*_".utf8).contains(lastByte) { return false }
        // Terminators and abbreviations are short; in a long run only the end matters.
        let tail = run.count > 64 ? run.upperBound - 16..<run.upperBound : run
        var scalars: [Unicode.Scalar] = []
        var index = tail.lowerBound
        while index < tail.upperBound {
            let (scalar, length) = scalar(at: index)
            scalars.append(scalar)
            index += length
        }
        while let last = scalars.last, Self.closers.contains(last) { scalars.removeLast() }
        guard let last = scalars.last else { return false }
        if last == "!" || last == "?" || last == "…" { return true }
        guard last == "." else { return false }
        if run.count > 64 { return true }
        var dots = 0
        while scalars.last == "." {
            scalars.removeLast()
            dots += 1
        }
        if dots > 1 { return true }  // an ellipsis
        while let first = scalars.first, Self.openers.contains(first) { scalars.removeFirst() }
        let word = String(String.UnicodeScalarView(scalars)).lowercased()
        if word.isEmpty { return true }
        if Self.abbreviations.contains(word) { return false }
        // "1." opening a line is a list number, not the end of a sentence.
        if firstInSentence && word.allSatisfy(\.isNumber) { return false }
        // Initials and dotted abbreviations: "J.", "U.S.", "e.g.".
        if word.split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ $0.count == 1 && $0.first!.isLetter }) {
            return false
        }
        return true
    }

    /// Whether a sentence may start at `index`: a capital, a digit or a letter without case, maybe
    /// after opening quotes or brackets.
    func startsSentence(at index: Int) -> Bool {
        var position = index
        for _ in 0..<4 where position < bytes.count {
            let (scalar, length) = scalar(at: position)
            if Self.openers.contains(scalar) {
                position += length
                continue
            }
            let properties = scalar.properties
            if properties.isUppercase || properties.numericType != nil { return true }
            return properties.isAlphabetic && !properties.isLowercase
        }
        return false
    }

    /// Whether a list item starts at `index`: `- `, `* `, `+ `, `• `, or up to three digits and `.` or `)`, then a space.
    func isListMarker(at index: Int) -> Bool {
        func spaceAt(_ position: Int) -> Bool { position < bytes.count && (bytes[position] == 0x20 || bytes[position] == 0x09) }
        let byte = bytes[index]
        if byte == UInt8(ascii: "-") || byte == UInt8(ascii: "*") || byte == UInt8(ascii: "+") { return spaceAt(index + 1) }
        if bytes[index...].starts(with: [0xE2, 0x80, 0xA2]) { return spaceAt(index + 3) }  // •
        var position = index
        while position < bytes.count, position - index < 3, (0x30...0x39).contains(bytes[position]) { position += 1 }
        guard position > index, position < bytes.count, bytes[position] == UInt8(ascii: ".") || bytes[position] == UInt8(ascii: ")") else {
            return false
        }
        return spaceAt(position + 1)
    }
}
