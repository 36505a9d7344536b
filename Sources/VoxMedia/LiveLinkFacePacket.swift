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
        precondition(modelValues.count >= Self.valueCount, "a Live Link frame needs 61 values")
        if packet.count != packetSize { packet = [UInt8](repeating: 0, count: packetSize) }
        packet.withUnsafeMutableBytes { raw in
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
        case .badSubject(let s): "Live Link subject '\(s)' must be 1 to 256 UTF-8 bytes"
        case .badDeviceID(let d): "Live Link device id '\(d)' must be 1 to 256 UTF-8 bytes"
        }
    }
}
