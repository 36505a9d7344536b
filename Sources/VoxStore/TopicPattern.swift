/// A subscription pattern over slash-separated topic names: `*` matches exactly one path
/// segment, `#` as the last segment matches any remainder (one or more segments); every other
/// segment matches itself. `avatars/*/state` matches `avatars/a1/state`, not `avatars/a1/x/state`.
public struct TopicPattern: Sendable, Hashable, CustomStringConvertible {
    /// Longest pattern accepted, bytes.
    public static let maxLength = 256
    /// Most segments in a pattern.
    public static let maxSegments = 16

    private let segments: [Substring]
    /// The pattern as written.
    public let description: String

    /// Parses `text`; nil when empty, too long, with empty segments, or with `#` before the end.
    public init?(_ text: String) {
        guard !text.isEmpty, text.utf8.count <= Self.maxLength else { return nil }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= Self.maxSegments, parts.allSatisfy({ !$0.isEmpty }) else { return nil }
        if let hash = parts.firstIndex(of: "#"), hash != parts.count - 1 { return nil }
        segments = parts
        description = text
    }

    /// Whether `topic` matches.
    public func matches(_ topic: String) -> Bool {
        var index = 0
        for part in topic.split(separator: "/", omittingEmptySubsequences: false) {
            guard index < segments.count else { return false }
            let want = segments[index]
            if want == "#" { return true }
            if want != "*" && want != part { return false }
            index += 1
        }
        return index == segments.count
    }

    /// Whether any of `patterns` matches `topic`.
    public static func any(_ patterns: [TopicPattern], match topic: String) -> Bool {
        patterns.contains { $0.matches(topic) }
    }
}
