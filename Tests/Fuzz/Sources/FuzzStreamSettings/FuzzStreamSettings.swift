import Foundation
import VoxModel
import VoxSettings

/// The body of `POST /v1/streams` as the server reads it: `JSONDecoder` into
/// `StreamSettingsPatch` (unknown fields and latency profiles refused), applied to the server's
/// defaults, validated against the model's window (the first byte picks the released or the
/// small configuration and the default schedule). A refusal is one line; accepted settings keep
/// every documented bound, give a playout delay at every input rate the server takes without a
/// trap, and come back unchanged from their own JSON (what `GET /v1/streams/{id}` shows).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStreamSettings(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let config = data[0] & 1 == 0 ? ModelConfig.released : ModelConfig.small
    let defaults = data[0] & 2 == 0 ? StreamSettings(hop: 4, lookahead: 1) : StreamSettings(hop: 96, lookahead: 32)
    let body = Data(bytes: data + 1, count: size - 1)
    let patch: StreamSettingsPatch
    do { patch = try JSONDecoder().decode(StreamSettingsPatch.self, from: body) } catch let error as SettingsError {
        precondition(
            !error.message.isEmpty && !error.message.contains("\n") && error.message.unicodeScalars.count <= 160,
            "refusal '\(error.message)'")
        return 0
    } catch { return 0 }
    let settings = patch.applied(to: defaults)
    do { try settings.validate(for: config) } catch {
        precondition(
            !error.message.isEmpty && !error.message.contains("\n") && error.message.unicodeScalars.count <= 160,
            "refusal '\(error.message)'")
        return 0
    }
    precondition(settings.hop >= 1 && settings.lookahead >= 0 && settings.hop + settings.lookahead <= config.frameSize)
    precondition(settings.windowPhase.map { (0..<settings.hop).contains($0) } ?? true)
    precondition((1...3600).contains(settings.idleTimeoutSeconds) && (1...3600).contains(settings.firstAudioTimeoutSeconds))
    precondition((settings.label?.utf8.count ?? 0) <= 128 && (settings.avatar?.utf8.count ?? 0) <= 64)
    for rate in [8_000, 16_000, 44_100, 48_000] {
        for allowances in [PlayoutAllowances.network, PlayoutAllowances(jitter: 0, compute: 0)] {
            let delay = settings.playoutDelay(inputRate: rate, allowances: allowances)
            precondition((0...10_000_000).contains(delay), "delay \(delay) us")
        }
    }
    guard let json = try? JSONEncoder().encode(settings), let back = try? JSONDecoder().decode(StreamSettingsPatch.self, from: json) else {
        preconditionFailure("accepted settings do not encode and decode")
    }
    precondition(back.applied(to: defaults) == settings, "settings do not round-trip through their JSON")
    return 0
}
