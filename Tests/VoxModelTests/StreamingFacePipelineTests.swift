import Foundation
import Testing
import VoxCore
import VoxDSP

@testable import VoxModel

@Suite struct StreamingFacePipelineTests {
    static func stream(_ features: FeatureMatrix, _ pipeline: StreamingFacePipeline, afterEachRow: (Int) -> Void = { _ in })
        -> FeatureMatrix
    {
        var frames = FeatureMatrix(rows: 0, columns: pipeline.session.model.config.outputDim)
        var frame = [Float](repeating: 0, count: frames.columns)
        func drain() {
            while frame.withUnsafeMutableBufferPointer({ pipeline.pull(into: $0) }) { frames.append(row: frame) }
        }
        for r in 0..<features.rows {
            features.values[(r * features.columns)..<((r + 1) * features.columns)].withUnsafeBufferPointer { pipeline.push($0) }
            afterEachRow(r)
            drain()
        }
        pipeline.finish()
        drain()
        return frames
    }

    static func smallModel() throws -> FaceModel {
        let loaded = try ModelLoader.load(path: ModelFixtures.path("small"))
        return try FaceModel(config: loaded.config, tensors: loaded.tensors)
    }

    /// hop = frameSize - overlap, lookahead = overlap: NeuroSync's batch pipeline, frame for frame
    /// (`FacePipeline` is built on this schedule, so the check is against the reference fixtures),
    /// fed one row at a time, post-processed and raw.
    @Test(arguments: ["speech", "speech_silence_edges", "short_0p2s", "stereo_48k"])
    func batchEquivalentScheduleReproducesTheReference(clip: String) throws {
        let model = try Self.smallModel()
        let features = try ModelFixtures.referenceFeatures(clip)
        for raw in [false, true] {
            let pipeline = try StreamingFacePipeline(
                session: InferenceSession(model: model), schedule: .batchEquivalent(model.config), postProcess: !raw)
            let streamed = Self.stream(features, pipeline)
            let expected = try ModelFixtures.npy("small/\(raw ? "raw" : "outputs")/\(clip).npy")
            #expect(streamed.rows == expected.rows)
            guard streamed.rows == expected.rows else { return }
            #expect(ModelFixtures.relativeError(streamed, expected) <= 1e-4)
        }
    }

    /// A low-latency schedule releases every frame promptly: frame f is out once row f + lookahead
    /// (plus the wait for its window, < hop rows) has been pushed.
    @Test func lowLatencyScheduleReleasesPromptly() throws {
        let model = try Self.smallModel()
        let features = try ModelFixtures.referenceFeatures("speech")
        let schedule = StreamingFacePipeline.Schedule(hop: 4, lookahead: 8)
        let pipeline = try StreamingFacePipeline(session: InferenceSession(model: model), schedule: schedule)
        var pulled = 0
        var frame = [Float](repeating: 0, count: 68)
        var worstLag = 0
        var frames = FeatureMatrix(rows: 0, columns: 68)
        for r in 0..<features.rows {
            features.values[(r * 256)..<((r + 1) * 256)].withUnsafeBufferPointer { pipeline.push($0) }
            while frame.withUnsafeMutableBufferPointer({ pipeline.pull(into: $0) }) {
                frames.append(row: frame)
                pulled += 1
            }
            worstLag = max(worstLag, r - (pulled - 1))
        }
        pipeline.finish()
        while frame.withUnsafeMutableBufferPointer({ pipeline.pull(into: $0) }) { frames.append(row: frame) }
        #expect(frames.rows == features.rows && pipeline.droppedFrames == 0)
        #expect(worstLag <= schedule.lookahead + schedule.hop, "lag \(worstLag) rows")
        #expect(frames.values.allSatisfy { $0.isFinite })
        #expect(pipeline.windowsRun == (features.rows + 3) / 4)
        // Short windows at the start and the small hop change the numbers but not their scale.
        let batch = try FacePipeline(session: InferenceSession(model: model)).process(features)
        #expect(ModelFixtures.relativeError(frames, batch) < 0.5)
    }

