import Foundation
import VoxMedia

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The body of `POST /v1/streams/{id}/livelink`: where to send a stream's Live Link Face packets.
/// `{"host": "192.168.1.20", "port": 11111, "subject": "Voxface"}`; `port` and `subject` are
/// optional, unknown fields are refused. Plain logic over the body's bytes: the server answers a
/// ``SettingsError`` as 400 `bad_target` and only resolves the checked address into a socket
/// address.
public struct LiveLinkTargetSpec: Sendable, Equatable {
    /// The host as given (`localhost` or an IP literal).
    public var host: String
    /// The numeric address to send to (`localhost` is 127.0.0.1).
    public var address: String
    /// The UDP port, 1...65535.
    public var port: Int
    /// The Live Link subject name, 1 to 256 UTF-8 bytes.
    public var subject: String
    /// Whether `address` is an IPv6 address.
    public var isV6: Bool

    /// Unreal's Live Link Face receiver port.
    public static let defaultPort = 11111
    /// The subject when none is given.
    public static let defaultSubject = "Voxface"
    /// Longest host text read (a hostname would be refused anyway; IPv6 literals are at most 45).
    public static let maxHostBytes = 255

    /// Reads and checks a body.
    public static func parse(_ body: [UInt8]) throws(SettingsError) -> LiveLinkTargetSpec {
        let fields: Fields
        do { fields = try JSONDecoder().decode(Fields.self, from: Data(body)) } catch let error as SettingsError { throw error } catch {
            throw SettingsError("the body must be a JSON object {\"host\": IP, \"port\": 1...65535, \"subject\": NAME}")
        }
        guard let host = fields.host else { throw SettingsError("host is required (an IP address or localhost)") }
        let port = fields.port ?? defaultPort
        guard (1...65535).contains(port) else { throw SettingsError("port must be 1...65535") }
        let subject = fields.subject ?? defaultSubject
        guard (1...LiveLinkFaceEncoder.maxNameBytes).contains(subject.utf8.count) else {
            throw SettingsError("subject must be 1 to \(LiveLinkFaceEncoder.maxNameBytes) UTF-8 bytes")
        }
        let address = host == "localhost" ? "127.0.0.1" : host
        guard host.utf8.count <= maxHostBytes, let family = ipFamily(address) else {
            throw SettingsError("host must be an IP address or localhost")
        }
        return LiveLinkTargetSpec(host: host, address: address, port: port, subject: subject, isV6: family == .v6)
    }

    enum Family { case v4, v6 }

    /// The family of a numeric IPv4 (dotted quad) or IPv6 address, nil for anything else.
    static func ipFamily(_ text: String) -> Family? {
        guard !text.utf8.contains(0) else { return nil }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return .v4 }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return .v6 }
        return nil
    }

    private struct Fields: Decodable {
        var host: String?
        var port: Int?
        var subject: String?

        enum CodingKeys: String, CodingKey, CaseIterable { case host, port, subject }

        init(from decoder: any Decoder) throws {
            for key in try decoder.container(keyedBy: AnyCodingKey.self).allKeys where CodingKeys(rawValue: key.stringValue) == nil {
                throw SettingsError("unknown field '\(StreamSettingsPatch.printable(key.stringValue))' (host, port, subject)")
            }
            let c = try decoder.container(keyedBy: CodingKeys.self)
            func field<T: Decodable>(_ type: T.Type, _ key: CodingKeys, _ what: String) throws -> T? {
                do { return try c.decodeIfPresent(type, forKey: key) } catch { throw SettingsError("\(key.rawValue) must be \(what)") }
            }
            host = try field(String.self, .host, "a string (an IP address or localhost)")
            port = try field(Int.self, .port, "an integer 1...65535")
            subject = try field(String.self, .subject, "a string")
        }
    }
}
