import Testing
import VoxCore
import VoxMedia

/// A decoder written from the packet description (../shared/reference/livelink-face.md), used to
/// check the encoder independently.
struct LiveLinkFaceDecoded: Equatable {
    var version: UInt8
    var deviceID: String
    var subject: String
    var frameNumber: Int32
    var subFrame: Float
    var rate: (Int32, Int32)
    var values: [Float]

    static func == (a: Self, b: Self) -> Bool {
        a.version == b.version && a.deviceID == b.deviceID && a.subject == b.subject && a.frameNumber == b.frameNumber
            && a.subFrame == b.subFrame && a.rate == b.rate && a.values == b.values
    }

    init?(_ bytes: [UInt8]) {
        var i = 0
        func u32() -> UInt32? {
            guard i + 4 <= bytes.count else { return nil }
            defer { i += 4 }
            return UInt32(bytes[i]) << 24 | UInt32(bytes[i + 1]) << 16 | UInt32(bytes[i + 2]) << 8 | UInt32(bytes[i + 3])
        }
        func string() -> String? {
            guard let n = u32().map({ Int(Int32(bitPattern: $0)) }), n >= 0, i + n <= bytes.count else { return nil }
            defer { i += n }
            return String(decoding: bytes[i..<(i + n)], as: UTF8.self)
        }
        guard bytes.count > 1 else { return nil }
        version = bytes[0]
        i = 1
        guard let d = string(), let s = string(), let f = u32(), let sf = u32(), let num = u32(), let den = u32(), i < bytes.count else {
            return nil
        }
        deviceID = d
        subject = s
        frameNumber = Int32(bitPattern: f)
        subFrame = Float(bitPattern: sf)
        rate = (Int32(bitPattern: num), Int32(bitPattern: den))
        let count = Int(bytes[i])
        i += 1
        var values: [Float] = []
        for _ in 0..<count {
            guard let v = u32() else { return nil }
            values.append(Float(bitPattern: v))
        }
        guard i == bytes.count else { return nil }
        self.values = values
    }
}

@Suite struct LiveLinkFacePacketTests {
    static let device = "5B3F1D3C-8E55-4A2B-9C61-2F5D7E8A9B10"

    @Test func encodesVersion6WithValuesMappedByName() throws {
        let encoder = try LiveLinkFaceEncoder(deviceID: Self.device, subject: "Voxface")
        var model = [Float](repeating: 0, count: 68)
        for c in 0..<68 { model[c] = Float(c) }
        var packet: [UInt8] = []
        model.withUnsafeBufferPointer { encoder.encode(frameNumber: 1234, modelValues: $0, into: &packet) }
        #expect(packet.count == encoder.packetSize)
        let decoded = try #require(LiveLinkFaceDecoded(packet))
        #expect(decoded.version == 6 && decoded.deviceID == Self.device && decoded.subject == "Voxface")
        #expect(decoded.frameNumber == 1234 && decoded.subFrame == 0 && decoded.rate == (60, 1))
        #expect(decoded.values.count == 61)
        // Packet order is ARKit's: JawLeft (model 16) before JawRight (model 15), MouthLeft (22) before MouthRight (21).
        #expect(decoded.values[15] == 16 && decoded.values[16] == 15)
        #expect(decoded.values[21] == 22 && decoded.values[22] == 21)
        #expect(decoded.values[17] == 17 && decoded.values[60] == 60 && decoded.values[0] == 0)
        #expect(FaceChannels.liveLinkPacketOrder[15] == "JawLeft" && FaceChannels.liveLinkPacketOrder[22] == "MouthRight")
    }

    /// Size from the field table: version 1, two length-prefixed strings (4 + n each), frame 4,
    /// sub-frame 4, rate 8, count 1, values 61 x 4 = 270 + names. (The reference page's summary
    /// line says "67 + ..." for the fixed part; the field table it lists adds up to 26 + 244.)
    @Test func sizeFollowsTheFieldTable() throws {
        let encoder = try LiveLinkFaceEncoder(deviceID: Self.device, subject: "Anna")
        #expect(encoder.packetSize == 1 + (4 + 36) + (4 + 4) + 4 + 4 + 8 + 1 + 61 * 4)
    }

    @Test func refusesEmptyOrHugeNames() {
        #expect(throws: LiveLinkError.badSubject("")) { try LiveLinkFaceEncoder(deviceID: Self.device, subject: "") }
        let long = String(repeating: "x", count: 257)
        #expect(throws: LiveLinkError.badDeviceID(long)) { try LiveLinkFaceEncoder(deviceID: long, subject: "a") }
    }
}

@Suite struct LiveLinkFacePacketDecoderTests {
    /// VoxMedia's decoder reads what the encoder writes, agreeing with the independent test decoder.
    @Test func decodesTheEncodersPackets() throws {
        let encoder = try LiveLinkFaceEncoder(deviceID: LiveLinkFacePacketTests.device, subject: "voxload-s0-r1")
        var model = [Float](repeating: 0, count: 68)
        for c in 0..<68 { model[c] = Float(c) * 0.5 }
        var packet: [UInt8] = []
        model.withUnsafeBufferPointer { encoder.encode(frameNumber: 987_654, modelValues: $0, into: &packet) }
        let decoded = try #require(LiveLinkFacePacket(packet))
        let reference = try #require(LiveLinkFaceDecoded(packet))
        #expect(decoded.version == reference.version && decoded.deviceID == reference.deviceID && decoded.subject == reference.subject)
        #expect(decoded.frameNumber == 987_654 && decoded.subFrame == 0 && decoded.rate == (60, 1))
        #expect(decoded.values == reference.values)
    }

    /// Truncated, padded or lying packets are refused instead of read past their end.
    @Test func refusesMalformedDatagrams() throws {
        let encoder = try LiveLinkFaceEncoder(deviceID: LiveLinkFacePacketTests.device, subject: "s")
        let model = [Float](repeating: 0.25, count: 68)
        var packet: [UInt8] = []
        model.withUnsafeBufferPointer { encoder.encode(frameNumber: 1, modelValues: $0, into: &packet) }
        #expect(LiveLinkFacePacket(Array(packet.dropLast())) == nil)
        #expect(LiveLinkFacePacket(packet + [0]) == nil)
        #expect(LiveLinkFacePacket([6]) == nil)
        var hugeName = packet
        hugeName[1...4] = [0x7F, 0xFF, 0xFF, 0xFF]
        #expect(LiveLinkFacePacket(hugeName) == nil)
    }
}
