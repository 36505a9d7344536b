/// One entity mention found in a text.
public struct ExtractedEntity: Sendable, Equatable, Codable {
    /// The mention exactly as written (the text at `bytes`).
    public var name: String
    /// The entity's type.
    public var type: EntityType
    /// The mention's UTF-8 byte range in the text.
    public var bytes: Range<Int>

    /// Creates a mention.
    public init(name: String, type: EntityType, bytes: Range<Int>) {
        self.name = name
        self.type = type
        self.bytes = bytes
    }
}
