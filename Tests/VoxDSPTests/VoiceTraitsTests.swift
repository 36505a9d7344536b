import Foundation
import Testing
import VoxCore

@testable import VoxDSP

/// Synthetic voices with known answers: harmonics of an F0 contour under a vowel-like envelope
/// (formants at 700, 1220 and 2600 Hz on a spectral tilt), shaped into syllables and phrases, over
/// a -75 dBFS white-noise floor.
private enum SyntheticVoice {
    /// A syllable or steady vowel: `seconds` of voice with raised-cosine attack and decay.
    struct Segment {
        var seconds: Double
        var pitch: (Double) -> Double  // Hz at time t (s) within the segment
        var attack = 0.025
        var decay = 0.04
    }

    /// Amplitude of a harmonic at `hertz` for a tilt of `tilt` dB per octave.
    static func envelope(_ hertz: Double, tilt: Double) -> Double {
        let formants: [(centre: Double, width: Double, gain: Double)] = [(700, 130, 1), (1220, 150, 0.5), (2600, 250, 0.25)]
        let shape = formants.reduce(0.05) { $0 + $1.gain * exp(-0.5 * pow((hertz - $1.centre) / $1.width, 2)) }
        return shape * pow(2, tilt / 6 * log2(hertz / 100))
    }

    /// Voice segments separated by silences (`gaps[i]` seconds after segment i), with `lead` seconds
    /// before and after, at `rate` Hz. The voiced parts have an RMS of `decibels` dBFS.
    static func render(
        _ segments: [Segment], gaps: [Double], lead: Double = 0.5, rate: Int, decibels: Double = -25, tilt: Double = -6,
        noiseDecibels: Double? = -75, seed: UInt64 = 1
    ) -> [Float] {
        var out = [Float](repeating: 0, count: Int(lead * Double(rate)))
        var voiced: [Range<Int>] = []
        var phase = 0.0
        let maximumHarmonicHz = min(4500, 0.45 * Double(rate))
        for (index, segment) in segments.enumerated() {
            let count = Int(segment.seconds * Double(rate))
            let start = out.count
            var amplitudes: [Double] = []
            for n in 0..<count {
                let t = Double(n) / Double(rate)
                let f0 = segment.pitch(t)
                if n % 32 == 0 {
                    let harmonics = Int(maximumHarmonicHz / f0)
                    amplitudes = (1...max(harmonics, 1)).map { envelope(Double($0) * f0, tilt: tilt) }
                }
                phase += 2 * Double.pi * f0 / Double(rate)
                if phase > 2 * Double.pi { phase -= 2 * Double.pi }
                // sin(k phase) by the Chebyshev recurrence s_k = 2 cos(phase) s_(k-1) - s_(k-2).
                let c = 2 * cos(phase)
                var previous = 0.0
                var current = sin(phase)
                var value = 0.0
                for a in amplitudes {
                    value += a * current
                    (previous, current) = (current, c * current - previous)
                }
                let gain: Double
                if t < segment.attack {
                    gain = 0.5 - 0.5 * cos(Double.pi * t / segment.attack)
                } else if segment.seconds - t < segment.decay {
                    gain = 0.5 - 0.5 * cos(Double.pi * (segment.seconds - t) / segment.decay)
                } else {
                    gain = 1
                }
                out.append(Float(value * gain))
            }
            voiced.append(start..<out.count)
            let gap = index < gaps.count ? gaps[index] : 0
            out += [Float](repeating: 0, count: Int(gap * Double(rate)))
        }
        out += [Float](repeating: 0, count: Int(lead * Double(rate)))
        let squares = voiced.reduce(0.0) { sum, range in sum + out[range].reduce(0.0) { $0 + Double($1) * Double($1) } }
        let rms = sqrt(squares / Double(voiced.reduce(0) { $0 + $1.count }))
        let scale = Float(pow(10, decibels / 20) / rms)
        var random = SplitMix64(seed: seed)
        let noise = noiseDecibels.map { pow(10, $0 / 20) * sqrt(3.0) } ?? 0  // uniform noise of that RMS
        return out.map { $0 * scale + Float(noise * (2 * random.nextUnit() - 1)) }
    }

