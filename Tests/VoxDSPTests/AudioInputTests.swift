import Foundation
import Testing

@testable import VoxDSP

@Suite struct AudioInputTests {
    @Test(arguments: ["format.ogg", "format.opus", "format.mp3", "format.flac"])
    func decodesEveryListedFormat(file: String) throws {
        let audio = try AudioFileReader().read(path: Fixtures.audio(file))
        #expect(abs(audio.duration - 1.0) < 0.02, "\(file): \(audio.duration) s")
        let features = try NeuroSyncFeatures.extract(audio, source: file).features
        #expect(features.rows == 61 && features.columns == 256)
        #expect(features.values.allSatisfy { $0.isFinite })
    }

    @Test func stereoIsAveragedToMono() throws {
        let audio = try AudioFileReader().read(path: Fixtures.audio("stereo_48k.flac"))
        #expect(audio.sourceChannels == 2 && audio.sampleRate == 48_000)
    }

    @Test func missingFile() {
        #expect(throws: AudioInputError.fileNotFound(path: "/nonexistent/x.wav")) {
            try AudioFileReader().read(path: "/nonexistent/x.wav")
        }
    }

    @Test func emptyFile() throws {
        let path = try Fixtures.temporaryFile([], suffix: ".wav")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: AudioInputError.emptyFile(path: path)) { try AudioFileReader().read(path: path) }
    }

    @Test func corruptHeader() throws {
        var bytes = Fixtures.wav(samples: [Int16](repeating: 100, count: 8000), sampleRate: 16_000)
        for i in 8..<36 { bytes[i] = 0xFF }  // destroys "WAVEfmt " and the format chunk
        let path = try Fixtures.temporaryFile(bytes, suffix: ".wav")
        defer { try? FileManager.default.removeItem(atPath: path) }
        assertUnsupported(path)
    }

    @Test func unsupportedFormat() throws {
        let path = try Fixtures.temporaryFile(Array("this is not audio, just text\n".utf8), suffix: ".txt")
        defer { try? FileManager.default.removeItem(atPath: path) }
        assertUnsupported(path)
    }

    @Test func directoryIsRefused() {
        #expect(throws: AudioInputError.unreadable(path: "/tmp", reason: "is a directory")) {
            try AudioFileReader().read(path: "/tmp")
        }
    }

    @Test func zeroLengthAudio() throws {
        let path = try Fixtures.temporaryFile(Fixtures.wav(samples: [], sampleRate: 16_000), suffix: ".wav")
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try AudioFileReader().read(path: path)
            Issue.record("zero-length audio was accepted")
        } catch {
            // libsndfile may refuse the header itself or open it with no frames; both are clear errors.
            switch error {
            case .noAudio, .unsupportedOrCorrupt: break
            default: Issue.record("unexpected error \(error)")
            }
            #expect(error.description.hasPrefix(path))
        }
    }

    @Test func tooShortIsRefusedOrPadded() throws {
        // 50 ms at 16 kHz: under the reference's 83.3 ms (9-frame) minimum.
        let samples = (0..<800).map { Int16(8000 * sin(Double($0) * 0.3)) }
        let path = try Fixtures.temporaryFile(Fixtures.wav(samples: samples, sampleRate: 16_000), suffix: ".wav")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let audio = try AudioFileReader().read(path: path)
        #expect(throws: AudioInputError.tooShort(path: path, milliseconds: 50, minimumMilliseconds: 7350.0 / 88.2)) {
            try NeuroSyncFeatures.extract(audio, source: path)
        }
        let padded = try NeuroSyncFeatures.extract(audio, source: path, padShort: true).features
        // Padded to 7350 samples: 1 + 7350 / 735 = 11 analysis frames, 6 output frames.
        #expect(padded.rows == 6 && padded.values.allSatisfy { $0.isFinite })
    }

    @Test func overLongAudioIsRefusedBeforeDecoding() throws {
        let path = try Fixtures.temporaryFile(
            Fixtures.wav(samples: [Int16](repeating: 1, count: 32_000), sampleRate: 16_000), suffix: ".wav")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: AudioInputError.tooLong(path: path, seconds: 2, limitSeconds: 1)) {
            try AudioFileReader(maxDuration: 1).read(path: path)
        }
    }

    @Test func errorsAreOneLineAndNameTheFile() {
        let errors: [AudioInputError] = [
            .fileNotFound(path: "a.wav"), .emptyFile(path: "a.wav"), .noAudio(path: "a.wav"),
            .unsupportedOrCorrupt(path: "a.wav", reason: "File contains data in an unknown format."),
            .tooShort(path: "a.wav", milliseconds: 50, minimumMilliseconds: 83.33),
            .tooLong(path: "a.wav", seconds: 4000, limitSeconds: 3600),
        ]
        for e in errors {
            #expect(e.description.hasPrefix("a.wav: ") && !e.description.contains("\n"))
        }
    }

    private func assertUnsupported(_ path: String) {
        do {
            _ = try AudioFileReader().read(path: path)
            Issue.record("\(path) was accepted")
        } catch {
            guard case .unsupportedOrCorrupt = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(error.description.hasPrefix(path))
        }
    }
}

