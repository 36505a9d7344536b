/// The packet-index state of one SSRC: the highest index seen, from which the 16-bit sequence
/// number of a new packet is extended to its 48-bit index (ROC × 2^16 + SEQ, RFC 3711 §3.3.1 and
/// Appendix A), and a 64-packet sliding window of the indices already accepted (§3.3.2).
///
/// A plain value: `verdict` and `estimate` only read; `accept` is called after a packet
/// authenticates, so forged packets never move the window.
public struct SRTPReplayWindow: Sendable, Equatable {
    /// Packets the window remembers behind the highest index; older ones are refused.
    public static let size = 64

    /// What the window says about a packet index.
    public enum Verdict: Sendable, Equatable {
        /// Not seen yet: ahead of the window or a gap inside it.
        case fresh
        /// Already accepted.
        case duplicate
        /// Behind the window: it cannot be told apart from a replay.
        case tooOld
    }

    /// The highest index accepted so far; nil before the first packet.
    public private(set) var highest: UInt64?
    /// Bit `k` is set when index `highest - k` was accepted.
    private var seen: UInt64 = 0

    /// An empty window (ROC 0, nothing received).
    public init() {}

    /// The rollover counter of the highest index.
    public var rolloverCounter: UInt32 { UInt32(truncatingIfNeeded: (highest ?? 0) >> 16) }

    /// The index of `sequence` nearest to the highest index: the guess of RFC 3711 Appendix A.
    /// The first packet gets ROC 0. Nil for a packet that would come before index 0 (a late packet
    /// from before a wrap that was never seen).
    public func estimate(sequence: UInt16) -> UInt64? {
        guard let highest else { return UInt64(sequence) }
        let last = UInt16(truncatingIfNeeded: highest)
        let roc = highest >> 16
        let half: UInt16 = 0x8000
        var guess = roc
        if last < half {
            // A number far above `last` belongs before the last wrap.
            if sequence > last, sequence - last > half {
                guard roc > 0 else { return nil }
                guess = roc - 1
            }
        } else if last - half > sequence {
            // A number far below `last` belongs after the next wrap.
            guess = roc + 1
        }
        return guess << 16 | UInt64(sequence)
    }

    /// Whether a packet with this index may be accepted.
    public func verdict(for index: UInt64) -> Verdict {
        guard let highest, index <= highest else { return .fresh }
        let age = highest - index
        guard age < UInt64(Self.size) else { return .tooOld }
        return seen & (1 << age) == 0 ? .fresh : .duplicate
    }

    /// Records an authenticated packet, sliding the window when it is the new highest.
    public mutating func accept(_ index: UInt64) {
        guard let highest else {
            self.highest = index
            seen = 1
            return
        }
        if index > highest {
            let shift = index - highest
            seen = shift < UInt64(Self.size) ? seen << shift | 1 : 1
            self.highest = index
        } else if highest - index < UInt64(Self.size) {
            seen |= 1 << (highest - index)
        }
    }
}
