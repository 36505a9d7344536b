/// The readable text of an HTML page.
public struct HTMLDocumentText: Sendable, Equatable {
    /// The `<title>`, whitespace collapsed, if the page has a non-blank one.
    public var title: String?
    /// The body text: one line per block element, blank lines between paragraphs, whitespace
    /// collapsed within lines.
    public var text: String

    /// A page's text.
    public init(title: String?, text: String) {
        self.title = title
        self.text = text
    }
}

/// Extracts text from HTML. Pure, thread-safe, linear in the input and tolerant of broken markup
/// (unclosed tags, a bare `<` in text, unterminated comments): it never throws.
///
/// Drops comments, tags and the contents of `script`, `style`, `noscript`, `template`, `svg`,
/// `nav` (a site's menus are not what the page says) and `head` (the title is kept apart); block
/// elements become line breaks, paragraph-like ones blank lines; `pre` keeps its line breaks;
/// character references are decoded.
public enum HTMLText {
    /// Elements whose content is never text (or, for `nav`, never the page's own).
    static let dropped: Set<String> = ["script", "style", "noscript", "template", "svg", "math", "iframe", "object", "nav"]
    /// Elements that start a new paragraph (a blank line).
    static let paragraphs: Set<String> = [
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "blockquote", "pre", "table", "ul", "ol", "dl",
        "header", "footer", "main", "aside", "nav", "figure", "hr", "form", "fieldset", "details", "address",
    ]
    /// Elements that start a new line.
    static let lines: Set<String> = ["br", "div", "li", "tr", "dt", "dd", "figcaption", "caption", "summary", "option", "body"]
    /// Elements that may appear in `head`; any other start tag ends it.
    static let headElements: Set<String> = ["head", "title", "meta", "link", "base", "style", "script", "noscript", "template"]
    /// Table cells are separated by a space (a tab would be collapsed anyway).
    static let cells: Set<String> = ["td", "th"]

    /// Extracts the title and text of `html`.
    public static func extract(_ html: String) -> HTMLDocumentText {
        var scanner = Scanner(bytes: Array(html.utf8))
        scanner.run()
        let title = String(decoding: scanner.title.bytes, as: UTF8.self)
        return HTMLDocumentText(title: title.isEmpty ? nil : title, text: String(decoding: scanner.body.bytes, as: UTF8.self))
    }
}

extension HTMLText {
    /// Accumulates text with whitespace collapsed: spaces and line breaks are pending until the next
    /// visible character, so lines come out trimmed and at most one blank line separates paragraphs.
    struct TextSink {
        var bytes: [UInt8] = []
        var pendingSpace = false
        var pendingBreaks = 0

        mutating func space() { pendingSpace = true }

        mutating func lineBreak(_ count: Int) {
            pendingBreaks = max(pendingBreaks, count)
            pendingSpace = false
        }

        mutating func append(_ byte: UInt8) {
            if !bytes.isEmpty {
                if pendingBreaks > 0 {
                    bytes.append(contentsOf: repeatElement(0x0A, count: pendingBreaks))
                } else if pendingSpace {
                    bytes.append(0x20)
                }
            }
            pendingBreaks = 0
            pendingSpace = false
            bytes.append(byte)
        }

        mutating func append(_ scalar: Unicode.Scalar) {
            if scalar == "\u{AD}" { return }  // a soft hyphen only marks where a word may break
            if scalar == "\u{A0}" || scalar.properties.isWhitespace {
                space()
            } else if scalar.value < 0x80 {
                append(UInt8(scalar.value))
            } else {
                var encoded: [UInt8] = []
                UTF8.encode(scalar) { encoded.append($0) }
                append(encoded[0])
                bytes.append(contentsOf: encoded.dropFirst())
            }
        }
    }

