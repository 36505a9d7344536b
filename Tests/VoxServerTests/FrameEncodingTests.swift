import NIOCore
import Testing

@testable import VoxServer

/// The frames WebSocket's binary message, byte by byte against Protocols/websocket.md: u64
/// index, i64 audio time (us), u32 flags, u32 count, then count float32, all little-endian.
@Suite struct FrameEncodingTests {
    static func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        (0..<(T.bitWidth / 8)).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
    }

    @Test(arguments: [(0, false, false), (1_234_567, true, false), (Int(UInt32.max) + 7, false, true)])
    func theBinaryFrameIsTheDocumentedLayout(index: Int, held: Bool, last: Bool) {
        var values = InlineArray<68, Float>(repeating: 0)
        for k in 0..<68 { values[k] = Float(k) * 0.125 - 3 }
        values[5] = -.infinity
        values[67] = .leastNonzeroMagnitude
        let frame = FaceFrame(streamID: "s", index: index, held: held, last: last, values: values)
        var buffer = ByteBuffer(bytes: [0xAA])  // whatever the buffer holds before is kept
        WebSocketRoutes.encode(frame, into: &buffer)

        var expected: [UInt8] = [0xAA]
        expected += Self.littleEndian(UInt64(index))
        expected += Self.littleEndian(Int64(index) * 1_000_000 / 60)
        expected += Self.littleEndian(UInt32((held ? 1 : 0) | (last ? 2 : 0)))
        expected += Self.littleEndian(UInt32(68))
        for k in 0..<68 { expected += Self.littleEndian(values[k].bitPattern) }
        #expect(Array(buffer.readableBytesView) == expected)
        #expect(buffer.readableBytes == 1 + 24 + 68 * 4)
    }
}
