import Foundation

/// Something an avatar remembers. Its strength decays exponentially with world time since it
/// was formed or last recalled, slower for important memories and for often-recalled ones:
/// stability = importance x (1 + recalls) x 180 world minutes (an importance-10 memory fades to
/// 1/e in 30 world hours, an importance-1 memory in 3). Under ``forgetFloor`` it is forgotten
/// (deleted).
public struct Memory: Sendable, Equatable, Codable {
    /// Longest memory text, characters.
    public static let maxText = 2000
    /// Strength under which a memory is forgotten.
    public static let forgetFloor = 0.05
    /// World minutes of stability per importance point.
    public static let minutesPerImportance = 180.0

    /// Id (unique in the store).
    public var id: Int64
    /// The text.
    public var text: String
    /// 1...10.
    public var importance: Int
    /// `conversation`, `reflection`, `message`, `note` (created through the API) or `match`.
    public var kind: String
    /// World minute it was formed.
    public var createdAt: Double
    /// World minute it was formed or last recalled.
    public var reinforcedAt: Double
    /// Times recalled.
    public var recalls: Int

    /// A memory from its parts.
    public init(id: Int64, text: String, importance: Int, kind: String, createdAt: Double, reinforcedAt: Double, recalls: Int) {
        self.id = id
        self.text = text
        self.importance = importance
        self.kind = kind
        self.createdAt = createdAt
        self.reinforcedAt = reinforcedAt
        self.recalls = recalls
    }

    /// World minutes for the strength to fall to 1/e.
    public static func stability(importance: Int, recalls: Int) -> Double {
        Double(importance) * Double(1 + recalls) * minutesPerImportance
    }

    /// Strength at world minute `now`, 0...1.
    public func strength(at now: Double) -> Double {
        exp(-max(0, now - reinforcedAt) / Self.stability(importance: importance, recalls: recalls))
    }
}