    /// One steady vowel of `seconds` at `pitch` Hz with 0.5 s of silence either side.
    static func vowel(pitch: Double, seconds: Double = 2, rate: Int, decibels: Double = -25, tilt: Double = -6) -> [Float] {
        render([Segment(seconds: seconds, pitch: { _ in pitch })], gaps: [], rate: rate, decibels: decibels, tilt: tilt)
    }

    /// Phrases of syllables at `syllablesPerSecond`: each syllable 60% voice, 40% silence, the
    /// phrases `pauses` apart. Returns the signal and the designed rate (syllables per second of
    /// phrase, first onset to last offset) and pause ratio.
    static func phrases(
        syllablesPerSecond: Double, counts: [Int], pauses: [Double], rate: Int
    ) -> (signal: [Float], rate: Double, pauseRatio: Double) {
        let period = 1 / syllablesPerSecond
        var segments: [Segment] = []
        var gaps: [Double] = []
        var phraseSeconds = 0.0
        for (p, count) in counts.enumerated() {
            for s in 0..<count {
                // A falling pitch per syllable around a declining phrase pitch, as in read speech.
                let base = 130 - 4 * Double(s)
                segments.append(Segment(seconds: 0.6 * period, pitch: { base - 20 * $0 }))
                gaps.append(s < count - 1 ? 0.4 * period : (p < pauses.count ? pauses[p] : 0))
            }
            phraseSeconds += Double(count) * period - 0.4 * period
        }
        let pauseSeconds = pauses.prefix(counts.count - 1).reduce(0, +)
        let signal = render(segments, gaps: gaps, rate: rate)
        let syllables = Double(counts.reduce(0, +))
        return (signal, syllables / phraseSeconds, pauseSeconds / (phraseSeconds + pauseSeconds))
    }
}

@Suite struct VoiceTraitsTests {
    static func traits(_ signal: [Float], rate: Int) throws -> VoiceTraits {
        try #require(VoiceTraitsAnalyzer.analyse(signal, sampleRate: rate, blockSize: 960).traits())
    }

    /// Median pitch within 3% of a steady 110 or 220 Hz vowel at each input rate. Measured: 109.84
    /// and 219.68 Hz (-0.14%, the median's 1/4-semitone bin) at every rate, IQR 0.125 semitone.
    @Test(arguments: [110.0, 220.0], [16_000, 48_000, 88_200])
    func medianPitchOfSteadyVowel(pitch: Double, rate: Int) throws {
        let traits = try Self.traits(SyntheticVoice.vowel(pitch: pitch, rate: rate), rate: rate)
        let error = traits.medianPitchHz / pitch - 1
        #expect(abs(error) < 0.03, "\(traits)")
        #expect(traits.pitchSpreadSemitones < 0.3)
    }

    /// Two pitches 4 semitones apart in equal shares: an IQR of 4 semitones. A glide linear in
    /// semitones over an octave: uniform over 12 semitones, an IQR of 6. Measured: 4.01 and 6.03.
    @Test func pitchSpreadMatchesTheDesign() throws {
        let rate = 48_000
        let alternating = (0..<16).map { i in
            SyntheticVoice.Segment(seconds: 0.3, pitch: { _ in i % 2 == 0 ? 150 : 150 * pow(2, 4.0 / 12) }, attack: 0.005, decay: 0.005)
        }
        let stepped = try Self.traits(SyntheticVoice.render(alternating, gaps: [], rate: rate), rate: rate)
        let glide = SyntheticVoice.Segment(seconds: 4, pitch: { 100 * pow(2, $0 / 4) })
        let glided = try Self.traits(SyntheticVoice.render([glide], gaps: [], rate: rate), rate: rate)
        #expect(abs(stepped.pitchSpreadSemitones - 4) < 0.3)
        #expect(abs(glided.pitchSpreadSemitones - 6) < 0.3)
        #expect(abs(glided.medianPitchHz / (100 * sqrt(2)) - 1) < 0.03)
    }

    /// Syllable rate within 15% and pause ratio within 0.05 of the design. Measured (design):
    /// 3.17 (3.20), 4.21 (4.26), 6.27 (6.39) syllables/s; pause ratio 0.199 (0.205), 0.249 (0.256),
    /// 0.330 (0.341): the 40 ms windows shorten each pause by about 30 ms.
    @Test(arguments: [3.0, 4.0, 6.0])
    func syllableRateAndPauses(syllablesPerSecond: Double) throws {
        let rate = 48_000
        let design = SyntheticVoice.phrases(
            syllablesPerSecond: syllablesPerSecond, counts: [6, 8, 5, 7], pauses: [0.6, 0.8, 0.7], rate: rate)
        let traits = try Self.traits(design.signal, rate: rate)
        #expect(abs(traits.syllablesPerSecond / design.rate - 1) < 0.15, "\(traits)")
        #expect(abs(traits.pauseRatio - design.pauseRatio) < 0.05, "\(traits)")
    }

