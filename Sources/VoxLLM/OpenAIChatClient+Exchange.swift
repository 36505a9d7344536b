import AsyncHTTPClient
import FoundationEssentials
import NIOCore
import NIOHTTP1

extension OpenAIChatClient {
    /// One HTTP exchange: sends the request, checks the head, reads the reply as a stream of
    /// events or as one JSON completion. No timeout of its own: the caller cancels it.
    func exchange(_ chat: ChatRequest, progress: Progress, onDelta: (@Sendable (String) -> Void)?) async throws -> Outcome {
        var request = HTTPClientRequest(url: configuration.completionsURL)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "text/event-stream, application/json")
        if let key = configuration.apiKey, !key.isEmpty { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        let body = WireRequest(
            model: configuration.model, messages: chat.messages, maxTokens: chat.maxTokens, temperature: chat.temperature, stream: true)
        request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(body)))

        let response: HTTPClientResponse
        do {
            // The deadline only covers the wait for the response head (AsyncHTTPClient drops it
            // once the head is in); the watchdog in `complete` covers the body too.
            response = try await http.execute(request, deadline: .now() + LLMConfiguration.timeAmount(configuration.timeout))
        } catch {
            throw Self.transportError(error)
        }
        guard (200..<300).contains(response.status.code) else { throw LLMError.http(Int(response.status.code)) }
        if let length = response.headers.first(name: "Content-Length").flatMap(Int.init), length > configuration.maxReplyBytes {
            throw LLMError.tooLarge
        }
        let contentType = response.headers.first(name: "Content-Type")?.lowercased() ?? ""
        do {
            if contentType.hasPrefix("text/event-stream") {
                return .text(try await readEvents(response.body, progress: progress, onDelta: onDelta))
            }
            progress.markStarted()
            let text = try await readCompletion(response.body)
            onDelta?(text)
            return .text(text)
        } catch let error as LLMError {
            throw error
        } catch {
            throw Self.transportError(error)
        }
    }

    /// Reads a streamed reply, handing each piece of text to `onDelta` as it comes.
    private func readEvents(
        _ body: HTTPClientResponse.Body, progress: Progress, onDelta: (@Sendable (String) -> Void)?
    ) async throws -> String {
        var parser = ServerSentEvents()
        var text = ""
        var received = 0
        let emit = { (piece: String) in
            if text.isEmpty { progress.markStarted() }
            text += piece
            onDelta?(piece)
        }
        for try await chunk in body {
            received += chunk.readableBytes
            guard received <= configuration.maxReplyBytes else { throw LLMError.tooLarge }
            try parser.feed(chunk.readableBytesView, emit: emit)
            // Stop at [DONE] rather than trust the server to end the body right after it.
            if parser.done { break }
        }
        try parser.finish(emit: emit)
        guard !text.isEmpty else { throw LLMError.badReply("the stream had no text") }
        return text
    }

    /// Reads a plain JSON completion and returns its text.
    private func readCompletion(_ body: HTTPClientResponse.Body) async throws -> String {
        var collected = ByteBuffer()
        for try await chunk in body {
            guard collected.readableBytes + chunk.readableBytes <= configuration.maxReplyBytes else { throw LLMError.tooLarge }
            collected.writeImmutableBuffer(chunk)
        }
        let reply = try WireReply.decode(collected.readableBytesView, what: "the reply")
        guard let text = reply.choices?.first?.message?.content, !text.isEmpty else { throw LLMError.badReply("the reply had no text") }
        return text
    }

    /// The ``LLMError`` for an error from AsyncHTTPClient or NIO.
    static func transportError(_ error: any Error) -> LLMError {
        if let error = error as? LLMError { return error }
        if let error = error as? HTTPClientError, error == .deadlineExceeded || error == .readTimeout {
            return .timeout
        }
        return .unreachable(String(String(describing: error).prefix(200)))
    }
}
