import Hummingbird
import NIOCore
import VoxCore

#if canImport(Glibc)
    import Glibc
#endif

/// The browser app (Sources/VoxServer/Web, a SwiftPM resource): served at `/` and `/app/...`,
/// read once at start, with content types, validators (ETag, `no-cache`: the browser checks
/// each time, cheaply) and headers that keep it self-contained (no third-party requests).
struct WebApp: Sendable {
    struct Asset: Sendable {
        var body: ByteBuffer
        var contentType: String
        var etag: String
    }

    /// The app's files by URL path.
    let assets: [String: Asset]

    static let files: [(name: String, type: String)] = [
        ("index.html", "text/html; charset=utf-8"), ("app.js", "text/javascript; charset=utf-8"),
        ("face.js", "text/javascript; charset=utf-8"), ("capture-worklet.js", "text/javascript; charset=utf-8"),
        ("style.css", "text/css; charset=utf-8"), ("avatars.html", "text/html; charset=utf-8"),
        ("avatars.js", "text/javascript; charset=utf-8"), ("space.html", "text/html; charset=utf-8"),
        ("space.js", "text/javascript; charset=utf-8"), ("common.js", "text/javascript; charset=utf-8"),
        ("twin.html", "text/html; charset=utf-8"), ("twin.js", "text/javascript; charset=utf-8"),
    ]

    /// Where the app's files are: the resource folder next to the executable (where `swift build`
    /// puts it), then the source tree this file was compiled from.
    static var candidates: [String] {
        var result: [String] = []
        if let directory = ExecutablePath.directory() { result.append(directory + "/voxface_VoxServer.resources/Web") }
        let file = "\(#filePath)"
        if let slash = file.lastIndex(of: "/") { result.append(String(file[..<slash]) + "/../Web") }
        return result
    }

    /// Loads the app; an app that cannot be found serves a one-line notice instead of failing the server.
    init() {
        var assets: [String: Asset] = [:]
        let directory = Self.candidates.first { access($0 + "/index.html", R_OK) == 0 }
        for (name, type) in Self.files {
            guard let directory, let bytes = Self.read(directory + "/" + name) else { continue }
            assets["/app/" + name] = Asset(body: ByteBuffer(bytes: bytes), contentType: type, etag: Self.etag(bytes))
        }
        let channels = Array(("[" + FaceChannels.names.map { "\"\($0)\"" }.joined(separator: ",") + "]").utf8)
        assets["/app/channels.json"] = Asset(
            body: ByteBuffer(bytes: channels), contentType: "application/json", etag: Self.etag(channels))
        if let index = assets["/app/index.html"] { assets["/"] = index }
        if let page = assets["/app/avatars.html"] { assets["/avatars"] = page }
        if let page = assets["/app/space.html"] { assets["/space"] = page }
        if let page = assets["/app/twin.html"] { assets["/twin"] = page }
        self.assets = assets
    }

    func register(on router: Router<VoxRequestContext>) {
        router.get("/") { request, _ in respond("/", request) }
        router.head("/") { request, _ in respond("/", request).withoutBody }
        router.get("/avatars") { request, _ in respond("/avatars", request) }
        router.get("/space") { request, _ in respond("/space", request) }
        router.get("/twin") { request, _ in respond("/twin", request) }
        router.get("/app/:file") { request, context in respond("/app/" + (context.parameters.get("file") ?? ""), request) }
        router.head("/app/:file") { request, context in
            respond("/app/" + (context.parameters.get("file") ?? ""), request).withoutBody
        }
    }

    private func respond(_ path: String, _ request: Request) -> Response {
        guard let asset = assets[path] else {
            if path == "/" {
                return Response(
                    status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(string: "voxface: the browser app's files were not found next to the binary\n")))
            }
            return Response(
                status: .notFound, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: "{\"error\":{\"code\":\"not_found\",\"message\":\"no such file\"}}")))
        }
        var headers: HTTPFields = [
            .contentType: asset.contentType, .cacheControl: "no-cache", .eTag: asset.etag,
            .init("X-Content-Type-Options")!: "nosniff",
        ]
        if asset.contentType.hasPrefix("text/html") {
            headers[.contentSecurityPolicy] = "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:"
        }
        if request.headers[.ifNoneMatch] == asset.etag { return Response(status: .notModified, headers: headers) }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: asset.body))
    }

    private static func read(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&chunk, 1, chunk.count, file)
            if n <= 0 { break }
            bytes += chunk[0..<n]
            if bytes.count > 4 << 20 { return nil }
        }
        return bytes
    }

    /// A strong validator: FNV-1a of the content.
    private static func etag(_ bytes: [UInt8]) -> String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes {
            h ^= UInt64(b)
            h &*= 0x100_0000_01B3
        }
        return "\"" + String(h, radix: 16) + "\""
    }
}

extension Response {
    /// The same status and headers with an empty body (HEAD).
    var withoutBody: Response { Response(status: status, headers: headers) }
}
