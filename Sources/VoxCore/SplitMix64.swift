/// SplitMix64 (Steele, Lea and Flood 2014): a tiny seedable generator, so random weights and
/// randomised tests replay exactly from a seed.
public struct SplitMix64: RandomNumberGenerator, Sendable, Equatable {
    /// The generator's whole state (saving it and restoring with ``init(seed:)`` continues the
    /// same sequence).
    public private(set) var state: UInt64

    /// A generator starting from `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }
}