    /// Widening the hop mid-stream (how a server stream sheds load): windows run every new hop
    /// from then on, every frame is still released exactly once and in order, and no frame waits
    /// longer than lookahead + the new hop rows.
    @Test func wideningTheHopKeepsEveryFrame() throws {
        let model = try Self.smallModel()
        let features = try ModelFixtures.referenceFeatures("speech")
        let pipeline = try StreamingFacePipeline(session: InferenceSession(model: model), schedule: .init(hop: 4, lookahead: 8))
        var frames = FeatureMatrix(rows: 0, columns: 68)
        var frame = [Float](repeating: 0, count: 68)
        var worstLagAfter = 0
        var windowsAtWidening = 0
        let widenAt = 60
        for r in 0..<features.rows {
            if r == widenAt {
                windowsAtWidening = pipeline.windowsRun
                pipeline.widenHop(to: 16)
            }
            features.values[(r * 256)..<((r + 1) * 256)].withUnsafeBufferPointer { pipeline.push($0) }
            while frame.withUnsafeMutableBufferPointer({ pipeline.pull(into: $0) }) { frames.append(row: frame) }
            if r >= widenAt + 16 { worstLagAfter = max(worstLagAfter, r - (frames.rows - 1)) }
        }
        #expect(pipeline.schedule.hop == 16)
        #expect(worstLagAfter <= 8 + 16, "lag \(worstLagAfter) rows after widening")
        // After the widening, one window per 16 rows (the first may come sooner).
        let windowsAfter = pipeline.windowsRun - windowsAtWidening
        let rowsAfter = features.rows - widenAt
        #expect(windowsAfter >= rowsAfter / 16 && windowsAfter <= rowsAfter / 16 + 2, "\(windowsAfter) windows for \(rowsAfter) rows")
        pipeline.finish()
        while frame.withUnsafeMutableBufferPointer({ pipeline.pull(into: $0) }) { frames.append(row: frame) }
        #expect(frames.rows == features.rows && pipeline.droppedFrames == 0)
        #expect(frames.values.allSatisfy { $0.isFinite })
    }

    /// A phase moves every window earlier by that many rows: the window that releases frame f runs
    /// when row f + lookahead arrives for the frames f = hop - 1 - phase + k * hop, every frame is
    /// released once, in order, and none waits longer than with phase 0.
    @Test(arguments: [0, 1, 3])
    func aPhaseMovesTheWindowsNotTheLatency(phase: Int) throws {
        let model = try Self.smallModel()
        let features = try ModelFixtures.referenceFeatures("speech")
        let schedule = StreamingFacePipeline.Schedule(hop: 4, lookahead: 1)
        let pipeline = try StreamingFacePipeline(session: InferenceSession(model: model), schedule: schedule)
        pipeline.setPhase(phase)
        var frames = FeatureMatrix(rows: 0, columns: 68)
        var frame = [Float](repeating: 0, count: 68)
        var windowRows: [Int] = []
        var worstLag = 0
        for r in 0..<features.rows {
            let before = pipeline.windowsRun
            features.values[(r * 256)..<((r + 1) * 256)].withUnsafeBufferPointer { pipeline.push($0) }
            if pipeline.windowsRun > before { windowRows.append(r) }
            while frame.withUnsafeMutableBufferPointer({ pipeline.pull(into: $0) }) { frames.append(row: frame) }
            if frames.rows > 0 { worstLag = max(worstLag, r - (frames.rows - 1)) }
        }
        let expected = Array(stride(from: schedule.hop - 1 - phase + schedule.lookahead, to: features.rows, by: schedule.hop))
        #expect(windowRows == expected)
        #expect(worstLag <= schedule.lookahead + schedule.hop - 1, "lag \(worstLag) rows")
        pipeline.finish()
        while frame.withUnsafeMutableBufferPointer({ pipeline.pull(into: $0) }) { frames.append(row: frame) }
        #expect(frames.rows == features.rows && pipeline.droppedFrames == 0)
        #expect(frames.values.allSatisfy { $0.isFinite })
    }

    @Test func invalidSchedulesAreRefused() throws {
        let model = try Self.smallModel()
        #expect(throws: ModelError.self) {
            try StreamingFacePipeline(session: InferenceSession(model: model), schedule: .init(hop: 100, lookahead: 40))
        }
        #expect(throws: ModelError.self) {
            try StreamingFacePipeline(session: InferenceSession(model: model), schedule: .init(hop: 0, lookahead: 4))
        }
    }
}

/// Audio to face frames, streaming all the way: 20 ms PCM blocks -> streaming features ->
/// streaming windows. With frozen feature statistics and the batch-equivalent schedule it
/// reproduces `voxface process` (features + FacePipeline) on the same audio.
@Suite struct StreamingAudioToFaceTests {
    /// `audio` streamed in 20 ms blocks through the streaming extractor and the window scheduler,
    /// then finished: every frame.
    static func stream(
        _ audio: DecodedAudio, model: FaceModel, statistics: StreamingFeatureExtractor.Statistics,
        schedule: StreamingFacePipeline.Schedule
    ) throws -> FeatureMatrix {
        let extractor = StreamingFeatureExtractor(inputRate: audio.sampleRate, statistics: statistics)
        let faces = try StreamingFacePipeline(session: InferenceSession(model: model), schedule: schedule)
        var row = [Float](repeating: 0, count: 256)
        var frame = [Float](repeating: 0, count: 68)
        var frames = FeatureMatrix(rows: 0, columns: 68)
        func drain() {
            while row.withUnsafeMutableBufferPointer({ extractor.pull(into: $0) }) { row.withUnsafeBufferPointer { faces.push($0) } }
            while frame.withUnsafeMutableBufferPointer({ faces.pull(into: $0) }) { frames.append(row: frame) }
        }
        let block = audio.sampleRate / 50
        for start in stride(from: 0, to: audio.samples.count, by: block) {
            extractor.push(Array(audio.samples[start..<min(start + block, audio.samples.count)]))
            drain()
        }
        extractor.finish()
        drain()
        faces.finish()
        drain()
        return frames
    }

