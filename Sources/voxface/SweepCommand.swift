import ArgumentParser
import VoxCore
import VoxDSP
import VoxModel

extension ModelCommand {
    /// `voxface model sweep`: latency, CPU and fidelity of the streaming schedule for each hop and
    /// lookahead, measured on a real clip with the model the server would run.
    struct Sweep: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure latency, CPU per stream and fidelity for each streaming hop and lookahead.",
            discussion: """
                Runs AUDIO through the streaming extractor (clip statistics frozen, so only the \
                schedule differs) and the streaming window scheduler for every hop x lookahead, on \
                one thread as a server worker does. Reports the frame release latency (feature \
                latency + lookahead + the wait for the next window, mean and worst), model CPU per \
                second of audio, and the error against the batch schedule (NeuroSync's offline \
                windows) on the mouth and jaw channels, as a fraction of each channel's range.
                """)

        @Argument(help: "Speech to run (any format voxface reads).")
        var audio: String

        @Option(help: "Model folder or file; without it the shipped default model.")
        var model: String?

        @Option(help: "Hops to try, frames, comma-separated.")
        var hops: String = "2,4,6,8,12,16"

        @Option(help: "Lookaheads to try, frames, comma-separated.")
        var lookaheads: String = "0,4,8,12,16,24,32"

        static func list(_ text: String, _ name: String) throws -> [Int] {
            let values = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !values.isEmpty, values.allSatisfy({ $0 != nil && $0! >= 0 && $0! <= 1024 }) else {
                throw ValidationError("--\(name) must be comma-separated frame counts, e.g. 2,4,6")
            }
            return values.map { $0! }
        }

        func validate() throws {
            guard try Self.list(hops, "hops").allSatisfy({ $0 >= 1 }) else { throw ValidationError("--hops must be at least 1") }
            _ = try Self.list(lookaheads, "lookaheads")
        }

        func run() throws {
            let faceModel = try loadFaceModel(model)
            let decoded: DecodedAudio
            let batchFeatures: NeuroSyncFeatures.Result
            do {
                decoded = try AudioFileReader().read(path: audio)
                batchFeatures = try NeuroSyncFeatures.extract(decoded, source: audio)
            } catch { throw CLIError(error.description) }
            let features = StreamingFeatureExtractor.extractAll(
                decoded.samples, sampleRate: decoded.sampleRate, statistics: .frozen(batchFeatures.statistics),
                blockSize: decoded.sampleRate / 50)
            let session = InferenceSession(model: faceModel, threads: 1)
            let batch = try wrap { () throws(ModelError) in try FacePipeline(session: session).process(features) }
            let seconds = Double(decoded.samples.count) / Double(decoded.sampleRate)
            let featureLatency = StreamingFeatureExtractor.algorithmicLatency(inputRate: 48_000, lowLatency: true) * 1000
            let mouth = [
                "JawOpen", "MouthClose", "MouthFunnel", "MouthPucker", "MouthLowerDownLeft", "MouthUpperUpLeft", "MouthStretchLeft",
            ]
            .compactMap { FaceChannels.names.firstIndex(of: $0) }
            let frameSize = faceModel.config.frameSize
            print(
                "model: \(model ?? DefaultModel.name), window \(frameSize) frames; audio: \(audio), \(Console.fixed(seconds, 1)) s"
            )
            print(
                "latency = feature latency at 48 kHz (\(Console.fixed(featureLatency, 0)) ms) + lookahead + wait for the window (mean (hop-1)/2, worst hop-1 frames); excludes compute and network"
            )
            print(
                "hop  lookahead  latency_mean_ms  latency_worst_ms  windows_per_s  cpu_ms_per_audio_s  cpu_streams_per_core  mouth_error_mean  mouth_error_p99"
            )
            for hop in try Self.list(hops, "hops") {
                for lookahead in try Self.list(lookaheads, "lookaheads") where hop + lookahead <= frameSize && lookahead < frameSize {
                    let pipeline = try wrap { () throws(ModelError) in
                        try StreamingFacePipeline(
                            session: session, schedule: .init(hop: hop, lookahead: lookahead), outputCapacity: features.rows + 1)
                    }
                    var frames = FeatureMatrix(rows: 0, columns: faceModel.config.outputDim)
                    var frame = [Float](repeating: 0, count: frames.columns)
                    let clock = ContinuousClock()
                    var compute = Duration.zero
                    for r in 0..<features.rows {
                        let start = clock.now
                        features.values[(r * features.columns)..<((r + 1) * features.columns)].withUnsafeBufferPointer { pipeline.push($0) }
                        compute += clock.now - start
                        while frame.withUnsafeMutableBufferPointer({ pipeline.pull(into: $0) }) { frames.append(row: frame) }
                    }
                    pipeline.finish()
                    while frame.withUnsafeMutableBufferPointer({ pipeline.pull(into: $0) }) { frames.append(row: frame) }
                    let errors = Self.mouthErrors(frames, batch, channels: mouth)
                    let cpu = compute.seconds * 1000 / seconds
                    let mean = featureLatency + (Double(lookahead) + Double(hop - 1) / 2) * 1000 / 60
                    let worst = featureLatency + Double(lookahead + hop - 1) * 1000 / 60
                    print(
                        [
                            "\(hop)", "\(lookahead)", Console.fixed(mean, 0), Console.fixed(worst, 0),
                            Console.fixed(Double(pipeline.windowsRun) / seconds, 1), Console.fixed(cpu, 1), Console.fixed(1000 / cpu, 1),
                            Console.fixed(errors.mean, 4), Console.fixed(errors.p99, 4),
                        ].joined(separator: "  "))
                }
            }
        }

        /// |streamed - batch| on `channels`, each as a fraction of the batch channel's range.
        static func mouthErrors(_ a: FeatureMatrix, _ b: FeatureMatrix, channels: [Int]) -> (mean: Double, p99: Double) {
            guard a.rows == b.rows, a.rows > 0 else { return (.infinity, .infinity) }
            var errors: [Double] = []
            for c in channels {
                let column = (0..<b.rows).map { Double(b.values[$0 * b.columns + c]) }
                let range = max(column.max()! - column.min()!, 1e-9)
                for r in 0..<a.rows { errors.append(abs(Double(a.values[r * a.columns + c]) - column[r]) / range) }
            }
            errors.sort()
            return (errors.reduce(0, +) / Double(errors.count), errors[min(errors.count - 1, errors.count * 99 / 100)])
        }
    }
}
