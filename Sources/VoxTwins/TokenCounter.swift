/// Counts approximate tokens scalar by scalar (the rule is documented on ``Chunker/tokenCount(_:)``).
///
/// Adding one scalar raises ``count`` by at most one, which lets the chunker cut a long word
/// anywhere and stay within a bound.
struct TokenCounter {
    enum Run {
        case none, letters, digits
    }

    var run = Run.none
    /// Letters: 2 per ASCII letter, 4 per other letter (12 make a token); digits: 1 each (3 make a token).
    var weight = 0
    var closed = 0

    var count: Int {
        switch run {
        case .none: closed
        case .letters: closed + (weight + 11) / 12
        case .digits: closed + (weight + 2) / 3
        }
    }

    mutating func close() {
        closed = count
        run = .none
        weight = 0
    }

    mutating func extend(_ kind: Run, by amount: Int) {
        if run != kind {
            close()
            run = kind
        }
        weight += amount
    }

    mutating func add(_ scalar: Unicode.Scalar) {
        let value = scalar.value
        if value < 0x80 {
            switch value {
            case 0x41...0x5A, 0x61...0x7A: extend(.letters, by: 2)
            case 0x30...0x39: extend(.digits, by: 1)
            case 0...0x20, 0x7F: close()
            default:
                close()
                closed += 1
            }
            return
        }
        let properties = scalar.properties
        if properties.isWhitespace {
            close()
            return
        }
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .format:
            return  // accents, joiners, variation selectors: part of the character before
        case .control:
            close()
            return
        case .decimalNumber:
            extend(.digits, by: 1)
            return
        default:
            break
        }
        if properties.isIdeographic {
            close()
            closed += 1
        } else if properties.isAlphabetic {
            extend(.letters, by: 4)
        } else {
            close()
            closed += 1
        }
    }
}
