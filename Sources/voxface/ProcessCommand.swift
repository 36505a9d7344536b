import ArgumentParser
import VoxCore
import VoxDSP
import VoxModel
import VoxServer

/// `voxface process AUDIO [--model PATH] --format csv|json|npy --out PATH [--stream --hop H --lookahead L]`.
struct ProcessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "process",
        abstract: "Turn an audio file into 60 fps face frames (N x 68), as NeuroSync's Local API does.",
        discussion: """
            Features as `voxface features`, then the model over windows of the model's frame size \
            with its overlap (NeuroSync: 128 and 32), crossfaded, then NeuroSync's post-processing \
            (shapes / 100, 0.1 s fade-in, blink/eye/tongue/head columns zeroed) unless --raw. With \
            --stream the file goes through the live server's path instead: the streaming \
            extractor with running statistics in 20 ms blocks, then windows every --hop frames \
            looking --lookahead frames ahead, so the output is what `voxface serve` would send. \
            Formats: npy (float32, N x 68), json (NeuroSync's reply: {"blendshapes": [[68 floats]...], \
            "num_frames", "frame_rate": 60}), csv (Live Link Face CSV: Timecode, BlendShapeCount, \
            the 61 shapes in the CSV's order, then the 7 emotions). Without --model the default \
            model that ships with voxface is used (README, "The default face model").
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case npy, json, csv
    }

    @Argument(help: "Audio file.")
    var audio: String

    @Option(
        help:
            "Model folder or file (config.json + model.safetensors/model.pth, or NeuroSync's model.pth); default: the shipped default model."
    )
    var model: String?

    @Option(help: "Output format: npy, json or csv.")
    var format: Format = .json

    @Option(help: "Output path; '-' writes json or csv to standard output.")
    var out: String

    @Flag(help: "Skip NeuroSync's post-processing (raw model output).")
    var raw = false

    @Flag(help: "Run the live server's path: running statistics and the streaming window schedule.")
    var stream = false

    @Option(help: "With --stream: frames between model windows.")
    var hop: Int = 2

    @Option(help: "With --stream: frames each window looks past the newest frame it releases.")
    var lookahead: Int = 4

    @OptionGroup var options: AudioOptions

    func validate() throws {
        if out == "-" && format == .npy { throw ValidationError("--out - (standard output) needs --format json or csv") }
        if hop < 1 || lookahead < 0 { throw ValidationError("--hop must be >= 1 and --lookahead >= 0") }
    }

    func run() throws {
        var stopwatch = Stopwatch()
        let faceModel = try loadFaceModel(model)
        stopwatch.lap("model load")
        let session = InferenceSession(model: faceModel, threads: options.threads)
        let frames: FeatureMatrix
        if stream {
            let features = try options.streamingFeatures(of: audio, stopwatch: &stopwatch)
            frames = try wrap { () throws(ModelError) in
                try Self.streamFrames(features, session: session, schedule: .init(hop: hop, lookahead: lookahead), raw: raw)
            }
        } else {
            let features = try options.features(of: audio, stopwatch: &stopwatch).features
            frames = try wrap { () throws(ModelError) in try FacePipeline(session: session).process(features, raw: raw) }
        }
        stopwatch.lap("model")
        let bytes: [UInt8] =
            switch format {
            case .npy: NumPyFormat.encode(frames)
            case .csv: Array(frames.liveLinkCSV().utf8)
            case .json: Array(NeuroSyncReply.json(frames).utf8)
            }
        try OutputFile.save(bytes, to: out)
        stopwatch.lap("write")
        if options.timings { stopwatch.report() }
    }

    /// Every frame of `features` through the streaming window scheduler, row by row as a live stream.
    static func streamFrames(
        _ features: FeatureMatrix, session: InferenceSession, schedule: StreamingFacePipeline.Schedule, raw: Bool
    ) throws(ModelError) -> FeatureMatrix {
        let c = session.model.config
        let pipeline = try StreamingFacePipeline(session: session, schedule: schedule, postProcess: !raw, outputCapacity: features.rows + 1)
        var frames = FeatureMatrix(rows: 0, columns: c.outputDim)
        var frame = [Float](repeating: 0, count: c.outputDim)
        features.values.withUnsafeBufferPointer { all in
            for r in 0..<features.rows {
                pipeline.push(UnsafeBufferPointer(rebasing: all[(r * c.inputDim)..<((r + 1) * c.inputDim)]))
            }
        }
        pipeline.finish()
        while frame.withUnsafeMutableBufferPointer({ pipeline.pull(into: $0) }) { frames.append(row: frame) }
        return frames
    }
}

/// The model at `path`, or the shipped default model when `path` is nil; one-line errors.
func loadFaceModel(_ path: String?) throws -> FaceModel {
    guard let path else { return try wrap { () throws(ModelError) in try DefaultModel.load() } }
    let loaded = try loadModel(path, checkValues: false)  // FaceModel checks while laying out
    return try wrap { () throws(ModelError) in try FaceModel(config: loaded.config, tensors: loaded.tensors) }
}
