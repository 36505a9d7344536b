import Foundation
import VoxMedia
import VoxSettings

/// The body of `POST /v1/streams/{id}/livelink` as the server reads it
/// (`LiveLinkTargetSpec.parse`). A refusal is one short line; an accepted target has a port in
/// 1...65535, a numeric address that `inet_pton` reads in the family it claims, and a subject
/// the Live Link encoder takes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLiveLinkTarget(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let body = Array(UnsafeBufferPointer(start: data, count: size))
    let spec: LiveLinkTargetSpec
    do { spec = try LiveLinkTargetSpec.parse(body) } catch {
        precondition(
            !error.message.isEmpty && !error.message.contains("\n") && error.message.unicodeScalars.count <= 160,
            "refusal '\(error.message)'")
        return 0
    }
    precondition((1...65535).contains(spec.port), "port \(spec.port)")
    precondition(!spec.address.utf8.contains(0) && spec.address.utf8.count <= 45, "address '\(spec.address)'")
    var v4 = in_addr()
    var v6 = in6_addr()
    let family = spec.isV6 ? inet_pton(AF_INET6, spec.address, &v6) : inet_pton(AF_INET, spec.address, &v4)
    precondition(family == 1, "address '\(spec.address)' is not \(spec.isV6 ? "IPv6" : "IPv4")")
    precondition((try? LiveLinkFaceEncoder(deviceID: "fuzz", subject: spec.subject)) != nil, "subject refused by the encoder")
    return 0
}
