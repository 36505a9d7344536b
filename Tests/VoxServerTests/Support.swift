import Glibc
import HummingbirdWSClient
import Logging
import NIOPosix
import NIOWebSocket
import Synchronization
import Testing
import VoxCore
import VoxDSP
import VoxMedia
import VoxModel
import VoxServer
import VoxSettings
import VoxTestSupport

/// Every suite that starts a server, one at a time (servers compete for the cores).
@Suite(.serialized, .takesTurnsWithHeavyTests) struct ServerTests {}

/// A model small enough for debug builds: the NeuroSync architecture at hidden 64, one layer each.
let testModelConfig = ModelConfig(inputDim: 256, hiddenDim: 64, layers: 1, heads: 2, outputDim: 68, frameSize: 128, overlap: 32)
// swift-format-ignore: NeverUseForceTry
let testModel: FaceModel = try! RandomWeights.model(for: testModelConfig, seed: 7)

/// The repository's audio fixtures.
func fixturePath(_ name: String) -> String {
    let here = "\(#filePath)"
    let root = here.components(separatedBy: "/Tests/")[0]
    return root + "/Tests/VoxDSPTests/Fixtures/audio/" + name
}

/// A fixture as 48 kHz mono.
func speech48k(_ name: String = "speech.wav") throws -> [Float] {
    let audio = try AudioFileReader().read(path: fixturePath(name))
    return Resampler.resample(audio.samples, from: audio.sampleRate, to: 48_000)
}

/// A server on loopback with free ports, run in a task; `stop()` cancels it (graceful shutdown).
final class TestServer: @unchecked Sendable {
    let http: Int
    let rtp: Int
    /// The server's data directory (a fresh temporary one unless the test set its own).
    let dataDirectory: String
    private let removeData: Bool
    private let task: Task<Void, any Error>
    private let shutdown = ShutdownTrigger()

    init(model: FaceModel = testModel, _ configure: (inout ServerConfiguration) -> Void = { _ in }) async throws {
        var configuration = ServerConfiguration(host: "127.0.0.1", port: 0, rtpPort: 0)
        configuration.streamDefaults = StreamSettings(hop: 6, lookahead: 12, playoutDelayMilliseconds: 700, idleTimeoutSeconds: 10)
        let temporary = temporaryDirectory()
        configuration.dataDirectory = temporary
        configure(&configuration)
        dataDirectory = configuration.dataDirectory
        removeData = configuration.dataDirectory == temporary
        if !removeData { rmdir(temporary) }
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let server = try VoxfaceServer(configuration: configuration, model: model, modelName: "test", logger: logger)
        let (ports, continuation) = AsyncStream<VoxfaceServer.Ports>.makeStream()
        let shutdown = self.shutdown
        task = Task { try await server.run(shutdown: shutdown) { continuation.yield($0) } }
        var iterator = ports.makeAsyncIterator()
        guard let bound = await iterator.next() else { throw TestError("server did not start") }
        http = bound.http
        rtp = bound.rtp
    }

    /// Graceful shutdown, the path SIGTERM takes; waits until the server has stopped.
    func stop() async {
        await shutdown.trigger()
        _ = try? await task.value
        if removeData { removeTree(dataDirectory) }
    }

    /// One HTTP/1.1 request over a fresh connection, on a thread of its own (blocking calls must
    /// not hold the cooperative pool the server's handlers run on).
    func request(_ method: String, _ path: String, body: [UInt8] = [], headers: [String] = []) async throws -> HTTPReply {
        let port = http
        return try await NIOThreadPool.singleton.runIfActive { try httpRequest(port: port, method, path, body: body, headers: headers) }
    }

    /// Creates a stream; returns its JSON.
    func createStream(_ settings: String = "") async throws -> [String: JSON] {
        let reply = try await request("POST", "/v1/streams", body: Array(settings.utf8))
        guard reply.status == 201, case .object(let o) = try reply.json() else { throw TestError("create failed: \(reply.text)") }
        return o
    }

