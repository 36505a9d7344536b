import FoundationEssentials
import Hummingbird
import HummingbirdWebSocket
import NIOCore
import NIOWebSocket
import VoxMedia

/// The WebSocket endpoints: audio ingest and frame subscription (Protocols/websocket.md).
struct WebSocketRoutes: Sendable {
    let hub: StreamHub
    /// Frames subscribers per API key.
    let quota: SocketQuota

    /// How far a WebSocket sender may run ahead of real time before its reads pause.
    static let maxSecondsAhead = 2.0

    func register(on router: Router<VoxRequestContext>) {
        router.ws("/v1/streams/:id/audio") { inbound, outbound, context in
            try await audio(inbound, outbound, context)
        }
        router.ws("/v1/streams/:id/frames") { inbound, outbound, context in
            let admitted = try await quota.withSlot(context.requestContext.apiKey) { try await frames(inbound, outbound, context) }
            if !admitted { try await reject(outbound, 1013, "too many sockets open with this key", metric: "sockets_per_key") }
        }
    }

    private func reject(_ outbound: WebSocketOutboundWriter, _ code: Int, _ reason: String, metric: String) async throws {
        hub.metrics.rejectWebSocket(metric)
        try await outbound.close(.init(codeNumber: code), reason: reason)
    }

    // MARK: - Audio ingest

    private func audio(
        _ inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter,
        _ context: WebSocketRouterContext<VoxRequestContext>
    ) async throws {
        let id = context.requestContext.parameters.get("id") ?? ""
        guard let stream = hub.registry.stream(id: id) else {
            return try await reject(outbound, 4404, "unknown stream", metric: "unknown_stream")
        }
        let query = context.request.uri.queryParameters.get("token")
        let bearer = context.request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
        guard let token = query ?? bearer, constantTimeEqual(token, stream.token) else {
            return try await reject(outbound, 4401, "missing or wrong token", metric: "bad_token")
        }
        var protocolState = WebSocketIngestMessages()
        var messages = inbound.messages(maxSize: WebSocketIngestMessages.maxMessage).makeAsyncIterator()
        let first = try await messages.next()
        let declared: WebSocketIngestMessages.Step
        switch first {
        case .text(let text): declared = protocolState.text(text)
        case .binary(let buffer): declared = protocolState.binary(count: buffer.readableBytes)
        case nil: return
        }
        guard case .declared(let format) = declared else {
            if case .refuse(let code, let reason, let metric) = declared { try await reject(outbound, code, reason, metric: metric) }
            return
        }
        guard stream.bindWebSocket(format, now: MonotonicClock.now()) else {
            return try await reject(outbound, 4409, "the stream already has an ingest", metric: "ingest_conflict")
        }
        try await outbound.write(
            .text("{\"type\":\"ready\",\"format\":\"\(format.name)\",\"sample_rate\":\(format.sampleRate),\"frame_rate\":60}"))
        hub.bus.publish(.stream(.live(id: id, ingest: "websocket")), on: .streams)
        // Hang up as soon as the stream closes (deleted, idle, shutdown), not at the next message.
        let hangUp = Task {
            await stream.closed.wait()
            guard !Task.isCancelled else { return }
            try? await outbound.close(.goingAway, reason: "stream closed")
        }
        defer { hangUp.cancel() }
        // However the client goes (`end`, a close, a dropped connection), the stream drains what
        // it accepted and closes as `ended` once its last frame is out.
        defer { stream.endAudio(now: MonotonicClock.now()) }
        while let message = try await messages.next() {
            guard hub.registry.stream(id: id) != nil else {
                return try await outbound.close(.goingAway, reason: "stream closed")
            }
            // After the declaration a binary message is audio or refused, a text one `end` or refused.
            switch message {
            case .binary(let buffer):
                if case .refuse(let code, let reason, let metric) = protocolState.binary(count: buffer.readableBytes) {
                    return try await reject(outbound, code, reason, metric: metric)
                }
                hub.metrics.websocketMessages.increment()
                let bytes = Array(buffer.readableBytesView)
                offering: while true {
                    switch stream.offerWebSocket(bytes, now: MonotonicClock.now()) {
                    case .accepted: break offering
                    case .full:
                        stream.requestWork()
                        try await Task.sleep(for: .milliseconds(5))
                    case .refused:
                        return try await reject(outbound, 1008, "audio after end", metric: "after_end")
                    }
                }
                stream.requestWork()
                // Backpressure: a sender ahead of real time waits (TCP flow control does the rest).
                while stream.secondsAhead(now: MonotonicClock.now()) > Self.maxSecondsAhead {
                    try await Task.sleep(for: .milliseconds(20))
                }
            case .text(let text):
                if case .refuse(let code, let reason, let metric) = protocolState.text(text) {
                    return try await reject(outbound, code, reason, metric: metric)
                }
                stream.endAudio(now: MonotonicClock.now())
                for _ in 0..<3000 {
                    if let total = stream.totalFrames {
                        try await outbound.write(.text("{\"type\":\"ended\",\"frames\":\(total)}"))
                        break
                    }
                    try await Task.sleep(for: .milliseconds(10))
                }
            }
        }
    }