    /// The same voice 10 dB quieter reads 10 dB quieter (+-1 dB), and near its designed level.
    /// Measured: -19.76 and -29.76 dBFS.
    @Test func loudnessFollowsGain() throws {
        let loud = try Self.traits(SyntheticVoice.vowel(pitch: 140, rate: 48_000, decibels: -20), rate: 48_000)
        let quiet = try Self.traits(SyntheticVoice.vowel(pitch: 140, rate: 48_000, decibels: -30), rate: 48_000)
        #expect(abs(loud.loudnessDbfs - quiet.loudnessDbfs - 10) < 1)
        #expect(abs(loud.loudnessDbfs + 20) < 1)
    }

    /// More energy in the high harmonics (a flatter tilt) is a higher centroid. Measured: 462 Hz at
    /// -12 dB/octave, 1038 Hz at 0 dB/octave.
    @Test func brightnessRisesWithHighHarmonics() throws {
        let dull = try Self.traits(SyntheticVoice.vowel(pitch: 140, rate: 48_000, tilt: -12), rate: 48_000)
        let bright = try Self.traits(SyntheticVoice.vowel(pitch: 140, rate: 48_000, tilt: 0), rate: 48_000)
        #expect(bright.brightnessHz > dull.brightnessHz + 300)
    }

    /// Silence and white noise alone: no voiced frame and no nucleus, so no traits.
    @Test func silenceAndNoiseHaveNoTraits() {
        let rate = 48_000
        let silence = VoiceTraitsAnalyzer.analyse([Float](repeating: 0, count: 5 * rate), sampleRate: rate)
        #expect(silence.traits() == nil)
        #expect(silence.speechFrames == 0 && silence.voicedFrames == 0 && silence.syllableNuclei == 0)
        #expect(silence.analysedFrames == 500)
        var random = SplitMix64(seed: 7)
        for decibels in [-60.0, -30, -10] {
            let amplitude = pow(10, decibels / 20) * sqrt(3.0)
            let noise = (0..<(5 * rate)).map { _ in Float(amplitude * (2 * random.nextUnit() - 1)) }
            let accumulator = VoiceTraitsAnalyzer.analyse(noise, sampleRate: rate)
            #expect(accumulator.traits() == nil)
            #expect(accumulator.voicedFrames == 0 && accumulator.syllableNuclei == 0, "\(decibels) dBFS: \(accumulator)")
        }
    }

    /// Blocks of 1, 7 and 960 samples give identical accumulators (the resampler tracks positions
    /// exactly), at a decimating rate and at a fractional one.
    @Test(arguments: [48_000, 44_100])
    func blockSizeDoesNotMatter(rate: Int) {
        let design = SyntheticVoice.phrases(syllablesPerSecond: 4, counts: [5, 4], pauses: [0.7], rate: rate)
        let reference = VoiceTraitsAnalyzer.analyse(design.signal, sampleRate: rate, blockSize: 960)
        #expect(reference.syllableNuclei > 0 && reference.voicedFrames > 0)
        for blockSize in [1, 7] {
            #expect(VoiceTraitsAnalyzer.analyse(design.signal, sampleRate: rate, blockSize: blockSize) == reference)
        }
    }

