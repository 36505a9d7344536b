import Foundation
public import VoxCore

/// The simulation's only source of chance: VoxCore's SplitMix64, so a seed and a step sequence
/// reproduce a run exactly; its state is saved with the world.
public typealias SeededRandom = SplitMix64

extension SplitMix64 {
    /// Uniform in 0..<1.
    mutating func unit() -> Double { nextUnit() }

    /// Standard normal (Box-Muller).
    mutating func normal() -> Double {
        let u = max(unit(), 1e-12)
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * unit())
    }
}