@Suite struct HostileAudioTests {
    /// A 32-bit float WAV file.
    static func floatWav(_ samples: [Float], sampleRate: Int) -> [UInt8] {
        func le(_ v: Int, _ n: Int) -> [UInt8] { (0..<n).map { UInt8((v >> (8 * $0)) & 0xFF) } }
        var bytes = Array("RIFF".utf8) + le(36 + 4 * samples.count, 4) + Array("WAVEfmt ".utf8)
        bytes += le(16, 4) + le(3, 2) + le(1, 2) + le(sampleRate, 4) + le(sampleRate * 4, 4) + le(4, 2) + le(32, 2)
        bytes += Array("data".utf8) + le(4 * samples.count, 4)
        for s in samples { bytes += le(Int(s.bitPattern), 4) }
        return bytes
    }

    @Test func nonFiniteSamplesAreRefused() throws {
        var samples = [Float](repeating: 0.25, count: 16_000)
        samples[12_345] = .nan
        let path = try Fixtures.temporaryFile(Self.floatWav(samples, sampleRate: 16_000), suffix: ".wav")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: AudioInputError.nonFiniteSamples(path: path, frame: 12_345)) { try AudioFileReader().read(path: path) }
    }

    /// Absurdly loud float audio (1e20) still gives finite features equal to the same audio at
    /// normal level: peak normalisation makes the level irrelevant. (Only 90% of the
    /// autocorrelation values are compared: in espeak's pauses of digital silence the resampler's
    /// rounding noise is all there is, and lag-0 normalisation magnifies it, in the reference too.)
    @Test func absurdLevelsGiveTheSameFeatures() throws {
        let audio = try AudioFileReader().read(path: Fixtures.audio("speech.wav"))
        let loud = DecodedAudio(samples: audio.samples.map { $0 * 1e20 }, sampleRate: audio.sampleRate)
        let normal = try NeuroSyncFeatures.extract(audio, source: "speech").features
        let scaled = try NeuroSyncFeatures.extract(loud, source: "loud").features
        #expect(scaled.values.allSatisfy { $0.isFinite })
        #expect(scaled.rows == normal.rows)
        var worst: Float = 0
        var lagErrors: [Float] = []
        for r in 0..<normal.rows {
            for c in 0..<69 { worst = max(worst, abs(scaled[r, c] - normal[r, c])) }
            for c in 69..<256 { lagErrors.append(abs(scaled[r, c] - normal[r, c])) }
        }
        lagErrors.sort()
        // Most autocorrelation values agree to rounding; the silent frames' do not (see above).
        #expect(lagErrors[lagErrors.count * 9 / 10] < 1e-4)
        #expect(worst < 1e-3)
    }

    @Test func silenceGivesFiniteFeatures() throws {
        let silent = DecodedAudio(samples: [Float](repeating: 0, count: 48_000), sampleRate: 48_000)
        let features = try NeuroSyncFeatures.extract(silent, source: "silence").features
        #expect(features.rows == 61 && features.values.allSatisfy { $0.isFinite })
    }
}
