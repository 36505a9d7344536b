import FuzzSupport
import VoxDocuments

/// The chat-export reader the twins ingest chats with: `ChatLogReader.read` (which recognises
/// the generic `[{"sender", "time", "text"}]` form, Telegram Desktop's and Discord's exports)
/// and `ChatLogReader.generic` on the input, with small caps so the caps themselves are reached.
/// A read either throws a clear `TwinInputError` or returns messages within the caps, each with
/// a sender and text within the per-message bound and its index in the export.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzChatLog(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let json = Array(UnsafeRawBufferPointer(start: data, count: size))
    let maxMessages = 64
    for log in [try? ChatLogReader.read(json, maxMessages: maxMessages), try? ChatLogReader.generic(json, maxMessages: maxMessages)] {
        guard let log else { continue }
        precondition(log.messages.count <= maxMessages, "\(log.messages.count) messages over the cap")
        var previous = -1
        for message in log.messages {
            precondition(message.text.utf8.count <= ChatLogReader.maxMessageBytes, "a message over the per-message bound")
            precondition(message.index > previous, "indexes out of order")
            previous = message.index
        }
    }
    return 0
}