    /// The Prometheus value of `line` (a metric name with labels), 0 if absent.
    func metric(_ name: String) async throws -> Double {
        let text = try await request("GET", "/metrics").text
        for line in text.split(separator: "\n") where line.hasPrefix(name + " ") {
            return Double(line.split(separator: " ").last!) ?? 0
        }
        return 0
    }
}

/// A new empty directory for a test's data, audio, browser profile or keys (under
/// ``TestDirectories/root``: removed when the test process exits, swept by a later run if it is
/// killed first).
func temporaryDirectory() -> String { TestDirectories.make("voxserver") }

/// Removes a directory and everything in it (test data only: nothing outside this process's
/// test folder). A shell `rm -rf`, as browsers leave sockets and locks behind in their profiles.
func removeTree(_ path: String) {
    guard path.hasPrefix(TestDirectories.root + "/"), !path.contains("'") else { return }
    let pipe = popen("rm -rf '\(path)'", "r")
    if let pipe { pclose(pipe) }
}

struct TestError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

struct HTTPReply {
    var status: Int
    var body: [UInt8]
    var text: String { String(decoding: body, as: UTF8.self) }
    func json() throws -> JSON { try JSON.parse(body) }
}

/// A blocking HTTP/1.1 request on loopback (Connection: close), for tests.
func httpRequest(port: Int, _ method: String, _ path: String, body: [UInt8] = [], headers: [String] = []) throws -> HTTPReply {
    let fd = try connectLoopback(port: port, receiveBuffer: nil, timeoutSeconds: 30)
    defer { close(fd) }
    var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\nContent-Length: \(body.count)\r\n"
    for h in headers { head += h + "\r\n" }
    head += "\r\n"
    let request = Array(head.utf8) + body
    var sent = 0
    while sent < request.count {
        let n = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        if n <= 0 { break }  // the server may answer (413) and close before reading everything
        sent += n
    }
    var response: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n <= 0 { break }
        response += chunk[0..<n]
    }
    guard let split = response.indices.first(where: { i in i + 3 < response.count && response[i..<i + 4].elementsEqual([13, 10, 13, 10]) })
    else { throw TestError("no HTTP response") }
    let headText = String(decoding: response[0..<split], as: UTF8.self)
    let status = Int(headText.split(separator: " ")[1]) ?? 0
    var payload = Array(response[(split + 4)...])
    if headText.lowercased().contains("transfer-encoding: chunked") { payload = dechunk(payload) }
    return HTTPReply(status: status, body: payload)
}

private func dechunk(_ bytes: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    var i = 0
    while i < bytes.count {
        guard let lineEnd = (i..<bytes.count - 1).first(where: { bytes[$0] == 13 && bytes[$0 + 1] == 10 }) else { break }
        let size = Int(String(decoding: bytes[i..<lineEnd], as: UTF8.self), radix: 16) ?? 0
        if size == 0 { break }
        out += bytes[(lineEnd + 2)..<min(bytes.count, lineEnd + 2 + size)]
        i = lineEnd + 2 + size + 2
    }
    return out
}

/// A UDP socket on loopback (127.0.0.1, or ::1 with `ipv6`).
final class UDPSocket: @unchecked Sendable {
    let fd: Int32
    let port: Int

