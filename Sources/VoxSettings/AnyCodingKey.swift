/// A coding key for any field name: lets a request body's decoder list every field it was sent,
/// so that unknown fields can be refused by name.
public struct AnyCodingKey: CodingKey, Sendable {
    /// The field's name.
    public var stringValue: String
    /// Always nil: request bodies are JSON objects.
    public var intValue: Int? { nil }
    /// The key for `stringValue`.
    public init(stringValue: String) { self.stringValue = stringValue }
    /// Never: integer keys are not used.
    public init?(intValue: Int) { nil }
}
