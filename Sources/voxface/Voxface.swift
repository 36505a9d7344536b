import ArgumentParser

/// The `voxface` command: real-time voice-to-face server and its offline tools.
@main
struct Voxface: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "voxface",
        abstract: "Voxface: live voice to 60 fps ARKit face frames (NeuroSync-compatible).",
        subcommands: [
            ServeCommand.self, FeaturesCommand.self, ProcessCommand.self, ModelCommand.self, DemoCommand.self, TwinEvalCommand.self,
        ]
    )
}