    init(ipv6: Bool = false) throws {
        let fd = socket(ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        self.fd = fd
        guard fd >= 0 else { throw TestError("UDP socket failed") }
        var storage = sockaddr_storage()
        var size: socklen_t
        if ipv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_addr = in6addr_loopback
            size = socklen_t(MemoryLayout<sockaddr_in6>.size)
            withUnsafeBytes(of: address) { raw in withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: raw) } }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            size = socklen_t(MemoryLayout<sockaddr_in>.size)
            withUnsafeBytes(of: address) { raw in withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: raw) } }
        }
        let bound = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, size) == 0 && getsockname(fd, $0, &size) == 0 }
        }
        guard bound else {
            close(fd)
            throw TestError("UDP bind failed")
        }
        // The port sits at the same offset in sockaddr_in and sockaddr_in6.
        port = Int(UInt16(bigEndian: withUnsafeBytes(of: storage) { $0.load(fromByteOffset: 2, as: UInt16.self) }))
        var buffer: Int32 = 4 << 20
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8], to port: Int) {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = bytes.withUnsafeBytes { raw in
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, raw.baseAddress, raw.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
    }

    /// The next datagram, or nil after `timeout` seconds (waited for off the cooperative pool).
    func receive(timeout: Double) async -> [UInt8]? {
        (try? await NIOThreadPool.singleton.runIfActive { self.receiveBlocking(timeout: timeout) }) ?? nil
    }

    private func receiveBlocking(timeout: Double) -> [UInt8]? {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, Int32(timeout * 1000)) == 1 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        return n > 0 ? Array(buffer[0..<n]) : nil
    }
}

/// Live Link packets are decoded by VoxMedia's decoder (written from ../shared/reference/livelink-face.md;
/// the VoxMedia tests check it against the encoder with an independent decoder).
typealias LiveLinkPacket = LiveLinkFacePacket

/// The ARKit names of the Live Link packet's 61 slots, in packet order (from the reference).
let liveLinkSlotNames: [String] = [
    "EyeBlinkLeft", "EyeLookDownLeft", "EyeLookInLeft", "EyeLookOutLeft", "EyeLookUpLeft", "EyeSquintLeft", "EyeWideLeft",
    "EyeBlinkRight", "EyeLookDownRight", "EyeLookInRight", "EyeLookOutRight", "EyeLookUpRight", "EyeSquintRight", "EyeWideRight",
    "JawForward", "JawLeft", "JawRight", "JawOpen", "MouthClose", "MouthFunnel", "MouthPucker", "MouthLeft", "MouthRight",
    "MouthSmileLeft", "MouthSmileRight", "MouthFrownLeft", "MouthFrownRight", "MouthDimpleLeft", "MouthDimpleRight",
    "MouthStretchLeft", "MouthStretchRight", "MouthRollLower", "MouthRollUpper", "MouthShrugLower", "MouthShrugUpper",
    "MouthPressLeft", "MouthPressRight", "MouthLowerDownLeft", "MouthLowerDownRight", "MouthUpperUpLeft", "MouthUpperUpRight",
    "BrowDownLeft", "BrowDownRight", "BrowInnerUp", "BrowOuterUpLeft", "BrowOuterUpRight", "CheekPuff", "CheekSquintLeft",
    "CheekSquintRight", "NoseSneerLeft", "NoseSneerRight", "TongueOut", "HeadYaw", "HeadPitch", "HeadRoll", "LeftEyeYaw",
    "LeftEyePitch", "LeftEyeRoll", "RightEyeYaw", "RightEyePitch", "RightEyeRoll",
]

/// The Live Link slots' values as a model-order row (by name), for comparison with the pipeline.
func modelOrder(_ packetValues: [Float]) -> [Float] {
    var row = [Float](repeating: 0, count: 61)
    for (slot, name) in liveLinkSlotNames.enumerated() {
        if let column = FaceChannels.names.firstIndex(of: name), column < 61 { row[column] = packetValues[slot] }
    }
    return row
}