    /// Merging the accumulators of two recordings equals analysing them back to back in every
    /// histogram and count except the pause time, which only the joined stream has between them
    /// (both begin and end with 0.5 s of digital silence and last whole 10 ms hops).
    @Test func mergeEqualsAnalysingBackToBack() {
        let rate = 48_000
        let a = SyntheticVoice.render(
            [SyntheticVoice.Segment(seconds: 1.2, pitch: { _ in 120 })], gaps: [], rate: rate, noiseDecibels: nil)
        let b = SyntheticVoice.render(
            (0..<5).map { _ in SyntheticVoice.Segment(seconds: 0.15, pitch: { 180 - 30 * $0 }) }, gaps: [0.1, 0.1, 0.1, 0.1],
            rate: rate, decibels: -32, noiseDecibels: nil)
        let first = Array(a[0..<(a.count / 480 * 480)])
        let second = Array(b[0..<(b.count / 480 * 480)])
        let separate = (VoiceTraitsAnalyzer.analyse(first, sampleRate: rate), VoiceTraitsAnalyzer.analyse(second, sampleRate: rate))
        var merged = separate.0
        merged.merge(separate.1)
        let joined = VoiceTraitsAnalyzer.analyse(first + second, sampleRate: rate)
        #expect(merged.pitch == joined.pitch)
        #expect(merged.level == joined.level)
        #expect(merged.centroid == joined.centroid)
        #expect(merged.syllableNuclei == joined.syllableNuclei && merged.syllableNuclei == 6)
        #expect(merged.speakingFrames == joined.speakingFrames)
        #expect(merged.analysedFrames == joined.analysedFrames)
        #expect(merged.pauseFrames == 0 && joined.pauseFrames > 90)
        var reversed = separate.1
        reversed.merge(separate.0)
        #expect(reversed == merged)
        var identity = merged
        identity.merge(VoiceTraitsAccumulator())
        #expect(identity == merged)
    }