    // MARK: - Frames

    private func frames(
        _ inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter,
        _ context: WebSocketRouterContext<VoxRequestContext>
    ) async throws {
        let id = context.requestContext.parameters.get("id") ?? ""
        let asJSON = context.request.uri.queryParameters.get("format") == "json"
        guard let stream = hub.registry.stream(id: id) else {
            return try await reject(outbound, 4404, "unknown stream", metric: "unknown_stream")
        }
        await context.requestContext.boundSendBuffers()
        let subscription = hub.bus.subscribe(stream.framesTopic, capacity: hub.configuration.subscriberQueue)
        defer { hub.bus.unsubscribe(subscription) }
        guard hub.registry.stream(id: id) != nil else {
            try await outbound.write(.text("{\"type\":\"stream_closed\",\"reason\":\"deleted\"}"))
            return try await outbound.close(.normalClosure, reason: "stream closed")
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            // The reader only watches for the client going away.
            group.addTask {
                for try await _ in inbound {}
                subscription.finish()
            }
            group.addTask {
                var buffer = ByteBuffer()
                for await message in subscription {
                    switch message {
                    case .face(let frame):
                        if asJSON {
                            try await outbound.write(.text(Self.json(frame)))
                        } else {
                            buffer.clear()
                            Self.encode(frame, into: &buffer)
                            try await outbound.write(.binary(buffer))
                        }
                    case .stream(.closed(_, let reason)):
                        try await outbound.write(.text("{\"type\":\"stream_closed\",\"reason\":\"\(reason.rawValue)\"}"))
                        try await outbound.close(reason == .shutdown ? .goingAway : .normalClosure, reason: "stream closed")
                        return
                    case .stream, .event: continue
                    }
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }

    /// The binary frame: u64 index, i64 audio time (us), u32 flags, u32 count, count float32; little-endian.
    /// Written in one piece: every subscriber gets 60 of these a second, and per-field writes (a
    /// capacity check each) took most of the server's async threads with 64 subscribers (stack
    /// samples of a debug server, where tests run it).
    static func encode(_ frame: FaceFrame, into buffer: inout ByteBuffer) {
        let flags: UInt32 = (frame.held ? 1 : 0) | (frame.last ? 2 : 0)
        buffer.writeMultipleIntegers(
            UInt64(frame.index), frame.timeMicroseconds, flags, UInt32(FaceFrame.channels), endianness: .little)
        #if _endian(little)
            _ = withUnsafeBytes(of: frame.values) { buffer.writeBytes($0) }
        #else
            for k in 0..<FaceFrame.channels { buffer.writeInteger(frame.values[k].bitPattern, endianness: .little) }
        #endif
    }

    static func json(_ frame: FaceFrame) -> String {
        var text = "{\"frame\":\(frame.index),\"time_us\":\(frame.timeMicroseconds),\"held\":\(frame.held),\"values\":["
        for k in 0..<FaceFrame.channels {
            if k > 0 { text += "," }
            let v = frame.values[k]
            text += v.isFinite ? "\(v)" : "0"
        }
        return text + "]}"
    }
}

/// Compares two secrets without an early exit.
func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8)
    let y = Array(b.utf8)
    guard x.count == y.count else { return false }
    var diff: UInt8 = 0
    for i in 0..<x.count { diff |= x[i] ^ y[i] }
    return diff == 0
}
