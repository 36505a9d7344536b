import Foundation
import FuzzSupport
import VoxAvatars
import VoxMatch

/// The services' JSON request bodies as the server reads them (`JSONDecoder` into the services'
/// input types, then `apply(to:)`, which validates): the first byte picks the body, the rest is
/// the JSON. `POST/PATCH /v1/avatars` (`AvatarInput`), `PATCH /v1/world` (`WorldPatch`) and
/// `POST/PATCH /v1/profiles` (`ProfileInput`). An accepted profile keeps every documented bound,
/// and applying the same input to it again changes nothing.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequestBodies(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let body = Data(bytes: data + 1, count: size - 1)
    switch data[0] % 3 {
    case 0:
        guard let input = try? JSONDecoder().decode(AvatarInput.self, from: body),
            let profile = try? input.apply(to: AvatarProfile(name: ""))
        else { return 0 }
        precondition(profile.name.count <= AvatarProfile.maxName && profile.bio.count <= AvatarProfile.maxBio)
        precondition(profile.interests.count <= AvatarProfile.maxInterests)
        precondition(profile.interests.allSatisfy { $0.count <= AvatarProfile.maxInterest })
        precondition(profile.owner.count <= AvatarProfile.maxOwner)
        let traits = [
            profile.personality.openness, profile.personality.conscientiousness, profile.personality.extraversion,
            profile.personality.agreeableness, profile.personality.neuroticism,
        ]
        precondition(traits.allSatisfy { (0...1).contains($0) }, "traits \(traits)")
        precondition((try? input.apply(to: profile)) == profile, "applying an avatar input twice")
    case 1:
        _ = try? JSONDecoder().decode(WorldPatch.self, from: body)
    default:
        guard let input = try? JSONDecoder().decode(ProfileInput.self, from: body),
            let profile = try? input.apply(to: MatchProfile(id: "p", name: ""))
        else { return 0 }
        precondition(profile.name.count <= MatchProfile.maxName && profile.cvText.count <= MatchProfile.maxCV)
        precondition(profile.transcript.count <= MatchProfile.maxTranscript)
        precondition(profile.interests.count <= MatchProfile.maxInterests)
        precondition(profile.interests.allSatisfy { $0.count <= MatchProfile.maxInterest })
        precondition(profile.owner.count <= MatchProfile.maxOwner)
        precondition((try? input.apply(to: profile)) == profile, "applying a profile input twice")
    }
    return 0
}