    /// JSON round trip; a few KB at most (measured: 1255 bytes); snake_case keys; a wrong layout
    /// is rejected.
    @Test func codableRoundTrip() throws {
        let rate = 48_000
        let accumulator = VoiceTraitsAnalyzer.analyse(
            SyntheticVoice.phrases(syllablesPerSecond: 4, counts: [6, 6], pauses: [0.7], rate: rate).signal, sampleRate: rate)
        let data = try JSONEncoder().encode(accumulator)
        #expect(data.count < 4096)
        #expect(try JSONDecoder().decode(VoiceTraitsAccumulator.self, from: data) == accumulator)
        let traits = try #require(accumulator.traits())
        let traitsData = try JSONEncoder().encode(traits)
        #expect(try JSONDecoder().decode(VoiceTraits.self, from: traitsData) == traits)
        let keys = try #require(JSONSerialization.jsonObject(with: traitsData) as? [String: Any]).keys.sorted()
        #expect(
            keys == [
                "analysed_seconds", "brightness_hz", "loudness_dbfs", "loudness_range_db", "median_pitch_hz", "pause_ratio",
                "pitch_spread_semitones", "speech_seconds", "syllables_per_second",
            ])
        var object = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
        object["pitch_quarter_semitones"] = [1, 2, 3]
        let corrupt = try JSONSerialization.data(withJSONObject: object)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(VoiceTraitsAccumulator.self, from: corrupt) }
        object = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
        object["syllable_nuclei"] = -1
        let negative = try JSONSerialization.data(withJSONObject: object)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(VoiceTraitsAccumulator.self, from: negative) }
    }

    /// NaN, infinities and absurd magnitudes are analysed as silence and counted; the rest still reads.
    @Test func invalidSamplesAreCountedAndSilenced() throws {
        let rate = 48_000
        var signal = SyntheticVoice.vowel(pitch: 150, rate: rate)
        for (i, value) in [Float.nan, .infinity, -.infinity, 1e30, -.greatestFiniteMagnitude, 5000].enumerated() {
            signal[30_000 + 7919 * i] = value
        }
        let analyzer = VoiceTraitsAnalyzer(sampleRate: rate)
        analyzer.push(signal)
        analyzer.finish()
        #expect(analyzer.invalidSamples == 6)
        #expect(analyzer.inputSamples == signal.count)
        let traits = try #require(analyzer.accumulator.traits())
        #expect(abs(traits.medianPitchHz / 150 - 1) < 0.03)
        #expect(traits.loudnessDbfs.isFinite && traits.loudnessRangeDb.isFinite && traits.brightnessHz.isFinite)
    }

    /// The resampler keeps a 1 kHz tone's level (within 0.1 dB) and yields ceil(n x 16000 / rate) samples.
    @Test(arguments: [8000, 11_025, 44_100, 48_000, 88_200, 192_000, 44_056])
    func resamplerKeepsTheBand(rate: Int) {
        let input = (0..<rate).map { Float(0.5 * sin(2 * Double.pi * 1000 * Double($0) / Double(rate))) }
        var resampler = VoiceTraitsResampler(inputRate: rate)
        var output: [Float] = []
        input.withUnsafeBufferPointer { resampler.process($0) { output.append($0) } }
        resampler.flush { output.append($0) }
        #expect(output.count == (input.count * 16_000 + rate - 1) / rate)
        let middle = output[2000..<14_000]
        let rms = sqrt(middle.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(middle.count))
        #expect(abs(20 * log10(rms / (0.5 / sqrt(2.0)))) < 0.1, "\(rate) Hz: rms \(rms)")
    }

    /// The espeak-ng speech fixture (Tools/make_test_clips.sh: "The quick brown fox jumps over the
    /// lazy dog.", en-us, 165 words per minute, cut at 3 s) reads like speech. Measured: median
    /// pitch 99.4 Hz, 11.0 nuclei in 2.78 s of speaking time (3.96/s), -25.2 dBFS.
    @Test func espeakSpeechFixtureReadsLikeSpeech() throws {
        let audio = try AudioFileReader().read(path: Fixtures.audio("speech.wav"))
        let traits = try Self.traits(audio.samples, rate: audio.sampleRate)
        #expect(traits.medianPitchHz > 70 && traits.medianPitchHz < 200)
        // 11 syllables, the last ("dog") ending near the cut.
        let nuclei = traits.syllablesPerSecond * traits.speechSeconds
        #expect(nuclei > 8.5 && nuclei < 13.5)
        #expect(traits.loudnessDbfs < 0 && traits.loudnessDbfs > -40)
    }

    /// Live espeak-ng speech, where installed: a low and a high voice are ordered by median pitch,
    /// the 15 syllables are found (+-2) and the full stop is a pause. Measured with espeak-ng 1.51:
    /// 77 and 136 Hz, 14 and 15 nuclei, pause ratio 0.07.
    @Test(.enabled(if: espeakPath != nil, "espeak-ng is not installed (apt-get install espeak-ng)"))
    func espeakVoicesAreOrderedByPitch() throws {
        func speak(pitch: Int) throws -> VoiceTraits {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("voxface-espeak-\(UUID().uuidString).wav").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: espeakPath!)
            let text = "Please call Stella. Ask her to bring these things with her from the store."
            process.arguments = ["-v", "en-us", "-p", "\(pitch)", "-w", path, text]
            try process.run()
            process.waitUntilExit()
            let audio = try AudioFileReader().read(path: path)
            return try Self.traits(audio.samples, rate: audio.sampleRate)
        }
        let low = try speak(pitch: 20)
        let high = try speak(pitch: 80)
        #expect(high.medianPitchHz > low.medianPitchHz * 1.2)
        for traits in [low, high] {
            let nuclei = traits.syllablesPerSecond * traits.speechSeconds
            #expect(abs(nuclei - 15) <= 2, "\(traits)")
            #expect(traits.pauseRatio > 0.02, "\(traits)")
        }
    }

    /// CPU cost for a live 48 kHz stream in 20 ms blocks: seconds of thread CPU per second of audio.
    /// Release builds measure about 0.0014 (0.14% of a core). Debug builds, though VoxDSP is built
    /// with -O, call the generic `RealFFT` unspecialised across files (no whole-module
    /// optimisation) and measure about 0.015-0.025, hence the loose bound.
    @Test func costPerSecondOfAudio() {
        let rate = 48_000
        let signal = SyntheticVoice.phrases(syllablesPerSecond: 4, counts: [8, 8, 8, 8], pauses: [0.7, 0.7, 0.7], rate: rate).signal
        let analyzer = VoiceTraitsAnalyzer(sampleRate: rate)
        let seconds = 60.0
        let started = threadCPUSeconds()
        signal.withUnsafeBufferPointer { all in
            var pushed = 0
            while Double(pushed) < seconds * Double(rate) {
                let offset = pushed % (all.count - 960)
                analyzer.push(UnsafeBufferPointer(rebasing: all[offset..<offset + 960]))
                pushed += 960
            }
        }
        let cost = (threadCPUSeconds() - started) / seconds
        #expect(cost < 0.05, "\(cost) s of CPU per s of 48 kHz audio")
    }
}

/// espeak-ng, where installed.
private let espeakPath: String? = ["/usr/bin/espeak-ng", "/usr/local/bin/espeak-ng"].first {
    FileManager.default.isExecutableFile(atPath: $0)
}

/// CPU time of the calling thread, in seconds.
private func threadCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}
