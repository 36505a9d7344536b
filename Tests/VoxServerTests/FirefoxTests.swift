import Foundation
import HummingbirdWSClient
import Logging
import NIOPosix
import Synchronization
import Testing
import VoxModel
import VoxTestSupport

/// SIGTERM, then SIGKILL after 5 s, reaping the child ourselves: Foundation's
/// `Process.waitUntilExit` was seen to wait for ever on an exited Firefox (left a zombie).
func terminateAndReap(_ process: Process) {
    let pid = process.processIdentifier
    guard pid > 0 else { return }
    kill(pid, SIGTERM)
    var status: Int32 = 0
    for _ in 0..<100 {
        let reaped = waitpid(pid, &status, WNOHANG)
        if reaped == pid || (reaped < 0 && errno == ECHILD) { return }
        usleep(50_000)
    }
    kill(pid, SIGKILL)
    _ = waitpid(pid, &status, 0)
}

/// A private PulseAudio server with one null sink, for a headless browser on a machine without a
/// sound card: Firefox runs no AudioContext (it stays `suspended`) unless cubeb can open an
/// output, and on Linux that means a sound server. Its socket lives in `home`/pulse.
final class NullSoundServer: @unchecked Sendable {
    static let binary = ["/usr/bin/pulseaudio"].first { FileManager.default.isExecutableFile(atPath: $0) }
    let process = Process()
    /// `HOME` and `XDG_RUNTIME_DIR` for the server and its clients.
    let home: String

