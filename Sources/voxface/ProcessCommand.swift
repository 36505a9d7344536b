import ArgumentParser
import VoxCore
import VoxDSP
import VoxModel
import VoxServer

/// `voxface process AUDIO [--model PATH] --format csv|json|npy --out PATH`.
struct ProcessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "process",
        abstract: "Turn an audio file into 60 fps face frames (N x 68), as NeuroSync's Local API does.",
        discussion: """
            Features as `voxface features`, then the model over 128-frame windows with 32 frames of \
            overlap, crossfaded, then NeuroSync's post-processing (shapes / 100, 0.1 s fade-in, \
            blink/eye/tongue/head columns zeroed) unless --raw. Formats: npy (float32, N x 68), \
            json (NeuroSync's reply: {"blendshapes": [[68 floats]...], "num_frames", "frame_rate": 60}), \
            csv (Live Link Face CSV: Timecode, BlendShapeCount, the 61 shapes in the CSV's order, \
            then the 7 emotions). Without --model the built-in placeholder model is used: RANDOM \
            WEIGHTS, not a trained face.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case npy, json, csv
    }

    @Argument(help: "Audio file.")
    var audio: String

    @Option(help: "Model folder or file (config.json + model.safetensors/model.pth, or NeuroSync's model.pth).")
    var model: String?

    @Option(help: "Output format: npy, json or csv.")
    var format: Format = .json

    @Option(help: "Output path; '-' writes json or csv to standard output.")
    var out: String

    @Flag(help: "Skip NeuroSync's post-processing (raw model output).")
    var raw = false

    @OptionGroup var options: AudioOptions

    func validate() throws {
        if out == "-" && format == .npy { throw ValidationError("--out - (standard output) needs --format json or csv") }
    }

    func run() throws {
        var stopwatch = Stopwatch()
        let faceModel: FaceModel
        if let model {
            let loaded = try loadModel(model, checkValues: false)  // FaceModel checks while laying out
            faceModel = try wrap { () throws(ModelError) in try FaceModel(config: loaded.config, tensors: loaded.tensors) }
        } else {
            Console.error("voxface: no --model given: using the placeholder model with RANDOM WEIGHTS (not a trained face)\n")
            faceModel = try wrap { () throws(ModelError) in try RandomWeights.model(for: .small) }
        }
        stopwatch.lap("model load")
        let features = try options.features(of: audio, stopwatch: &stopwatch).features
        let pipeline = FacePipeline(session: InferenceSession(model: faceModel, threads: options.threads))
        let frames = try wrap { () throws(ModelError) in try pipeline.process(features, raw: raw) }
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
}
