import Testing
import VoxDSP

@testable import VoxServer

@Suite struct StreamSettingsTests {
    /// The automatic playout delay covers the features' look-ahead, the window's lookahead and
    /// hop - 1 frames, plus 70 ms of jitter and model margin: 238 ms at the defaults at 48 kHz,
    /// one frame (16.7 ms) more per frame of hop or lookahead; an explicit delay wins.
    @Test func automaticPlayoutDelayAddsUpItsParts() {
        let defaults = StreamSettings(hop: 4, lookahead: 4)
        let delay = defaults.playoutDelay(inputRate: 48_000)
        let features = StreamingFeatureExtractor.algorithmicLatency(inputRate: 48_000)
        #expect(abs(Double(delay) / 1e6 - (features + 7.0 / 60 + 0.070)) < 1e-5)
        #expect(delay > 230_000 && delay < 245_000, "\(delay) us")
        let longerHop = StreamSettings(hop: 5, lookahead: 4).playoutDelay(inputRate: 48_000)
        let longerLookahead = StreamSettings(hop: 4, lookahead: 5).playoutDelay(inputRate: 48_000)
        #expect(abs(longerHop - delay - 16_667) <= 1 && longerLookahead == longerHop)
        #expect(StreamSettings(hop: 4, lookahead: 4, playoutDelayMilliseconds: 500).playoutDelay(inputRate: 48_000) == 500_000)
    }
}