    struct Scanner {
        let bytes: [UInt8]
        var position = 0
        var body = TextSink()
        var title = TextSink()
        var hasTitle = false
        var inHead = false
        var preDepth = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func run() {
            while position < bytes.count {
                let byte = bytes[position]
                if byte == UInt8(ascii: "<") {
                    tag()
                } else if byte == UInt8(ascii: "&") {
                    let scalar = entity()
                    if !inHead { body.append(scalar) }
                } else {
                    position += 1
                    if inHead { continue }
                    if byte == 0x0A && preDepth > 0 {
                        body.lineBreak(1)
                    } else if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C {
                        body.space()
                    } else if byte == 0xC2 && position < bytes.count && bytes[position] == 0xA0 {
                        position += 1  // U+00A0 NO-BREAK SPACE
                        body.space()
                    } else {
                        body.append(byte)
                    }
                }
            }
        }

        static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") }

        static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C }

        /// At `<`: a comment, a declaration, an end tag, a start tag or a literal `<`.
        mutating func tag() {
            let next = position + 1
            if next < bytes.count, bytes[next] == UInt8(ascii: "!") {
                if bytes[next...].starts(with: Array("!--".utf8)) {
                    position = find(Array("-->".utf8), from: next + 3).map { $0 + 3 } ?? bytes.count
                } else {
                    position = skipTag(from: next)
                }
                return
            }
            if next < bytes.count, bytes[next] == UInt8(ascii: "?") {
                position = skipTag(from: next)
                return
            }
            let isEnd = next < bytes.count && bytes[next] == UInt8(ascii: "/")
            let nameStart = isEnd ? next + 1 : next
            guard nameStart < bytes.count, Self.isLetter(bytes[nameStart]) else {
                // A bare '<' in text (or `</` not followed by a name) is text.
                position += 1
                if !inHead { body.append(UInt8(ascii: "<")) }
                return
            }
            var nameEnd = nameStart
            while nameEnd < bytes.count, !Self.isSpace(bytes[nameEnd]), bytes[nameEnd] != UInt8(ascii: ">"),
                bytes[nameEnd] != UInt8(ascii: "/")
            {
                nameEnd += 1
            }
            let name = String(decoding: bytes[nameStart..<nameEnd].map { Self.isLetter($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
            position = skipTag(from: nameEnd)
            let selfClosing = position >= 2 && bytes[position - 2] == UInt8(ascii: "/")
            if isEnd {
                endTag(name)
            } else {
                startTag(name, selfClosing: selfClosing)
            }
        }

        mutating func startTag(_ name: String, selfClosing: Bool) {
            if HTMLText.dropped.contains(name) {
                if !selfClosing { skipRawText(until: name) }
                return
            }
            if inHead && !HTMLText.headElements.contains(name) { inHead = false }  // as browsers do: content ends the head
            switch name {
            case "title":
                captureTitle()
            case "head":
                inHead = true
            case "body":
                inHead = false
            default:
                break
            }
            if name == "pre" && !selfClosing { preDepth += 1 }
            blockBreak(name)
        }

        mutating func endTag(_ name: String) {
            if name == "head" { inHead = false }
            if name == "pre" { preDepth = max(0, preDepth - 1) }
            blockBreak(name)
        }

        mutating func blockBreak(_ name: String) {
            if HTMLText.paragraphs.contains(name) {
                body.lineBreak(2)
            } else if HTMLText.lines.contains(name) {
                body.lineBreak(1)
            } else if HTMLText.cells.contains(name) {
                body.space()
            }
        }

        /// Past the `>` that ends a tag begun before `from`, skipping quoted attribute values; the
        /// end of input when there is none.
        func skipTag(from start: Int) -> Int {
            var index = start
            var quote: UInt8? = nil
            while index < bytes.count {
                let byte = bytes[index]
                if let open = quote {
                    if byte == open { quote = nil }
                } else if byte == UInt8(ascii: ">") {
                    return index + 1
                } else if (byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")) && index > start
                    && (bytes[index - 1] == UInt8(ascii: "=") || Self.isSpace(bytes[index - 1]))
                {
                    quote = byte
                }
                index += 1
            }
            return bytes.count
        }

        /// The first index of `needle` at or after `from`.
        func find(_ needle: [UInt8], from start: Int) -> Int? {
            guard needle.count <= bytes.count else { return nil }
            var index = start
            while index + needle.count <= bytes.count {
                if bytes[index] == needle[0] && bytes[index..<index + needle.count].elementsEqual(needle) { return index }
                index += 1
            }
            return nil
        }

        /// The index of the next `</name` (case-insensitive, followed by a non-name byte), from `position`.
        func endTagIndex(_ name: String) -> Int? {
            let lowered = Array(name.utf8)
            var index = position
            while let found = find(Array("</".utf8), from: index) {
                let nameStart = found + 2
                let nameEnd = nameStart + lowered.count
                if nameEnd <= bytes.count,
                    bytes[nameStart..<nameEnd].map({ Self.isLetter($0) ? $0 | 0x20 : $0 }).elementsEqual(lowered),
                    nameEnd == bytes.count || Self.isSpace(bytes[nameEnd]) || bytes[nameEnd] == UInt8(ascii: ">")
                        || bytes[nameEnd] == UInt8(ascii: "/")
                {
                    return found
                }
                index = found + 2
            }
            return nil
        }

        /// Skips the content and end tag of a raw-text element (an unclosed one runs to the end).
        mutating func skipRawText(until name: String) {
            guard let end = endTagIndex(name) else {
                position = bytes.count
                return
            }
            position = skipTag(from: end + 2)
        }

        /// Reads the title text (entities decoded); only the first title counts.
        mutating func captureTitle() {
            let end = endTagIndex("title") ?? bytes.count
            if !hasTitle {
                hasTitle = true
                while position < end {
                    let byte = bytes[position]
                    if byte == UInt8(ascii: "&") {
                        title.append(entity())
                    } else {
                        position += 1
                        if Self.isSpace(byte) { title.space() } else { title.append(byte) }
                    }
                }
            }
            position = end < bytes.count ? skipTag(from: end + 2) : end
        }

        /// At `&`: the referenced character (consuming the reference), or `&` itself when it is not one.
        mutating func entity() -> Unicode.Scalar {
            let start = position + 1
            var index = start
            if index < bytes.count, bytes[index] == UInt8(ascii: "#") {
                index += 1
                let hex = index < bytes.count && bytes[index] | 0x20 == UInt8(ascii: "x")
                if hex { index += 1 }
                var value: UInt32 = 0
                var digits = 0
                while index < bytes.count, let digit = Self.digit(bytes[index], hex: hex) {
                    // Past 0x10FFFF the value is invalid anyway; stop growing it so it cannot overflow.
                    if value <= 0x10FFFF { value = value * (hex ? 16 : 10) + digit }
                    digits += 1
                    index += 1
                }
                guard digits > 0 else {
                    position += 1
                    return "&"
                }
                if index < bytes.count, bytes[index] == UInt8(ascii: ";") { index += 1 }
                position = index
                guard value != 0, let scalar = Unicode.Scalar(value) else { return "\u{FFFD}" }
                return scalar
            }
            while index < bytes.count, index - start < 10, Self.isLetter(bytes[index]) || (0x30...0x39).contains(bytes[index]) {
                index += 1
            }
            let name = String(decoding: bytes[start..<index], as: UTF8.self)
            let terminated = index < bytes.count && bytes[index] == UInt8(ascii: ";")
            // Without ';' only the legacy four are references ("AT&T" stays as written).
            if let scalar = HTMLText.entities[name], terminated || ["amp", "lt", "gt", "quot"].contains(name) {
                position = terminated ? index + 1 : index
                return scalar
            }
            position += 1
            return "&"
        }

        static func digit(_ byte: UInt8, hex: Bool) -> UInt32? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f") where hex: return UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F") where hex: return UInt32(byte - UInt8(ascii: "A") + 10)
            default: return nil
            }
        }
    }
}