    @Test func streamingAudioReproducesProcess() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("VoxDSPTests/Fixtures/audio/speech.wav").path
        let audio = try AudioFileReader().read(path: path)
        let batchFeatures = try NeuroSyncFeatures.extract(audio, source: path)
        let model = try StreamingFacePipelineTests.smallModel()
        let batch = try FacePipeline(session: InferenceSession(model: model)).process(batchFeatures.features)

        let frames = try Self.stream(
            audio, model: model, statistics: .frozen(batchFeatures.statistics), schedule: .batchEquivalent(model.config))
        #expect(frames.rows == batch.rows)
        guard frames.rows == batch.rows else { return }
        let scale = batch.values.map { abs($0) }.max()!
        #expect(frames.maxAbsoluteDifference(to: batch) / scale <= 1e-4)
    }

    /// The server's mode: running feature statistics (no look at the whole clip) and its default
    /// schedule (hop 4, lookahead 4), against the batch pipeline on the same speech. Not equal by
    /// design; this measures how close (README, "Streaming versus batch"), and fails if the
    /// streaming path drifts from batch beyond what running statistics explain.
    @Test(arguments: ["speech", "speech_silence_edges", "speech_44k1"])
    func runningStatisticsStayCloseToBatch(clip: String) throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("VoxDSPTests/Fixtures/audio/\(clip).wav").path
        let audio = try AudioFileReader().read(path: path)
        let model = try StreamingFacePipelineTests.smallModel()
        let batch = try FacePipeline(session: InferenceSession(model: model))
            .process(try NeuroSyncFeatures.extract(audio, source: path).features)

        let frames = try Self.stream(audio, model: model, statistics: .running(.default), schedule: .init(hop: 4, lookahead: 4))
        #expect(frames.rows == batch.rows)
        guard frames.rows == batch.rows else { return }
        // Mouth and jaw channels, from 1 s on (the running statistics' warm-up is reported apart).
        let mouth = ["JawOpen", "MouthClose", "MouthFunnel", "MouthPucker", "MouthLowerDownLeft", "MouthUpperUpLeft", "MouthStretchLeft"]
        let warm = min(60, batch.rows / 2)
        var report: [String] = []
        var correlations: [Double] = []
        var errors: [Double] = []
        for name in mouth {
            let c = FaceChannels.names.firstIndex(of: name)!
            let a = (warm..<batch.rows).map { Double(frames.values[$0 * 68 + c]) }
            let b = (warm..<batch.rows).map { Double(batch.values[$0 * 68 + c]) }
            let r = pearson(a, b)
            let spread = b.max()! - b.min()!
            let mae = zip(a, b).map { abs($0 - $1) }.reduce(0, +) / Double(a.count) / max(spread, 1e-9)
            correlations.append(r)
            errors.append(mae)
            report.append("\(name) r=\(String(format: "%.3f", r)) mae/range=\(String(format: "%.3f", mae))")
        }
        print("running vs batch, \(clip): " + report.joined(separator: ", "))
        let meanR = correlations.reduce(0, +) / Double(correlations.count)
        let meanError = errors.reduce(0, +) / Double(errors.count)
        print("running vs batch, \(clip): mean r \(String(format: "%.3f", meanR)), mean mae/range \(String(format: "%.3f", meanError))")
        #expect(meanR > 0.8, "mean correlation \(meanR)")
        #expect(meanError < 0.15, "mean error \(meanError) of the channel range")
    }

    private func pearson(_ a: [Double], _ b: [Double]) -> Double {
        let ma = a.reduce(0, +) / Double(a.count)
        let mb = b.reduce(0, +) / Double(b.count)
        var sab = 0.0
        var saa = 0.0
        var sbb = 0.0
        for i in a.indices {
            sab += (a[i] - ma) * (b[i] - mb)
            saa += (a[i] - ma) * (a[i] - ma)
            sbb += (b[i] - mb) * (b[i] - mb)
        }
        return sab / max((saa * sbb).squareRoot(), 1e-12)
    }
}
