import AsyncHTTPClient
import FoundationEssentials
import NIOCore
import NIOHTTP1
import Synchronization

/// A client of OpenAI-compatible chat completions (`POST {url}/chat/completions`, streamed as
/// server-sent events, or a plain JSON reply), through AsyncHTTPClient. Every call is bounded:
/// a total timeout, a reply size, and at most `maxConcurrent` calls in flight (one more fails at
/// once with ``LLMError/busy``, so callers fall back instead of queueing).
public final class OpenAIChatClient: ChatModel {
    /// Settings.
    public let configuration: LLMConfiguration
    private let client: HTTPClient
    private let inFlight = Atomic<Int>(0)

    /// A client on AsyncHTTPClient's shared connection pool (which lives as long as the process,
    /// so there is nothing to shut down).
    public init(configuration: LLMConfiguration) {
        self.configuration = configuration
        client = HTTPClient.shared
    }

    private struct Body: Encodable {
        var model: String
        var messages: [ChatMessage]
        var maxTokens: Int
        var temperature: Double
        var stream = true
        enum CodingKeys: String, CodingKey {
            case model, messages, temperature, stream
            case maxTokens = "max_tokens"
        }
    }

    private struct Completion: Decodable {
        struct Choice: Decodable {
            struct Message: Decodable { var content: String? }
            var message: Message?
        }
        var choices: [Choice]
    }

    /// Sends `request`; `onDelta` gets each streamed piece.
    /// - Throws: ``LLMError`` (every failure maps to one).
    public func complete(_ request: ChatRequest, onDelta: (@Sendable (String) -> Void)?) async throws -> ChatReply {
        guard inFlight.add(1, ordering: .acquiringAndReleasing).newValue <= configuration.maxConcurrent else {
            inFlight.subtract(1, ordering: .acquiringAndReleasing)
            throw LLMError.busy
        }
        defer { inFlight.subtract(1, ordering: .acquiringAndReleasing) }
        let timeout = configuration.timeout
        let text = try await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask { try await self.send(request, onDelta: onDelta) }
            group.addTask {
                try await Task.sleep(for: .seconds(timeout))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let text = first else { throw LLMError.timeout }
            return text
        }
        return ChatReply(text: text, generator: "llm", model: configuration.model)
    }

    private func send(_ chat: ChatRequest, onDelta: (@Sendable (String) -> Void)?) async throws -> String {
        var request = HTTPClientRequest(url: configuration.url.trimmingSlash + "/chat/completions")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "text/event-stream, application/json")
        if let key = configuration.apiKey { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        let body = Body(model: configuration.model, messages: chat.messages, maxTokens: chat.maxTokens, temperature: chat.temperature)
        request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(body)))
        let response: HTTPClientResponse
        do {
            // AsyncHTTPClient retries a refused connection until the deadline, then reports the
            // connection error: its deadline comes just before ours, so that error is seen.
            response = try await client.execute(request, deadline: .now() + .milliseconds(Int64(configuration.timeout * 900)))
        } catch is CancellationError {
            throw LLMError.timeout
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw LLMError.timeout
        } catch {
            throw LLMError.unreachable("\(String(describing: error).prefix(200))")
        }
        guard (200..<300).contains(response.status.code) else { throw LLMError.http(Int(response.status.code)) }
        let streamed = response.headers.first(name: "Content-Type")?.lowercased().hasPrefix("text/event-stream") ?? false
        var received = 0
        if streamed {
            var parser = ServerSentEvents()
            var text = ""
            for try await chunk in response.body {
                received += chunk.readableBytes
                guard received <= configuration.maxReplyBytes else { throw LLMError.tooLarge }
                for piece in try parser.feed(chunk.readableBytesView) {
                    text += piece
                    onDelta?(piece)
                }
                if parser.done { break }
            }
            if let piece = try parser.finish() {
                text += piece
                onDelta?(piece)
            }
            guard !text.isEmpty else { throw LLMError.badReply("no content") }
            return text
        }
        var collected = ByteBuffer()
        for try await chunk in response.body {
            received += chunk.readableBytes
            guard received <= configuration.maxReplyBytes else { throw LLMError.tooLarge }
            collected.writeImmutableBuffer(chunk)
        }
        guard let completion = try? JSONDecoder().decode(Completion.self, from: Data(collected.readableBytesView)),
            let text = completion.choices.first?.message?.content, !text.isEmpty
        else { throw LLMError.badReply("not a chat completion") }
        onDelta?(text)
        return text
    }
}

extension String {
    /// The string without trailing slashes.
    var trimmingSlash: String {
        var s = self
        while s.hasSuffix("/") { s.removeLast() }
        return s
    }
}
