import Foundation
import HummingbirdWSClient
import Logging
import NIOPosix
import Synchronization
import Testing
import VoxDSP
import VoxMatch
import VoxModel
import VoxTestSupport

@testable import VoxServer

/// Headless Chromium (Debian's `chromium`) driven over the DevTools protocol.
final class Chromium: @unchecked Sendable {
    static let binary = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
    let process = Process()
    let profile: String
    let devToolsPort: Int

    /// Opens `url` with a fake microphone that plays `audio` (a WAV file, looped). Chromium's
    /// standard error is read as it comes (never with a blocking read), and a browser that has
    /// not said where DevTools listens within 30 s is killed.
    init(url: String, audio: String) async throws {
        guard let binary = Self.binary else { throw TestError("no chromium") }
        profile = temporaryDirectory()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
            "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", "--use-file-for-fake-audio-capture=\(audio)",
            "--autoplay-policy=no-user-gesture-required", "--remote-debugging-port=0", "--remote-allow-origins=*",
            "--user-data-dir=\(profile)",
            "--window-size=1100,760", url,
        ]
        let (port, tail) = try await launch(process, alsoOutput: false, seconds: 30) {
            $0.firstMatch(of: /DevTools listening on ws:\/\/127\.0\.0\.1:(\d+)/).flatMap { Int($0.1) }
        }
        guard let port else {
            Self.stop(process)
            throw TestError("chromium did not start: \(tail)")
        }
        devToolsPort = port
    }

    /// SIGTERM, then SIGKILL when the browser is still there after 5 s.
    static func stop(_ process: Process) {
        guard process.isRunning else { return }
        process.terminate()
        for _ in 0..<100 where process.isRunning { usleep(50_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// The DevTools WebSocket of the first page (the target list read with curl: Chromium keeps
    /// its HTTP connections open).
    func pageSocket() throws -> String {
        for _ in 0..<50 {
            let curl = Process()
            curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            curl.arguments = ["-s", "-m", "5", "http://127.0.0.1:\(devToolsPort)/json/list"]
            let out = Pipe()
            curl.standardOutput = out
            try curl.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            curl.waitUntilExit()
            if case .array(let targets)? = try? JSON.parse(Array(data)),
                let page = targets.first(where: { $0.object?["type"]?.string == "page" }),
                let url = page.object?["webSocketDebuggerUrl"]?.string
            {
                return url
            }
            usleep(100_000)
        }
        throw TestError("no page target")
    }

    /// Runs `body` against the page over the DevTools protocol, with Runtime events on; every
    /// exception and console error the page reports lands in `problems`. The whole session has
    /// five minutes: a browser that stops answering fails the test, it does not hang the run.
    func session(problems: ProblemLog, _ body: @escaping @Sendable (DevToolsPage) async throws -> Void) async throws {
        try await withDeadline(300, "the DevTools session") { try await self.run(problems: problems, body) }
    }

    private func run(problems: ProblemLog, _ body: @escaping @Sendable (DevToolsPage) async throws -> Void) async throws {
        let socket = try await NIOThreadPool.singleton.runIfActive { try self.pageSocket() }
        try await WebSocketClient.connect(url: socket, configuration: .init(maxFrameSize: 1 << 24), logger: Logger(label: "cdp")) {
            inbound, outbound, _ in
            let page = DevToolsPage(inbound: inbound, outbound: outbound, problems: problems)
            _ = try await page.call("Runtime.enable")
            try await body(page)
            try await outbound.close(.normalClosure, reason: nil)
        }
    }

    func close() {
        Self.stop(process)
        removeTree(profile)
    }
}

/// What a page test does with a page, in either browser.
protocol BrowserPage: Sendable {
    /// `window.voxface.state`, parsed.
    func state() async throws -> [String: JSON]?
    /// `expression`'s value in the page, as JSON (a promise is awaited).
    func evaluate(_ expression: String) async throws -> JSON
    /// Puts `path` into the file input that `selector` finds, as a person picking it would.
    func setFile(selector: String, path: String) async throws
    /// A PNG of the page.
    func screenshot() async throws -> Data?
    /// Lays the page out as on a screen of `width` x `height` CSS pixels (a phone's, say).
    func setViewport(width: Int, height: Int) async throws
}

extension BrowserPage {
    /// Polls `window.voxface.state` until `ok` holds (at most 60 s: the server shares two cores
    /// with the other test targets), keeping every state in `seen`.
    func wait(_ what: String, _ seen: borrowing Mutex<[[String: JSON]]>, _ ok: ([String: JSON]) -> Bool) async throws {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let s = try await state() {
                seen.withLock { $0.append(s) }
                if ok(s) { return }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestError("the page never showed \(what): \(seen.withLock { $0.last ?? [:] })")
    }
}

/// The browsers the page tests run in: each where it is installed.
enum TestBrowser: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case chromium, firefox

    /// Those installed here (the others are named on standard output).
    static var installed: [TestBrowser] {
        let found = allCases.filter(\.isInstalled)
        for missing in allCases where !missing.isInstalled {
            print(
                "browser tests: \(missing) is not installed (apt-get install \(missing == .chromium ? "chromium" : "firefox-esr pulseaudio"))"
            )
        }
        return found
    }

    var isInstalled: Bool {
        switch self {
        case .chromium: Chromium.binary != nil
        case .firefox: Firefox.binary != nil && NullSoundServer.binary != nil
        }
    }

    var testDescription: String { rawValue }

    /// Opens `url` (with a silent fake microphone), runs `body` on the page and closes the
    /// browser; JavaScript errors and console errors land in `problems`.
    func open(_ url: String, problems: ProblemLog, _ body: @escaping @Sendable (any BrowserPage) async throws -> Void) async throws {
        switch self {
        case .chromium:
            let audio = temporaryDirectory() + "/silence.wav"
            try writeWAV([Float](repeating: 0, count: 4800), rate: 48_000, to: audio)
            let browser = try await Chromium(url: url, audio: audio)
            defer { browser.close() }
            try await browser.session(problems: problems) { try await body($0) }
        case .firefox:
            let browser = try await Firefox()
            defer { browser.close() }
            try await browser.session(problems: problems) { page in
                try await page.navigate(url)
                try await body(page)
            }
        }
    }
}

/// Runs `process`, reading its standard error (and output, with `alsoOutput`) as it comes, never
/// with a blocking read, until `find` sees what it looks for in the text so far, the process
/// exits, or `seconds` pass. Returns what was found (nil if nothing) and the text's last 500
/// characters.
func launch<T: Sendable>(_ process: Process, alsoOutput: Bool, seconds: Int, find: @escaping @Sendable (String) -> T?)
    async throws -> (found: T?, tail: String)
{
    let pipe = Pipe()
    let text = Mutex("")
    pipe.fileHandleForReading.readabilityHandler = { handle in
        let chunk = handle.availableData
        if chunk.isEmpty { handle.readabilityHandler = nil }
        text.withLock { $0 = String(($0 + String(decoding: chunk, as: UTF8.self)).suffix(20_000)) }
    }
    process.standardError = pipe
    process.standardOutput = alsoOutput ? pipe : FileHandle.nullDevice
    try process.run()
    let started = ContinuousClock.now
    var found: T?
    while found == nil, ContinuousClock.now - started < .seconds(seconds), process.isRunning {
        found = text.withLock { find($0) }
        if found == nil { try await Task.sleep(for: .milliseconds(50)) }
    }
    return (found, text.withLock { String($0.suffix(500)) })
}

/// One page's DevTools connection (used inside ``Chromium/session(problems:_:)`` only).
final class DevToolsPage: BrowserPage, @unchecked Sendable {
    private var messages: WebSocketInboundMessageStream.AsyncIterator
    private let outbound: WebSocketOutboundWriter
    private let problems: ProblemLog
    private var next = 0

    init(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, problems: ProblemLog) {
        messages = inbound.messages(maxSize: 1 << 25).makeAsyncIterator()
        self.outbound = outbound
        self.problems = problems
    }

    /// Sends a command and returns its result (within 20 s), noting exceptions and console errors
    /// on the way.
    func call(_ method: String, _ params: String = "{}") async throws -> [String: JSON] {
        try await withDeadline(20, "DevTools \(method)") { try await self.send(method, params) }
    }

    private func send(_ method: String, _ params: String) async throws -> [String: JSON] {
        next += 1
        let id = next
        try await outbound.write(.text("{\"id\":\(id),\"method\":\"\(method)\",\"params\":\(params)}"))
        while let message = try await messages.next() {
            guard case .text(let text) = message, case .object(let o) = try JSON.parse(Array(text.utf8)) else { continue }
            if o["id"]?.int == id { return o["result"]?.object ?? [:] }
            switch o["method"]?.string {
            case "Runtime.exceptionThrown": problems.list.withLock { $0.append(String(text.prefix(600))) }
            case "Runtime.consoleAPICalled" where text.contains("\"type\":\"error\""):
                problems.list.withLock { $0.append(String(text.prefix(600))) }
            default: break
            }
        }
        throw TestError("the DevTools connection closed")
    }

    /// `window.voxface.state`, parsed.
    func state() async throws -> [String: JSON]? {
        let result = try await call(
            "Runtime.evaluate", "{\"expression\":\"JSON.stringify(window.voxface && window.voxface.state)\",\"returnByValue\":true}")
        guard let value = result["result"]?.object?["value"]?.string, case .object(let s)? = try? JSON.parse(Array(value.utf8)) else {
            return nil
        }
        return s
    }

    /// `expression`'s value in the page, as JSON.
    func evaluate(_ expression: String) async throws -> JSON {
        let quoted = String(decoding: try JSONEncoder().encode(expression), as: UTF8.self)
        let result = try await call("Runtime.evaluate", "{\"expression\":\(quoted),\"returnByValue\":true,\"awaitPromise\":true}")
        return result["result"]?.object?["value"] ?? .null
    }

    /// A phone's screen: the device metrics override, with touch-style (mobile) layout.
    func setViewport(width: Int, height: Int) async throws {
        _ = try await call(
            "Emulation.setDeviceMetricsOverride", "{\"width\":\(width),\"height\":\(height),\"deviceScaleFactor\":2,\"mobile\":true}")
    }

    /// Puts `path` into the file input that `selector` finds.
    func setFile(selector: String, path: String) async throws {
        let document = try await call("DOM.getDocument", "{}")
        let root = document["root"]?.object?["nodeId"]?.int ?? 0
        let input = try await call("DOM.querySelector", "{\"nodeId\":\(root),\"selector\":\"\(selector)\"}")
        let node = input["nodeId"]?.int ?? 0
        _ = try await call("DOM.setFileInputFiles", "{\"nodeId\":\(node),\"files\":[\"\(path)\"]}")
    }

    /// A PNG of the page.
    func screenshot() async throws -> Data? {
        try await call("Page.captureScreenshot", "{\"format\":\"png\"}")["data"]?.string.flatMap { Data(base64Encoded: $0) }
    }
}

/// Keeps a screenshot under .build/test-artifacts.
func keepArtifact(_ png: Data, _ name: String) throws {
    let artifacts = "\(#filePath)".components(separatedBy: "/Tests/")[0] + "/.build/test-artifacts"
    try FileManager.default.createDirectory(atPath: artifacts, withIntermediateDirectories: true)
    try png.write(to: URL(fileURLWithPath: artifacts + "/" + name))
}

/// What the test read off the page.
final class PageSamples: Sendable {
    struct Sample: Sendable {
        var time: Double
        var connected: Bool
        var frames: Int
        var jaw: Double
        var error: String?
    }
    let samples = Mutex<[Sample]>([])
    let problems = ProblemLog()
    let screenshot = Mutex<Data?>(nil)
    /// The page's status line, when read.
    let status = Mutex("")

    /// Reads `window.voxface.state` from `page` every 50 ms for `seconds`.
    func collect(from page: any BrowserPage, for seconds: Double) async throws {
        let began = Date()
        while Date().timeIntervalSince(began) < seconds {
            if let s = try await page.state() {
                let sample = Sample(
                    time: Date().timeIntervalSince(began), connected: s["connected"] == .bool(true),
                    frames: s["framesReceived"]?.int ?? 0, jaw: s["jawOpen"]?.double ?? 0, error: s["error"]?.string)
                samples.withLock { $0.append(sample) }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// The samples taken while connected with frames, after checking (as `what`) that the page
    /// showed no error and that frames arrived at about 60 a second.
    func liveFrames(_ what: String) throws -> [Sample] {
        let list = samples.withLock { $0 }
        #expect(list.allSatisfy { $0.error == nil }, "\(what): page error \(list.compactMap(\.error).first ?? "")")
        let live = list.filter { $0.connected && $0.frames > 0 }
        let first = try #require(live.first, "\(what): no frames: \(list.suffix(3).map(\.frames))")
        let last = try #require(live.last)
        let rate = Double(last.frames - first.frames) / (last.time - first.time)
        #expect(rate > 50 && rate < 70, "\(what): frames arrive at \(rate) per second")
        return live
    }

    /// Checks that the drawn jaw opened during speech (over 0.1) and rested in silence (under 0.05).
    static func expectJawOpensAndRests(_ live: [Sample]) {
        let jaws = live.map(\.jaw)
        #expect((jaws.max() ?? 0) > 0.1, "the jaw never opened (max \(jaws.max() ?? 0))")
        #expect((jaws.min() ?? 1) < 0.05, "the jaw never rested (min \(jaws.min() ?? 1))")
    }
}

/// JavaScript exceptions and console errors a page reported.
final class ProblemLog: Sendable {
    let list = Mutex<[String]>([])
}

/// 48 kHz mono 16-bit WAV of `samples`.
func writeWAV(_ samples: [Float], rate: Int, to path: String) throws {
    var bytes: [UInt8] = []
    func u32(_ v: Int) { bytes += withUnsafeBytes(of: UInt32(v).littleEndian, Array.init) }
    func u16(_ v: Int) { bytes += withUnsafeBytes(of: UInt16(v).littleEndian, Array.init) }
    bytes += Array("RIFF".utf8)
    u32(36 + samples.count * 2)
    bytes += Array("WAVEfmt ".utf8)
    u32(16)
    u16(1)
    u16(1)
    u32(rate)
    u32(rate * 2)
    u16(2)
    u16(16)
    bytes += Array("data".utf8)
    u32(samples.count * 2)
    for s in samples { bytes += withUnsafeBytes(of: Int16(max(-1, min(1, s)) * 32767).littleEndian, Array.init) }
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

extension ServerTests {
    @Suite struct BrowserTests {
        /// The live face page in a real browser: `?autostart=1` with a fake microphone playing
        /// speech then silence; the page connects, frames arrive at about 60 fps, the drawn jaw
        /// opens during speech and rests in silence, no JavaScript error; a screenshot is kept.
        @Test(.enabled(if: Chromium.binary != nil, "chromium is not installed (apt-get install chromium)"))
        func liveFacePageAnimatesFromTheMicrophone() async throws {
            let server = try await TestServer(model: try DefaultModel.load())
            defer { Task { await server.stop() } }
            let audio = temporaryDirectory() + "/speech.wav"
            let speech = try speech48k()
            try writeWAV(speech + [Float](repeating: 0, count: 48_000 * 2), rate: 48_000, to: audio)
            let browser = try await Chromium(url: "http://127.0.0.1:\(server.http)/?autostart=1", audio: audio)
            defer { browser.close() }
            let collected = PageSamples()
            try await browser.session(problems: collected.problems) { page in
                try await collected.collect(from: page, for: 12)
                let png = try await page.screenshot()
                collected.screenshot.withLock { $0 = png }
            }

            let problems = collected.problems.list.withLock { $0 }
            let screenshot = collected.screenshot.withLock { $0 }
            #expect(problems.isEmpty, "JavaScript errors: \(problems)")
            PageSamples.expectJawOpensAndRests(try collected.liveFrames("the microphone"))
            let png = try #require(screenshot)
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
            try keepArtifact(png, "live-face.png")
        }

        /// The avatars page in a real browser: it lists the avatars, subscribes to the event API,
        /// and follows the world live (an advance made through the API shows up as events and a
        /// new clock), with no JavaScript error; a screenshot is kept.
        @Test(arguments: TestBrowser.installed)
        func avatarsPageFollowsTheWorldLive(_ browser: TestBrowser) async throws {
            let server = try await TestServer()
            defer { Task { await server.stop() } }
            for body in [cheerfulAvatar, cheerfulAvatar.replacingOccurrences(of: "Sunny", with: "River")] {
                #expect(try await server.request("POST", "/v1/avatars", body: Array(body.utf8)).status == 201)
            }
            let problems = ProblemLog()
            let seen = Mutex<[[String: JSON]]>([])
            let port = server.http
            let screenshot = Mutex<Data?>(nil)
            try await browser.open("http://127.0.0.1:\(server.http)/avatars", problems: problems) { page in
                func wait(_ what: String, _ ok: ([String: JSON]) -> Bool) async throws { try await page.wait(what, seen, ok) }
                try await wait("two avatars, live") { $0["connected"] == .bool(true) && $0["avatars"]?.int == 2 }
                let before = seen.withLock { $0.last?["events"]?.int ?? 0 }
                _ = try await NIOThreadPool.singleton.runIfActive {
                    try httpRequest(port: port, "POST", "/v1/world/advance", body: Array("{\"minutes\": 600}".utf8))
                }
                try await wait("the advance's events and clock") {
                    ($0["events"]?.int ?? 0) > before + 10 && ($0["world"]?.object?["minute"]?.double ?? 0) >= 600
                }
                try await Task.sleep(for: .milliseconds(700))
                let png = try await page.screenshot()
                screenshot.withLock { $0 = png }
            }
            #expect(problems.list.withLock { $0 }.isEmpty, "JavaScript errors: \(problems.list.withLock { $0 })")
            let last = try #require(seen.withLock { $0.last })
            #expect(last["error"] == .null, "page error: \(last["error"] ?? .null)")
            #expect((last["world"]?.object?["minute"]?.double ?? 0) >= 600)
            let png = try #require(screenshot.withLock { $0 })
            try keepArtifact(png, browser == .chromium ? "avatars.png" : "avatars-\(browser).png")
        }
        /// The space page in a real browser: every profile is drawn, a profile created through the
        /// API appears live, and picking one shows its neighbours and matches with their
        /// dimensions; no JavaScript error; a screenshot is kept.
        @Test(arguments: TestBrowser.installed)
        func spacePageShowsProfilesLiveAndTheirMatches(_ browser: TestBrowser) async throws {
            let server = try await TestServer()
            defer { Task { await server.stop() } }
            var first = ""
            for person in PersonaSet.people(count: 30, seed: 9) {
                let reply = try await server.request("POST", "/v1/profiles", body: Array(person.json))
                #expect(reply.status == 201, "\(reply.text)")
                if first.isEmpty { first = try reply.json()["id"]?.string ?? "" }
            }
            let chosen = first
            let problems = ProblemLog()
            let seen = Mutex<[[String: JSON]]>([])
            let port = server.http
            let screenshot = Mutex<Data?>(nil)
            let matchRows = Mutex(0)
            try await browser.open("http://127.0.0.1:\(server.http)/space", problems: problems) { page in
                func wait(_ what: String, _ ok: ([String: JSON]) -> Bool) async throws { try await page.wait(what, seen, ok) }
                try await wait("30 profiles drawn, live") { $0["connected"] == .bool(true) && $0["drawn"]?.int == 30 }
                let body =
                    #"{"name": "Newcomer", "cv_text": "Data scientist on recommender systems.", "interests": ["recommender systems"]}"#
                let created = try await NIOThreadPool.singleton.runIfActive {
                    try httpRequest(port: port, "POST", "/v1/profiles", body: Array(body.utf8))
                }
                #expect(created.status == 201)
                try await wait("the newcomer, live") { $0["drawn"]?.int == 31 && $0["profiles"]?.int == 31 }
                _ = try await page.evaluate("window.voxface.select('\(chosen)'), 0")
                let deadline = Date().addingTimeInterval(10)
                while Date() < deadline {
                    let n = try await page.evaluate("document.querySelectorAll('#matches li dl dt').length").int ?? 0
                    matchRows.withLock { $0 = n }
                    if n > 0 { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
                try await Task.sleep(for: .milliseconds(300))
                let png = try await page.screenshot()
                screenshot.withLock { $0 = png }
            }
            #expect(problems.list.withLock { $0 }.isEmpty, "JavaScript errors: \(problems.list.withLock { $0 })")
            let last = try #require(seen.withLock { $0.last })
            #expect(last["error"] == .null, "page error: \(last["error"] ?? .null)")
            #expect(matchRows.withLock { $0 } >= 5, "the matches' dimensions were not shown")
            let png = try #require(screenshot.withLock { $0 })
            try keepArtifact(png, browser == .chromium ? "space.png" : "space-\(browser).png")
        }

        /// The twin page in a real browser: a twin built from two files (one ingested before the
        /// page opens, one uploaded through the page's file input), then a question asked through
        /// the page, its answer streamed with cited sources; no JavaScript error; a screenshot is kept.
        @Test(arguments: TestBrowser.installed)
        func twinPageIngestsAsksAndCites(_ browser: TestBrowser) async throws {
            let server = try await TestServer()
            defer { Task { await server.stop() } }
            _ = try await server.request("POST", "/v1/twins", body: Array(#"{"user": "maya", "name": "Maya Chen"}"#.utf8))
            let notes = try await server.request("POST", "/v1/twins/maya/ingest?filename=about-me.md", body: try footprint("about-me.md"))
            #expect(notes.status == 202, "\(notes.text)")
            let upload = temporaryDirectory() + "/journal.txt"
            try Data(try footprint("journal.txt")).write(to: URL(fileURLWithPath: upload))
            let question = "What%20do%20I%20think%20about%20the%20tourist%20tax%3F"
            let problems = ProblemLog()
            let seen = Mutex<[[String: JSON]]>([])
            let screenshot = Mutex<Data?>(nil)
            try await browser.open("http://127.0.0.1:\(server.http)/twin?user=maya&ask=\(question)", problems: problems) { page in
                func wait(_ what: String, _ ok: ([String: JSON]) -> Bool) async throws { try await page.wait(what, seen, ok) }
                try await wait("the twin, live") { $0["twin"]?.string == "maya" && $0["connected"] == .bool(true) }
                try await wait("the streamed answer with its sources") {
                    $0["lastAnswer"]?.string != nil && $0["answering"] == .bool(false) && ($0["citations"]?.int ?? 0) >= 1
                }
                // An upload through the page's own file input.
                try await page.setFile(selector: "#files", path: upload)
                try await wait("the uploaded journal, ingested") { state in
                    let statuses = state["ingestions"]?.object?.values.compactMap(\.string) ?? []
                    return statuses.count == 2 && statuses.allSatisfy { $0 == "done" }
                }
                try await Task.sleep(for: .milliseconds(300))
                screenshot.withLock { $0 = nil }
                let png = try await page.screenshot()
                screenshot.withLock { $0 = png }
            }
            #expect(problems.list.withLock { $0 }.isEmpty, "JavaScript errors: \(problems.list.withLock { $0 })")
            let last = try #require(seen.withLock { $0.last })
            #expect(last["error"] == .null, "page error: \(last["error"] ?? .null)")
            #expect(last["lastAnswer"]?.string?.contains("[m") == true, "\(last["lastAnswer"] ?? .null)")
            let png = try #require(screenshot.withLock { $0 })
            try keepArtifact(png, browser == .chromium ? "twin.png" : "twin-\(browser).png")
        }

        /// Each page on a phone-sized screen (390 x 844 CSS pixels), in each installed browser:
        /// nothing is wider than the screen (no sideways scrolling), the page's main control is
        /// on screen and its state is live; no JavaScript error; a screenshot is kept.
        @Test(arguments: TestBrowser.installed)
        func everyPageFitsAPhone(_ browser: TestBrowser) async throws {
            let server = try await TestServer()
            defer { Task { await server.stop() } }
            _ = try await server.request("POST", "/v1/twins", body: Array(#"{"user": "maya", "name": "Maya Chen"}"#.utf8))
            let pages = [("", "#mic"), ("avatars", "#speed"), ("space", "#space"), ("twin?user=maya", "#user")]
            for (path, control) in pages {
                let problems = ProblemLog()
                let measured = Mutex<[String: JSON]>([:])
                let screenshot = Mutex<Data?>(nil)
                try await browser.open("http://127.0.0.1:\(server.http)/\(path)", problems: problems) { page in
                    let seen = Mutex<[[String: JSON]]>([])
                    try await page.wait("the page, loaded", seen) { _ in true }
                    try await page.setViewport(width: 390, height: 844)
                    try await Task.sleep(for: .milliseconds(400))
                    let layout = try await page.evaluate(
                        """
                        JSON.stringify({ width: window.innerWidth, scroll: document.documentElement.scrollWidth,
                          control: (() => { const e = document.querySelector('\(control)'); if (!e) return null;
                            const r = e.getBoundingClientRect(); return r.width > 0 && r.left >= 0 && r.right <= window.innerWidth; })(),
                          over: [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
                            .slice(0, 3).map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right)) })
                        """)
                    if let text = layout.string, case .object(let o)? = try? JSON.parse(Array(text.utf8)) { measured.withLock { $0 = o } }
                    let png = try await page.screenshot()
                    screenshot.withLock { $0 = png }
                }
                let m = measured.withLock { $0 }
                let place = "/\(path) in \(browser)"
                #expect(problems.list.withLock { $0 }.isEmpty, "\(place): JavaScript errors \(problems.list.withLock { $0 })")
                #expect((m["width"]?.int ?? 0) <= 400 && (m["width"]?.int ?? 0) >= 300, "\(place): viewport \(m)")
                #expect(
                    (m["scroll"]?.int ?? .max) <= (m["width"]?.int ?? 0),
                    "\(place): wider than the screen \(m) (first elements past the edge: over)")
                #expect(m["control"] == .bool(true), "\(place): \(control) is not on screen \(m)")
                let name = path.split(separator: "?").first.map(String.init) ?? ""
                try keepArtifact(try #require(screenshot.withLock { $0 }), "phone-\(name.isEmpty ? "live-face" : name)-\(browser).png")
            }
        }
    }
}
