import VoxMedia

/// A token bucket bounding the packets one stream accepts per second, so a flooding sender costs
/// a counted drop per extra packet instead of decoder and jitter-buffer work. Plain value, time
/// injected.
struct PacketRateLimit: Sendable {
    /// Sustained packets per second. Opus's shortest frame is 2.5 ms (400 packets/s); 20 ms
    /// packets come at 50/s.
    var rate: Int64 = 500
    /// Packets accepted back to back (a sender catching up after a network stall).
    var burst: Int64 = 250
    /// Tokens in millionths of a packet, to stay exact in integers.
    private var tokens: Int64 = 250 * 1_000_000
    private var last: Microseconds?

    /// Takes one token at `now`; false if the packet is over the limit.
    mutating func admit(now: Microseconds) -> Bool {
        if let last, now > last {
            tokens = min(burst * 1_000_000, tokens + (now - last) * rate)
        }
        last = max(last ?? now, now)
        guard tokens >= 1_000_000 else { return false }
        tokens -= 1_000_000
        return true
    }
}