    init() async throws {
        guard let binary = Self.binary else { throw TestError("no pulseaudio") }
        home = temporaryDirectory()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [
            "--daemonize=no", "--exit-idle-time=-1", "--disallow-exit", "-n", "--load=module-null-sink",
            "--load=module-native-protocol-unix", "--log-target=stderr",
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = home
        environment["XDG_RUNTIME_DIR"] = home
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let started = ContinuousClock.now
        while !FileManager.default.fileExists(atPath: home + "/pulse/native") {
            guard process.isRunning, ContinuousClock.now - started < .seconds(20) else {
                close()
                throw TestError("pulseaudio did not start")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    func close() {
        terminateAndReap(process)
        removeTree(home)
    }
}

/// Headless Firefox (Debian's `firefox-esr`) driven over WebDriver BiDi, the W3C protocol Firefox
/// speaks on `--remote-debugging-port` (it has no DevTools protocol any more), with its fake
/// microphone (`media.navigator.streams.fake`, a tone) and a ``NullSoundServer`` for its audio.
final class Firefox: @unchecked Sendable {
    static let binary = ["/usr/bin/firefox-esr", "/usr/bin/firefox"].first { FileManager.default.isExecutableFile(atPath: $0) }
    let process = Process()
    let profile: String
    let bidiURL: String
    let sound: NullSoundServer

    /// Starts the browser on `about:blank` with a profile that grants the fake microphone without
    /// asking and keeps Firefox's own services off the network; its autoplay rules are Firefox's
    /// defaults. Standard error is read as it comes; a browser that has not said where BiDi
    /// listens within 60 s is killed.
    init() async throws {
        guard let binary = Self.binary else { throw TestError("no firefox") }
        sound = try await NullSoundServer()
        profile = temporaryDirectory()
        let prefs = [
            "media.navigator.streams.fake": "true", "media.navigator.permission.disabled": "true",
            "browser.shell.checkDefaultBrowser": "false", "datareporting.policy.dataSubmissionEnabled": "false",
            "toolkit.telemetry.enabled": "false", "app.update.disabledForTesting": "true",
            "network.captive-portal-service.enabled": "false", "network.connectivity-service.enabled": "false",
            "services.settings.server": "\"http://127.0.0.1:9/\"", "browser.safebrowsing.update.enabled": "false",
        ]
        try prefs.map { "user_pref(\"\($0.key)\", \($0.value));\n" }.joined()
            .write(toFile: profile + "/user.js", atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [
            "--headless", "--no-remote", "--profile", profile, "--remote-debugging-port", "0",
            // The WebSocket client sends this Origin; Firefox refuses any origin not listed.
            "--remote-allow-origins", "ws://127.0.0.1", "--window-size", "1100,760", "about:blank",
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["MOZ_HEADLESS"] = "1"
        environment["HOME"] = sound.home
        environment["XDG_RUNTIME_DIR"] = sound.home
        process.environment = environment
        let (url, tail) = try await launch(process, alsoOutput: true, seconds: 60) {
            $0.firstMatch(of: /WebDriver BiDi listening on (ws:\/\/127\.0\.0\.1:\d+)/).map { String($0.1) }
        }
        guard let url else {
            terminateAndReap(process)
            sound.close()
            throw TestError("firefox did not start: \(tail)")
        }
        bidiURL = url + "/session"
    }

    /// Runs `body` in a new BiDi session on the browser's first tab, with log events on: every
    /// JavaScript error and console error lands in `problems`. Five minutes at most.
    func session(problems: ProblemLog, _ body: @escaping @Sendable (BiDiPage) async throws -> Void) async throws {
        _ = try await withDeadline(300, "the WebDriver BiDi session") {
            try await WebSocketClient.connect(url: self.bidiURL, configuration: .init(maxFrameSize: 1 << 24), logger: Logger(label: "bidi"))
            {
                inbound, outbound, _ in
                let page = BiDiPage(inbound: inbound, outbound: outbound, problems: problems)
                _ = try await page.call("session.new", #"{"capabilities":{}}"#)
                _ = try await page.call("session.subscribe", #"{"events":["log.entryAdded"]}"#)
                let tree = try await page.call("browsingContext.getTree", "{}")
                guard let context = tree["contexts"]?.array?.first?["context"]?.string else { throw TestError("no browsing context") }
                page.context = context
                try await body(page)
                _ = try? await page.call("session.end", "{}")
                try await outbound.close(.normalClosure, reason: nil)
            }
        }
    }

    func close() {
        terminateAndReap(process)
        sound.close()
        removeTree(profile)
    }
}

/// One tab's WebDriver BiDi connection (inside ``Firefox/session(problems:_:)`` only).
final class BiDiPage: BrowserPage, @unchecked Sendable {
    private var messages: WebSocketInboundMessageStream.AsyncIterator
    private let outbound: WebSocketOutboundWriter
    private let problems: ProblemLog
    private var next = 0
    /// The tab's browsing context id.
    var context = ""

    init(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, problems: ProblemLog) {
        messages = inbound.messages(maxSize: 1 << 25).makeAsyncIterator()
        self.outbound = outbound
        self.problems = problems
    }

    /// Sends a command and returns its result (within 30 s); an error reply throws. Error-level
    /// log entries that arrive meanwhile are noted.
    func call(_ method: String, _ params: String) async throws -> JSON {
        try await withDeadline(30, "BiDi \(method)") { try await self.send(method, params) }
    }

    private func send(_ method: String, _ params: String) async throws -> JSON {
        next += 1
        let id = next
        try await outbound.write(.text("{\"id\":\(id),\"method\":\"\(method)\",\"params\":\(params)}"))
        while let message = try await messages.next() {
            guard case .text(let text) = message, case .object(let o) = try JSON.parse(Array(text.utf8)) else { continue }
            if o["id"]?.int == id {
                if o["type"]?.string == "error" { throw TestError("BiDi \(method): \(text.prefix(400))") }
                return o["result"] ?? .null
            }
            if o["method"]?.string == "log.entryAdded", o["params"]?["level"]?.string == "error" {
                problems.list.withLock { $0.append(String(text.prefix(600))) }
            }
        }
        throw TestError("the BiDi connection closed")
    }

    /// Opens `url` in the tab and waits for its load.
    func navigate(_ url: String) async throws {
        _ = try await call("browsingContext.navigate", "{\"context\":\"\(context)\",\"url\":\"\(url)\",\"wait\":\"complete\"}")
    }

    /// `expression`'s value in the page, as JSON (a number, string, boolean or null).
    func evaluate(_ expression: String) async throws -> JSON { try await remote(expression)["value"] ?? .null }

    /// `expression`'s value in the page as a BiDi remote value (`{"type": ..., "value": ...}`;
    /// a node has a `sharedId`).
    func remote(_ expression: String) async throws -> JSON {
        let quoted = String(decoding: try JSONEncoder().encode(expression), as: UTF8.self)
        let reply = try await call(
            "script.evaluate", "{\"expression\":\(quoted),\"target\":{\"context\":\"\(context)\"},\"awaitPromise\":true}")
        guard reply["type"]?.string == "success" else { throw TestError("script threw: \(reply)") }
        return reply["result"] ?? .null
    }

    /// `window.voxface.state`, parsed.
    func state() async throws -> [String: JSON]? {
        guard let text = try await evaluate("JSON.stringify(window.voxface && window.voxface.state)").string,
            case .object(let s)? = try? JSON.parse(Array(text.utf8))
        else { return nil }
        return s
    }

    /// Puts `path` into the file input that `selector` finds, as a person picking the file would
    /// (the input's change event fires).
    func setFile(selector: String, path: String) async throws {
        let node = try await remote("document.querySelector('\(selector)')")
        guard let shared = node["sharedId"]?.string else { throw TestError("no element \(selector): \(node)") }
        _ = try await call(
            "input.setFiles", "{\"context\":\"\(context)\",\"element\":{\"sharedId\":\"\(shared)\"},\"files\":[\"\(path)\"]}")
    }

    /// Lays the tab out at `width` x `height` CSS pixels.
    func setViewport(width: Int, height: Int) async throws {
        _ = try await call(
            "browsingContext.setViewport", "{\"context\":\"\(context)\",\"viewport\":{\"width\":\(width),\"height\":\(height)}}")
    }

    /// Clicks the middle of element `id` with the mouse, as a person would.
    func click(elementID id: String) async throws {
        let node = try await remote("document.getElementById('\(id)')")
        guard let shared = node["sharedId"]?.string else { throw TestError("no element #\(id): \(node)") }
        let origin = "{\"type\":\"element\",\"element\":{\"sharedId\":\"\(shared)\"}}"
        _ = try await call(
            "input.performActions",
            "{\"context\":\"\(context)\",\"actions\":[{\"type\":\"pointer\",\"id\":\"mouse\",\"parameters\":{\"pointerType\":\"mouse\"},"
                + "\"actions\":[{\"type\":\"pointerMove\",\"x\":0,\"y\":0,\"origin\":\(origin)},"
                + "{\"type\":\"pointerDown\",\"button\":0},{\"type\":\"pointerUp\",\"button\":0}]}]}")
    }

    /// A PNG of the tab.
    func screenshot() async throws -> Data? {
        try await call("browsingContext.captureScreenshot", "{\"context\":\"\(context)\"}")["data"]?.string.flatMap {
            Data(base64Encoded: $0)
        }
    }
}

extension ServerTests {
    @Suite struct FirefoxTests {
        /// The live face page in Firefox: `?autostart=1` takes the (fake) microphone and, since
        /// Firefox holds a page's audio back until a person interacts with it, asks for a click;
        /// after one, frames arrive at about 60 fps. Then speech sent through the file button opens
        /// the drawn jaw and silence rests it; no JavaScript error; a screenshot is kept.
        @Test(
            .enabled(
                if: Firefox.binary != nil && NullSoundServer.binary != nil,
                "firefox or pulseaudio is not installed (apt-get install firefox-esr pulseaudio)"))
        func liveFacePageWorksInFirefox() async throws {
            let server = try await TestServer(model: try DefaultModel.load())
            defer { Task { await server.stop() } }
            let audio = temporaryDirectory() + "/speech.wav"
            try writeWAV(try speech48k() + [Float](repeating: 0, count: 48_000 * 2), rate: 48_000, to: audio)
            let browser = try await Firefox()
            defer { browser.close() }
            let microphone = PageSamples()
            let file = PageSamples()
            let url = "http://127.0.0.1:\(server.http)/"
            try await browser.session(problems: microphone.problems) { page in
                try await page.navigate(url + "?autostart=1")
                // Firefox holds a page's audio back until a person interacts with it (its default
                // autoplay rule), so `?autostart=1` asks for a click; the click starts the audio.
                var said = ""
                for _ in 0..<100 where !said.contains("holds the audio back") {
                    said = try await page.evaluate("document.getElementById('status').textContent").string ?? ""
                    try await Task.sleep(for: .milliseconds(100))
                }
                microphone.status.withLock { $0 = said }
                try await page.click(elementID: "face")
                try await microphone.collect(from: page, for: 6)
                // The file button: the page stops the microphone's stream and sends the file.
                try await page.setFile(selector: "#file", path: audio)
                try await file.collect(from: page, for: 7)
                let png = try await page.screenshot()
                file.screenshot.withLock { $0 = png }
            }

            #expect(
                microphone.status.withLock { $0 }.contains("holds the audio back"),
                "before the click: '\(microphone.status.withLock { $0 })'")
            let problems = microphone.problems.list.withLock { $0 }
            #expect(problems.isEmpty, "JavaScript errors: \(problems)")
            _ = try microphone.liveFrames("microphone")
            PageSamples.expectJawOpensAndRests(try file.liveFrames("file"))
            let png = try #require(file.screenshot.withLock { $0 })
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
            try keepArtifact(png, "live-face-firefox.png")
        }
    }
}
