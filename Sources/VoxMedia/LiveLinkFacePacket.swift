import VoxCore

/// Encodes Live Link Face UDP packets, version 6, as Unreal's Apple ARKit face receiver parses
/// them (../shared/reference/livelink-face.md): big-endian; version byte 6, device id and subject
/// as int32 length + UTF-8, frame number int32, sub-frame float32, frame rate int32/int32,
/// count byte 61, 61 float32 values in the packet's (ARKit) order.
///
/// The device id and subject are encoded once; `encode` writes into a buffer allocated at init,
/// so a frame costs no allocation. Values arrive in the model's order and are mapped by name.
public struct LiveLinkFaceEncoder: Sendable {
    /// The packet version written.
    public static let version: UInt8 = 6
    /// Values per packet.
    public static let valueCount = 61
    /// Longest device id or subject accepted, in UTF-8 bytes.
    public static let maxNameBytes = 256

    private let prefix: [UInt8]
    /// Frame rate numerator and denominator written in every packet.
    public let frameRate: (numerator: Int32, denominator: Int32)
    /// Bytes per packet.
    public var packetSize: Int { prefix.count + 4 + 4 + 8 + 1 + 4 * Self.valueCount }

    /// An encoder for one (device, subject) pair.
    public init(deviceID: String, subject: String, frameRate: (numerator: Int32, denominator: Int32) = (60, 1)) throws(LiveLinkError) {
        let device = Array(deviceID.utf8)
        let name = Array(subject.utf8)
        guard !name.isEmpty, name.count <= Self.maxNameBytes else { throw .badSubject(subject) }
        guard !device.isEmpty, device.count <= Self.maxNameBytes else { throw .badDeviceID(deviceID) }
        var prefix: [UInt8] = [Self.version]
        Self.append(Int32(device.count), to: &prefix)
        prefix += device
        Self.append(Int32(name.count), to: &prefix)
        prefix += name
        self.prefix = prefix
        self.frameRate = frameRate
    }

    /// Writes one packet for `frameNumber` into `packet` (resized once to `packetSize`), taking the
    /// 61 shape and rotation values from `modelValues` (model order, at least 61 values).
    public func encode(frameNumber: Int32, subFrame: Float = 0, modelValues: UnsafeBufferPointer<Float>, into packet: inout [UInt8]) {
        if packet.count != packetSize { packet = [UInt8](repeating: 0, count: packetSize) }
        packet.withUnsafeMutableBytes { encode(frameNumber: frameNumber, subFrame: subFrame, modelValues: modelValues, into: $0) }
    }

    /// Writes one packet for `frameNumber` at the start of `raw` (at least `packetSize` bytes), as
    /// ``encode(frameNumber:subFrame:modelValues:into:)-([UInt8])`` does; for senders that pack a
    /// frame's packets for many targets into one buffer.
    public func encode(
        frameNumber: Int32, subFrame: Float = 0, modelValues: UnsafeBufferPointer<Float>, into raw: UnsafeMutableRawBufferPointer
    ) {
        precondition(modelValues.count >= Self.valueCount, "a Live Link frame needs 61 values")
        precondition(raw.count >= packetSize, "a Live Link packet needs \(packetSize) bytes")
        var offset = 0
        for byte in prefix {
            raw[offset] = byte
            offset += 1
        }
        func put(_ bits: UInt32) {
            raw.storeBytes(of: bits.bigEndian, toByteOffset: offset, as: UInt32.self)
            offset += 4
        }
        put(UInt32(bitPattern: frameNumber))
        put(subFrame.bitPattern)
        put(UInt32(bitPattern: frameRate.numerator))
        put(UInt32(bitPattern: frameRate.denominator))
        raw[offset] = UInt8(Self.valueCount)
        offset += 1
        for slot in 0..<Self.valueCount {
            put(modelValues[FaceChannels.modelColumnForLiveLinkSlot[slot]].bitPattern)
        }
    }