/// What the server computes for `pcm` (48 kHz) pushed in `block`-sample pieces: running
/// statistics, the same schedule, the same model; frames as they are released (no finish unless asked).
func offlineFrames(_ pcm: [Float], rate: Int = 48_000, block: Int, hop: Int, lookahead: Int, finish: Bool) throws -> [[Float]] {
    let extractor = StreamingFeatureExtractor(inputRate: rate, statistics: .running(.default), lowLatency: true)
    let pipeline = try StreamingFacePipeline(
        session: InferenceSession(model: testModel, threads: 1), schedule: .init(hop: hop, lookahead: lookahead), outputCapacity: 100_000)
    var row = [Float](repeating: 0, count: 256)
    func drain() {
        while row.withUnsafeMutableBufferPointer({ extractor.pull(into: $0) }) {
            row.withUnsafeBufferPointer { pipeline.push($0) }
        }
    }
    var i = 0
    while i < pcm.count {
        let n = min(block, pcm.count - i)
        pcm[i..<i + n].withUnsafeBufferPointer { extractor.push($0) }
        drain()
        i += n
    }
    if finish {
        extractor.finish()
        drain()
        pipeline.finish()
    }
    var frames: [[Float]] = []
    var frame = [Float](repeating: 0, count: 68)
    while frame.withUnsafeMutableBufferPointer({ pipeline.pull(into: $0) }) { frames.append(frame) }
    return frames
}

/// A minimal JSON value for reading replies.
indirect enum JSON: Equatable {
    case object([String: JSON]), array([JSON]), string(String), number(Double), bool(Bool), null

    subscript(_ key: String) -> JSON? { if case .object(let o) = self { o[key] } else { nil } }
    var int: Int? { if case .number(let n) = self { Int(n) } else { nil } }
    var double: Double? { if case .number(let n) = self { n } else { nil } }
    var string: String? { if case .string(let s) = self { s } else { nil } }
    var array: [JSON]? { if case .array(let a) = self { a } else { nil } }
    var object: [String: JSON]? { if case .object(let o) = self { o } else { nil } }
    var flag: Bool? { if case .bool(let b) = self { b } else { nil } }

    static func parse(_ bytes: [UInt8]) throws -> JSON {
        var p = Parser(bytes: bytes)
        let v = try p.value()
        return v
    }

    private struct Parser {
        let bytes: [UInt8]
        var i = 0
        mutating func skip() { while i < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[i]) { i += 1 } }
        mutating func value() throws -> JSON {
            skip()
            guard i < bytes.count else { throw TestError("JSON ends early") }
            switch bytes[i] {
            case UInt8(ascii: "{"):
                i += 1
                var o: [String: JSON] = [:]
                skip()
                if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(o) }
                while true {
                    skip()
                    guard case .string(let k) = try value() else { throw TestError("JSON key") }
                    skip()
                    i += 1  // :
                    o[k] = try value()
                    skip()
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    i += 1
                    return .object(o)
                }
            case UInt8(ascii: "["):
                i += 1
                var a: [JSON] = []
                skip()
                if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(a) }
                while true {
                    a.append(try value())
                    skip()
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    i += 1
                    return .array(a)
                }
            case UInt8(ascii: "\""):
                i += 1
                var s: [UInt8] = []
                while bytes[i] != UInt8(ascii: "\"") {
                    if bytes[i] == UInt8(ascii: "\\") { i += 1 }
                    s.append(bytes[i])
                    i += 1
                }
                i += 1
                return .string(String(decoding: s, as: UTF8.self))
            case UInt8(ascii: "t"): i += 4; return .bool(true)
            case UInt8(ascii: "f"): i += 5; return .bool(false)
            case UInt8(ascii: "n"): i += 4; return .null
            default:
                let start = i
                while i < bytes.count, "+-0123456789.eE".utf8.contains(bytes[i]) { i += 1 }
                guard let d = Double(String(decoding: bytes[start..<i], as: UTF8.self)) else { throw TestError("JSON number") }
                return .number(d)
            }
        }
    }
}

/// A whole file's bytes.
func readFile(_ path: String) throws -> [UInt8] {
    guard let file = fopen(path, "rb") else { throw TestError("cannot open \(path)") }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&chunk, 1, chunk.count, file)
        if n <= 0 { break }
        bytes += chunk[0..<n]
    }
    return bytes
}

/// A WebSocket frames subscriber running in the background: collects binary frames, text
/// messages and the close code until the server hangs up.
final class FrameSubscriber: Sendable {
    struct Frame {
        var index: UInt64
        var flags: UInt32
        var values: [Float]
    }
    struct Result {
        var frames: [Frame] = []
        var texts: [String] = []
        var closeCode: Int?
    }
    private final class State: Sendable {
        let collected = Mutex(Result())
        let done = Atomic<Bool>(false)
    }
    private let state = State()
    private let task: Task<Void, any Error>

