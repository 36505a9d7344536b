import Synchronization
import VoxMedia
import VoxModel

/// Every open stream, by id and by SSRC.
final class StreamRegistry: Sendable {
    private struct Tables {
        var byID: [String: Stream] = [:]
        var bySSRC: [UInt32: Stream] = [:]
    }

    private let tables = Mutex(Tables())
    let maxStreams: Int

    init(maxStreams: Int) { self.maxStreams = maxStreams }

    /// Registers a stream built by `make` with a fresh id, SSRC and token.
    func create(_ make: (_ id: String, _ ssrc: UInt32, _ token: String) -> Stream) throws(APIError) -> Stream {
        try tables.withLock { t throws(APIError) -> Stream in
            guard t.byID.count < maxStreams else {
                throw APIError(.serviceUnavailable, "too_many_streams", "the server already runs \(maxStreams) streams")
            }
            var generator = SystemRandomNumberGenerator()
            var id = Self.hex(bytes: 8, &generator)
            while t.byID[id] != nil { id = Self.hex(bytes: 8, &generator) }
            // 1 ..< 2^31, so ffmpeg's signed -ssrc option can carry it.
            var ssrc = UInt32.random(in: 1...UInt32(Int32.max), using: &generator)
            while t.bySSRC[ssrc] != nil { ssrc = UInt32.random(in: 1...UInt32(Int32.max), using: &generator) }
            let stream = make(id, ssrc, Self.hex(bytes: 16, &generator))
            t.byID[id] = stream
            t.bySSRC[ssrc] = stream
            return stream
        }
    }

    func stream(id: String) -> Stream? { tables.withLock { $0.byID[id] } }
    func stream(ssrc: UInt32) -> Stream? { tables.withLock { $0.bySSRC[ssrc] } }
    /// Every stream, oldest first (for listings).
    var all: [Stream] { snapshot.sorted { $0.createdAt < $1.createdAt } }
    /// Every stream, in no order (for the pacer's loop).
    var snapshot: [Stream] { tables.withLock { Array($0.byID.values) } }
    var count: Int { tables.withLock { $0.byID.count } }

    /// Removes a stream; nil if it was not registered.
    func remove(id: String) -> Stream? {
        tables.withLock { t in
            guard let stream = t.byID.removeValue(forKey: id) else { return nil }
            t.bySSRC[stream.ssrc] = nil
            return stream
        }
    }

    static func hex(bytes: Int, _ generator: inout SystemRandomNumberGenerator) -> String {
        let digits = Array("0123456789abcdef")
        var text = ""
        for _ in 0..<bytes {
            let b = UInt8.random(in: 0...255, using: &generator)
            text.append(digits[Int(b >> 4)])
            text.append(digits[Int(b & 15)])
        }
        return text
    }
}
