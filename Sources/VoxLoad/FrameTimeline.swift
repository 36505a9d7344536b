/// The server's audio timeline (Protocols/rtp-ingest.md): 48 kHz samples counted from the stream's
/// first packet, 60 face frames per second, frame k covering audio from sample 800 k.
public struct FrameTimeline: Sendable, Equatable {
    /// 48 kHz samples per 1/60 s frame.
    public static let samplesPerFrame = 800
    /// One frame period, 1/60 s.
    public static let framePeriod: Nanoseconds = 16_666_667

    /// Samples each sent packet carries (480 for 10 ms, 960 for 20 ms).
    public let samplesPerPacket: Int

    /// A timeline for packets of `samplesPerPacket` samples.
    public init(samplesPerPacket: Int) {
        precondition(samplesPerPacket > 0, "a packet carries at least one sample")
        self.samplesPerPacket = samplesPerPacket
    }

    /// The packet whose samples [j P, (j+1) P) hold the start of frame k's audio (sample 800 k).
    public func packet(carryingFrame frame: Int) -> Int { frame * Self.samplesPerFrame / samplesPerPacket }

    /// Frame k's audio time on the timeline, in nanoseconds (k / 60 s).
    public static func audioTime(ofFrame frame: Int) -> Nanoseconds { Nanoseconds(frame) * 1_000_000_000 / 60 }
}
