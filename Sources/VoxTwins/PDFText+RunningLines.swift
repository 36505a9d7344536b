extension PDFText {
    /// How many non-empty lines at the top and at the bottom of a page can be a running header or
    /// footer.
    static let runningEdge = 2

    /// `pages` without their running headers and footers: a line among the first or the last
    /// ``runningEdge`` non-empty lines of a page that, compared case-folded with its digits masked
    /// and whitespace collapsed, stands in the same place (counted in non-empty lines from that
    /// edge) on at least half the pages, and on two at least ("Car-free Sundays proposal - page 1
    /// of 2", "Page 3", "ACME Ltd. - Confidential").
    /// A document title printed on every page would otherwise join the passage of whatever section
    /// a page break falls in, and match every question about the document. Lines elsewhere on a
    /// page, and documents of one page, are left as they are. Plain logic over values.
    static func withoutRunningLines(_ pages: [String]) -> [String] {
        guard pages.count >= 2 else { return pages }
        let lines = pages.map { $0.split(separator: "\n", omittingEmptySubsequences: false) }
        // Each page's first and last non-empty lines, keyed by their place from that edge and their text.
        let edges = lines.map { page -> (top: [(key: String, line: Int)], bottom: [(key: String, line: Int)]) in
            let filled = page.indices.filter { page[$0].contains { !$0.isWhitespace } }
            let keyed = { (zone: [Int]) in zone.enumerated().map { ("\($0.offset) " + runningKey(page[$0.element]), $0.element) } }
            return (keyed(Array(filled.prefix(runningEdge))), keyed(filled.suffix(runningEdge).reversed()))
        }
        let needed = max(2, (pages.count + 1) / 2)
        func running(_ zones: [[(key: String, line: Int)]]) -> Set<String> {
            var pagesWith: [String: Int] = [:]
            for zone in zones {
                for key in Set(zone.map(\.key)) { pagesWith[key, default: 0] += 1 }
            }
            return Set(pagesWith.filter { $0.value >= needed }.keys)
        }
        let headers = running(edges.map(\.top))
        let footers = running(edges.map(\.bottom))
        guard !headers.isEmpty || !footers.isEmpty else { return pages }
        return zip(lines, edges).map { page, edge in
            let drop = Set(
                edge.top.filter { headers.contains($0.key) }.map(\.line) + edge.bottom.filter { footers.contains($0.key) }.map(\.line))
            guard !drop.isEmpty else { return page.joined(separator: "\n") }
            let kept = page.indices.filter { !drop.contains($0) }.map { page[$0] }
            // Blank lines left at the ends of the page go with the lines they surrounded.
            let blank = { (line: Substring) in !line.contains { !$0.isWhitespace } }
            return kept.drop(while: blank).reversed().drop(while: blank).reversed().joined(separator: "\n")
        }
    }

    /// A line as running lines are compared: case-folded, digits masked, whitespace collapsed.
    static func runningKey(_ line: Substring) -> String {
        line.lowercased().map { $0.isNumber ? "#" : $0 }.split { $0.isWhitespace }.map { String($0) }.joined(separator: " ")
    }
}
