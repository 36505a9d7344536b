import Testing
import VoxMedia

@Suite struct RTPPacketTests {
    static func parse(_ bytes: [UInt8]) throws(RTPError) -> RTPPacket {
        let result = bytes.withUnsafeBytes { raw in Result { () throws(RTPError) in try RTPPacket.parse(raw) } }
        return try result.get()
    }

    @Test func parsesAMinimalPacket() throws {
        let bytes = RTPPacket.encode(
            payloadType: 97, sequence: 0xBEEF, timestamp: 0xDEAD_BEEF, ssrc: 0x1234_5678, marker: true, payload: [1, 2, 3])
        let packet = try Self.parse(bytes)
        #expect(packet.version == 2 && packet.marker && packet.payloadType == 97)
        #expect(packet.sequence == 0xBEEF && packet.timestamp == 0xDEAD_BEEF && packet.ssrc == 0x1234_5678)
        #expect(packet.payload == 12..<15 && packet.extensionProfile == nil && packet.csrcCount == 0)
    }

    @Test func skipsCSRCsExtensionAndPadding() throws {
        // V=2, P=1, X=1, CC=2; PT 111; two CSRCs; extension profile 0xBEDE with 1 word; payload 4
        // bytes; 3 bytes of padding (the last byte says 3).
        var bytes: [UInt8] = [0xB2, 111, 0, 7, 0, 0, 3, 0xC0, 0, 0, 0, 42]
        bytes += [0, 0, 0, 1, 0, 0, 0, 2]
        bytes += [0xBE, 0xDE, 0, 1, 9, 9, 9, 9]
        bytes += [0xAA, 0xBB, 0xCC, 0xDD]
        bytes += [0, 0, 3]
        let packet = try Self.parse(bytes)
        #expect(packet.csrcCount == 2 && packet.extensionProfile == 0xBEDE)
        #expect(packet.payload == 28..<32)
        #expect(Array(bytes[packet.payload]) == [0xAA, 0xBB, 0xCC, 0xDD])
        #expect(packet.sequence == 7 && packet.timestamp == 960 && packet.ssrc == 42)
    }

    @Test func refusesMalformedDatagrams() {
        let good = RTPPacket.encode(payloadType: 97, sequence: 1, timestamp: 1, ssrc: 1, payload: [1])
        #expect(throws: RTPError.tooShort(11)) { try Self.parse(Array(good.prefix(11))) }
        var version = good
        version[0] = 0x40
        #expect(throws: RTPError.badVersion(1)) { try Self.parse(version) }
        var csrc = good
        csrc[0] = 0x8F  // 15 CSRCs in a 13-byte datagram
        #expect(throws: RTPError.csrcOverflow(csrcCount: 15, length: 13)) { try Self.parse(csrc) }
        var ext = good + [0, 0]
        ext[0] = 0x90  // extension header claims more than there is
        #expect(throws: RTPError.extensionOverflow(length: 15)) { try Self.parse(ext) }
        var longExt = good + [0xBE, 0xDE, 0xFF, 0xFF]
        longExt[0] = 0x90
        #expect(throws: RTPError.extensionOverflow(length: 17)) { try Self.parse(longExt) }
        var padding = good
        padding[0] = 0xA0
        padding[12] = 200  // padding longer than the packet
        #expect(throws: RTPError.badPadding(200)) { try Self.parse(padding) }
        var zeroPadding = good
        zeroPadding[0] = 0xA0
        zeroPadding[12] = 0
        #expect(throws: RTPError.badPadding(0)) { try Self.parse(zeroPadding) }
        #expect(throws: RTPError.emptyPayload) { try Self.parse(Array(good.prefix(12))) }
    }

    @Test func randomBytesNeverCrash() {
        var state: UInt64 = 0x1234
        for _ in 0..<20_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let count = Int(state >> 58)
            var bytes = [UInt8](repeating: 0, count: count)
            for i in 0..<count {
                state = state &* 6_364_136_223_846_793_005 &+ 1
                bytes[i] = UInt8(truncatingIfNeeded: state >> 33)
            }
            if let packet = try? Self.parse(bytes) {
                #expect(packet.payload.lowerBound >= 12 && packet.payload.upperBound <= count && !packet.payload.isEmpty)
            }
        }
    }
}
