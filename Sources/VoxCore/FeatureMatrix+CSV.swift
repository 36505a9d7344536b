extension FeatureMatrix {
    /// The matrix as CSV text: an optional header line, then one line per row, values in
    /// shortest round-trip decimal form, comma separated, `\n` line ends.
    public func csv(header: [String]? = nil) -> String {
        var text = ""
        text.reserveCapacity(rows * columns * 12)
        if let header {
            precondition(header.count == columns, "header has \(header.count) names for \(columns) columns")
            text += header.joined(separator: ",") + "\n"
        }
        for r in 0..<rows {
            for c in 0..<columns {
                if c > 0 { text += "," }
                text += self[r, c].description
            }
            text += "\n"
        }
        return text
    }
}