    init(url: String) {
        let state = self.state
        task = Task {
            defer { state.done.store(true, ordering: .sequentiallyConsistent) }
            let close = try await WebSocketClient.connect(url: url, logger: Logger(label: "subscriber")) { inbound, _, _ in
                for try await message in inbound.messages(maxSize: 1 << 16) {
                    switch message {
                    case .binary(var buffer):
                        let index = buffer.readInteger(endianness: .little, as: UInt64.self)!
                        _ = buffer.readInteger(endianness: .little, as: Int64.self)
                        let flags = buffer.readInteger(endianness: .little, as: UInt32.self)!
                        let n = buffer.readInteger(endianness: .little, as: UInt32.self)!
                        var values: [Float] = []
                        for _ in 0..<n { values.append(Float(bitPattern: buffer.readInteger(endianness: .little, as: UInt32.self)!)) }
                        state.collected.withLock { $0.frames.append(Frame(index: index, flags: flags, values: values)) }
                    case .text(let text): state.collected.withLock { $0.texts.append(text) }
                    }
                }
            }
            state.collected.withLock { $0.closeCode = close.map { Int(UInt16(webSocketErrorCode: $0.closeCode)) } }
        }
    }

    /// What arrived so far.
    var snapshot: Result { state.collected.withLock { $0 } }

    /// Waits until the server closes the connection (at most `timeout` seconds).
    func finished(timeout: Double) async throws -> Result {
        let deadline = ContinuousClock.now + .seconds(timeout)
        while ContinuousClock.now < deadline {
            if state.done.load(ordering: .sequentiallyConsistent) { return snapshot }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestError("the subscriber was not closed within \(timeout) s")
    }

    /// Waits until `count` frames have arrived.
    func waitForFrames(_ count: Int, timeout: Double) async throws {
        let deadline = ContinuousClock.now + .seconds(timeout)
        while snapshot.frames.count < count {
            guard ContinuousClock.now < deadline else { throw TestError("only \(snapshot.frames.count) of \(count) frames") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

/// Sends `pcm` (48 kHz) as the same 20 ms Opus packets to each of `ssrcs`, back to back: the first
/// `leadPackets` at once, the rest in real time behind them. Streams fed this way decode the same
/// audio, and while the sending task is late by less than the lead, no stream sees its sender
/// pause (no stall concealment or silence padding, which would make their audio differ).
func sendRTP(
    _ pcm: ArraySlice<Float>, ssrcs: [UInt32], to port: Int, from socket: UDPSocket, leadPackets: Int, firstSequence: Int = 0
) async throws {
    let encoder = try OpusEncoder()
    let began = ContinuousClock.now
    var k = 0
    var start = pcm.startIndex
    while start + 960 <= pcm.endIndex {
        let payload = try pcm[start..<start + 960].withUnsafeBufferPointer { try encoder.encode($0) }
        for ssrc in ssrcs {
            socket.send(
                RTPPacket.encode(
                    payloadType: 97, sequence: UInt16(truncatingIfNeeded: firstSequence + k), timestamp: UInt32(k * 960), ssrc: ssrc,
                    payload: payload), to: port)
        }
        k += 1
        start += 960
        if k >= leadPackets { try await Task.sleep(until: began + .milliseconds(20 * (k - leadPackets))) }
    }
}

/// Sends `pcm` (48 kHz) as 20 ms Opus RTP packets in real time from `socket`.
func sendRTP(_ pcm: ArraySlice<Float>, ssrc: UInt32, to port: Int, from socket: UDPSocket, firstSequence: Int = 0) async throws {
    try await sendRTP(pcm, ssrcs: [ssrc], to: port, from: socket, leadPackets: 0, firstSequence: firstSequence)
}
