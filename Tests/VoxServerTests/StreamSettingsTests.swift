import Foundation
import Testing
import VoxDSP
import VoxMedia
import VoxSettings

@testable import VoxServer

@Suite struct StreamSettingsTests {
    /// The automatic playout delay covers the features' look-ahead, the window's lookahead and
    /// hop - 1 frames, plus the allowances: with the network profile's 40 + 30 ms, about 245 ms at hop 4 /
    /// lookahead 4 at 48 kHz, one frame (16.7 ms) more per frame of hop or lookahead; an explicit
    /// delay wins over any allowances.
    /// Found by FuzzStreamSettings: an unknown field's name was echoed as sent, so a name with a
    /// newline made a two-line refusal (and a megabyte-long name a megabyte of message).
    @Test func anUnknownFieldIsNamedOnOneShortLine() throws {
        func refusal(_ body: String) -> String? {
            do {
                _ = try JSONDecoder().decode(StreamSettingsPatch.self, from: Data(body.utf8))
                return nil
            } catch let error as SettingsError { return error.message } catch { return "not a SettingsError: \(error)" }
        }
        #expect(refusal(#"{"lat\ncy_profile":1.5}"#) == #"unknown setting 'lat\ncy_profile'"#)
        #expect(refusal(#"{"a\u2028b\u0000'\\":1}"#) == #"unknown setting 'a\u{2028}b\0\'\\'"#)
        let long = refusal("{\"\(String(repeating: "x", count: 100_000))\":1}")
        #expect(long == "unknown setting '\(String(repeating: "x", count: 64))...'")
        #expect(refusal(#"{"hop":2}"#) == nil)
    }

    /// Found by RouteBodyMutationTests: `{"lookahead": 9223372036854775807}` trapped in
    /// `validate` (hop + lookahead overflowed) and took the server down with it.
    @Test func hopAndLookaheadNearIntMaxAreRefusedNotTrapped() {
        let config = testModel.config
        for (hop, lookahead) in [(4, Int.max), (Int.max, 0), (Int.max, Int.max), (1, Int.max - 1), (Int.min, 0), (4, Int.min)] {
            #expect(throws: SettingsError.self, "hop \(hop), lookahead \(lookahead)") {
                try StreamSettings(hop: hop, lookahead: lookahead).validate(for: config)
            }
        }
        #expect((try? StreamSettings(hop: 4, lookahead: config.frameSize - 4).validate(for: config)) != nil)
    }

    @Test func automaticPlayoutDelayAddsUpItsParts() {
        let network = PlayoutAllowances.network
        let settings = StreamSettings(hop: 4, lookahead: 4)
        let delay = settings.playoutDelay(inputRate: 48_000, allowances: network)
        let features = StreamingFeatureExtractor.algorithmicLatency(inputRate: 48_000, lowLatency: true)
        #expect(abs(Double(delay) / 1e6 - (features + 7.0 / 60 + 0.070)) < 1e-5)
        #expect(delay > 240_000 && delay < 250_000, "\(delay) us")
        let longerHop = StreamSettings(hop: 5, lookahead: 4).playoutDelay(inputRate: 48_000, allowances: network)
        let longerLookahead = StreamSettings(hop: 4, lookahead: 5).playoutDelay(inputRate: 48_000, allowances: network)
        #expect(abs(longerHop - delay - 16_667) <= 1 && longerLookahead == longerHop)
        let measured = PlayoutAllowances(jitter: 2_000, compute: 9_000)
        #expect(settings.playoutDelay(inputRate: 48_000, allowances: measured) == delay - 70_000 + 11_000)
        let fixed = StreamSettings(hop: 4, lookahead: 4, playoutDelayMilliseconds: 500)
        #expect(fixed.playoutDelay(inputRate: 48_000, allowances: network) == 500_000)
        #expect(fixed.playoutDelay(inputRate: 48_000, allowances: measured) == 500_000)
    }
}
