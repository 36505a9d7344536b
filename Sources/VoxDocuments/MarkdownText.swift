/// Markdown as plain text, for display (chunk byte ranges are taken on the original Markdown).
///
/// Line by line: heading `#`s, block-quote `>`s and emphasis markers (`*`, `_`, `~~`, backticks)
/// are dropped, `[text](url)` and `![alt](url)` become `text` and `alt`, and fenced code blocks
/// keep their content verbatim without the fences. Pure and linear.
public enum MarkdownText {
    /// The plain text of `md`.
    public static func plain(_ md: String) -> String {
        var lines: [String] = []
        var inFence = false
        for line in md.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                inFence.toggle()
                continue
            }
            if inFence {
                lines.append(String(line))
                continue
            }
            var body = trimmed
            while body.first == ">" { body = body.dropFirst().drop { $0 == " " } }
            if body.first == "#" {
                let hashes = body.prefix { $0 == "#" }
                let rest = body.dropFirst(hashes.count)
                if hashes.count <= 6 && (rest.isEmpty || rest.first == " ") {
                    body = rest.drop { $0 == " " }
                    while body.last == "#" || body.last == " " { body = body.dropLast() }
                }
            }
            lines.append(inline(body))
        }
        return lines.joined(separator: "\n")
    }

    /// Drops emphasis markers and link syntax within a line.
    static func inline(_ text: Substring) -> String {
        let characters = Array(text)
        var output = ""
        var index = 0
        while index < characters.count {
            let character = characters[index]
            switch character {
            case "\\" where index + 1 < characters.count:
                output.append(characters[index + 1])
                index += 2
                continue
            case "*", "`", "~":
                index += 1
                continue
            case "_":
                // Only at a word edge: snake_case stays.
                let before = index > 0 ? characters[index - 1] : " "
                let after = index + 1 < characters.count ? characters[index + 1] : " "
                if before.isLetter || before.isNumber, after.isLetter || after.isNumber { output.append("_") }
                index += 1
                continue
            case "!" where index + 1 < characters.count && characters[index + 1] == "[":
                index += 1
                continue
            case "[":
                // [text](url): keep text, drop the url. Links are short: looking at most 1,000
                // characters ahead keeps a line of unmatched brackets linear.
                let window = index..<min(characters.count, index + 1000)
                if let close = characters[window].firstIndex(of: "]"), close + 1 < window.upperBound, characters[close + 1] == "(",
                    let end = characters[(close + 1)..<window.upperBound].firstIndex(of: ")")
                {
                    output += inline(Substring(String(characters[(index + 1)..<close])))
                    index = end + 1
                    continue
                }
            default:
                break
            }
            output.append(character)
            index += 1
        }
        return output
    }
}