    private static func append(_ value: Int32, to bytes: inout [UInt8]) {
        let bits = UInt32(bitPattern: value)
        bytes += [UInt8(bits >> 24), UInt8((bits >> 16) & 0xFF), UInt8((bits >> 8) & 0xFF), UInt8(bits & 0xFF)]
    }
}

/// Why a Live Link target cannot be set up.
public enum LiveLinkError: Error, Equatable, CustomStringConvertible {
    /// The subject name is empty or longer than 256 UTF-8 bytes.
    case badSubject(String)
    /// The device id is empty or longer than 256 UTF-8 bytes.
    case badDeviceID(String)

    /// One line for the API and logs.
    public var description: String {
        switch self {
        case .badSubject(let s): "Live Link subject '\(Self.shown(s))' must be 1 to 256 UTF-8 bytes"
        case .badDeviceID(let d): "Live Link device id '\(Self.shown(d))' must be 1 to 256 UTF-8 bytes"
        }
    }

    /// A name fit for one short line: its first 32 characters, control characters escaped.
    static func shown(_ name: String) -> String {
        let head = name.unicodeScalars.prefix(32).map { $0.properties.generalCategory == .control ? $0.escaped(asASCII: true) : String($0) }
        return head.joined() + (name.unicodeScalars.count > 32 ? "..." : "")
    }
}

/// A Live Link Face packet (version 6 layout, ../shared/reference/livelink-face.md) decoded from a
/// datagram: what a receiver such as Unreal, or the load tool `voxload`, reads.
public struct LiveLinkFacePacket: Sendable, Equatable {
    /// Packet version (Voxface writes 6).
    public var version: UInt8
    /// The sender's device id.
    public var deviceID: String
    /// The subject name.
    public var subject: String
    /// Frame number (Voxface: the frame's index on the stream's audio timeline).
    public var frameNumber: Int32
    /// Sub-frame position.
    public var subFrame: Float
    /// Frame rate numerator.
    public var frameRateNumerator: Int32
    /// Frame rate denominator.
    public var frameRateDenominator: Int32
    /// The values, in packet (ARKit) order.
    public var values: [Float]

    /// The frame rate as (numerator, denominator).
    public var rate: (Int32, Int32) { (frameRateNumerator, frameRateDenominator) }

    /// Decodes a datagram; nil unless it is exactly one well-formed packet (names of at most 256
    /// bytes, the value count's values, nothing after them).
    public init?(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        func u32() -> UInt32? {
            guard offset + 4 <= bytes.count else { return nil }
            defer { offset += 4 }
            return UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8
                | UInt32(bytes[offset + 3])
        }
        func string() -> String? {
            guard let n = u32().map({ Int(Int32(bitPattern: $0)) }), n >= 0, n <= LiveLinkFaceEncoder.maxNameBytes,
                offset + n <= bytes.count
            else { return nil }
            defer { offset += n }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + n]), as: UTF8.self)
        }
        guard bytes.count > 1 else { return nil }
        version = bytes[0]
        offset = 1
        guard let device = string(), let name = string(), let frame = u32(), let sub = u32(), let numerator = u32(),
            let denominator = u32(), offset < bytes.count
        else { return nil }
        let count = Int(bytes[offset])
        offset += 1
        guard bytes.count - offset == 4 * count else { return nil }
        var values = [Float](repeating: 0, count: count)
        for i in 0..<count { values[i] = Float(bitPattern: u32() ?? 0) }
        deviceID = device
        subject = name
        frameNumber = Int32(bitPattern: frame)
        subFrame = Float(bitPattern: sub)
        frameRateNumerator = Int32(bitPattern: numerator)
        frameRateDenominator = Int32(bitPattern: denominator)
        self.values = values
    }

    /// Decodes a datagram held in an array.
    public init?(_ bytes: [UInt8]) {
        guard let packet = bytes.withUnsafeBytes({ LiveLinkFacePacket($0) }) else { return nil }
        self = packet
    }
}
