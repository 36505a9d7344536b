/// One unfolded content line, `NAME;PARAM=v1,"v;2":value` (RFC 5545 §3.1).
struct ContentLine: Sendable, Equatable {
    /// Upper-cased property name.
    var name: String
    /// Upper-cased parameter names to their values, quotes removed.
    var parameters: [String: [String]]
    /// The raw value after the first unquoted ':' (not unescaped).
    var value: String
    /// 1-based number of the physical line the content line starts on.
    var lineNumber: Int

    /// The first value of parameter `name`, if any.
    func parameter(_ name: String) -> String? { parameters[name]?.first }
}

extension ICalendar {
    /// Splits `text` into physical lines (LF or CRLF), joins continuation lines (those starting
    /// with a space or tab) to the line before, and calls `body` with each logical line's bytes.
    /// Blank lines are skipped. Throws `.tooLarge` when a logical line exceeds `maxLineBytes`.
    static func forEachUnfoldedLine(
        _ text: String, _ body: ([UInt8], Int) throws(TwinInputError) -> Void
    ) throws(TwinInputError) {
        var current: [UInt8] = []
        var currentStart = 0
        var physical: [UInt8] = []
        var lineNumber = 0

        func endPhysicalLine() throws(TwinInputError) {
            lineNumber += 1
            if physical.last == UInt8(ascii: "\r") { physical.removeLast() }
            defer { physical.removeAll(keepingCapacity: true) }
            if let first = physical.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t"), !current.isEmpty {
                guard current.count + physical.count - 1 <= maxLineBytes else {
                    throw .tooLarge(what: "line", limit: maxLineBytes)
                }
                current.append(contentsOf: physical.dropFirst())
                return
            }
            if !current.isEmpty { try body(current, currentStart) }
            current.removeAll(keepingCapacity: true)
            // A whitespace-only line with nothing to continue is blank.
            guard physical.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }) else { return }
            current.append(contentsOf: physical)
            currentStart = lineNumber
        }

        for byte in text.utf8 {
            if byte == UInt8(ascii: "\n") {
                try endPhysicalLine()
            } else {
                guard physical.count < maxLineBytes + 2 else { throw .tooLarge(what: "line", limit: maxLineBytes) }
                physical.append(byte)
            }
        }
        if !physical.isEmpty { try endPhysicalLine() }
        if !current.isEmpty { try body(current, currentStart) }
    }

    /// Parses one unfolded line into name, parameters and value.
    static func contentLine(_ bytes: [UInt8], lineNumber: Int) throws(TwinInputError) -> ContentLine {
        func bad(_ why: String) -> TwinInputError { .malformed(format: "ics", reason: "line \(lineNumber): \(why)") }
        func isNameByte(_ b: UInt8) -> Bool {
            (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: "-")
                || b == UInt8(ascii: "_")
        }
        var i = bytes.startIndex
        // Skip a UTF-8 byte-order mark on the first line.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i += 3 }
        func name() -> String {
            let start = i
            while i < bytes.endIndex, isNameByte(bytes[i]) { i += 1 }
            return String(decoding: bytes[start..<i], as: UTF8.self).uppercased()
        }
        let propertyName = name()
        guard !propertyName.isEmpty else { throw bad("expected a property name") }
        var parameters: [String: [String]] = [:]
        while i < bytes.endIndex, bytes[i] == UInt8(ascii: ";") {
            i += 1
            let parameterName = name()
            guard !parameterName.isEmpty, i < bytes.endIndex, bytes[i] == UInt8(ascii: "=") else {
                throw bad("parameter of \(propertyName) has no '='")
            }
            i += 1
            var values: [String] = []
            while true {
                if i < bytes.endIndex, bytes[i] == UInt8(ascii: "\"") {
                    let start = i + 1
                    guard let close = bytes[start...].firstIndex(of: UInt8(ascii: "\"")) else {
                        throw bad("unterminated quoted parameter value")
                    }
                    values.append(String(decoding: bytes[start..<close], as: UTF8.self))
                    i = close + 1
                } else {
                    let start = i
                    while i < bytes.endIndex, bytes[i] != UInt8(ascii: ","), bytes[i] != UInt8(ascii: ";"), bytes[i] != UInt8(ascii: ":") {
                        i += 1
                    }
                    values.append(String(decoding: bytes[start..<i], as: UTF8.self))
                }
                guard i < bytes.endIndex, bytes[i] == UInt8(ascii: ",") else { break }
                i += 1
            }
            parameters[parameterName, default: []].append(contentsOf: values)
        }
        guard i < bytes.endIndex, bytes[i] == UInt8(ascii: ":") else { throw bad("\(propertyName) has no ':'") }
        let value = String(decoding: bytes[(i + 1)...], as: UTF8.self)
        return ContentLine(name: propertyName, parameters: parameters, value: value, lineNumber: lineNumber)
    }
}
