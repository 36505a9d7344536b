// swift-tools-version:6.2
import PackageDescription

// libFuzzer harnesses for the root package: one executable per parser, each defining only
// `LLVMFuzzerTestOneInput` (libFuzzer supplies `main`). Built ONLY through the root Makefile
// (`make fuzz-build`), which passes the sanitizer flags; the root package's own build never sees this.
//
// - `-parse-as-library`: a harness file is not main.swift, so no top-level `main` is emitted
//   (it would clash with, or silently replace, libFuzzer's `main`).
// - The sanitizer flags and `-enable-testing` are NOT set here: they must reach every module (the
//   root's libraries too, so that the parsers are instrumented and FuzzPickle can `@testable import`
//   the internal unpickler), so they come from the command line.
// - Library products only, and never VoxServer: Hummingbird's HTTP stack would make the
//   instrumented build too slow for CI. VoxTwins and VoxLLM pull AsyncHTTPClient and BoringSSL,
//   about 4 more minutes of a clean build, for the two harnesses of what the twins read.
let harness: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]

func fuzzer(_ name: String, _ products: [String]) -> Target {
    .executableTarget(
        name: name,
        dependencies: products.map { .product(name: $0, package: "voxface") } + ["FuzzSupport"],
        path: "Sources/\(name)",
        swiftSettings: harness
    )
}

let package = Package(
    name: "Fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "voxface", path: "../..")],
    targets: [
        .target(name: "FuzzSupport", path: "Sources/FuzzSupport"),
        fuzzer("FuzzRTP", ["VoxMedia"]),
        fuzzer("FuzzOpus", ["VoxMedia"]),
        fuzzer("FuzzSRTP", ["VoxMedia"]),
        fuzzer("FuzzSafetensors", ["VoxModel"]),
        fuzzer("FuzzZip", ["VoxModel"]),
        fuzzer("FuzzPickle", ["VoxModel"]),
        fuzzer("FuzzModelConfig", ["VoxModel"]),
        fuzzer("FuzzWebSocketIngest", ["VoxMedia"]),
        fuzzer("FuzzLiveLink", ["VoxMedia", "VoxCore"]),
        fuzzer("FuzzICalendar", ["VoxDocuments"]),
        fuzzer("FuzzChatLog", ["VoxDocuments"]),
        fuzzer("FuzzHTMLText", ["VoxDocuments"]),
        fuzzer("FuzzMarkdown", ["VoxDocuments"]),
        fuzzer("FuzzRequestBodies", ["VoxAvatars", "VoxMatch"]),
        fuzzer("FuzzStreamSettings", ["VoxSettings", "VoxModel"]),
        fuzzer("FuzzIngestRequest", ["VoxDocuments"]),
        fuzzer("FuzzLiveLinkTarget", ["VoxSettings", "VoxMedia"]),
        fuzzer("FuzzTwinText", ["VoxTwins", "VoxDocuments"]),
        fuzzer("FuzzModelReply", ["VoxTwins", "VoxLLM"]),
    ]
)
