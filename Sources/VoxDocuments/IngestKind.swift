import Foundation

/// What kind of content an ingestion is.
public enum IngestKind: String, Sendable, Codable, CaseIterable {
    /// Plain text.
    case text
    /// Markdown.
    case markdown
    /// PDF (text through poppler).
    case pdf
    /// An HTML page.
    case html
    /// A chat log (the generic JSON, Telegram Desktop or DiscordChatExporter JSON).
    case chat
    /// An iCalendar file.
    case calendar

    /// The kind of a file from its name, declared type and first bytes; nil when unknown.
    public static func detect(filename: String?, contentType: String?, bytes: [UInt8]) -> IngestKind? {
        let name = (filename ?? "").lowercased()
        let type = (contentType ?? "").lowercased()
        if bytes.starts(with: Array("%PDF-".utf8)) || type.hasPrefix("application/pdf") { return .pdf }
        if name.hasSuffix(".ics") || type.hasPrefix("text/calendar") { return .calendar }
        if name.hasSuffix(".json") || type.hasPrefix("application/json") { return .chat }
        if name.hasSuffix(".html") || name.hasSuffix(".htm") || type.hasPrefix("text/html") { return .html }
        if name.hasSuffix(".md") || name.hasSuffix(".markdown") || type.hasPrefix("text/markdown") { return .markdown }
        if name.hasSuffix(".txt") || type.hasPrefix("text/plain") { return .text }
        let head = String(decoding: bytes.prefix(512), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if head.hasPrefix("BEGIN:VCALENDAR") { return .calendar }
        if head.hasPrefix("<!DOCTYPE html") || head.lowercased().hasPrefix("<html") { return .html }
        if head.hasPrefix("[") || head.hasPrefix("{") { return .chat }
        if name.isEmpty && type.isEmpty && String(validating: bytes.prefix(4096), as: UTF8.self) != nil { return .text }
        return nil
    }
}
