import HTTPTypes

/// Which requests need a key, and which roles may make them (Protocols/openapi.yaml,
/// "Who may do what"). Plain logic over the method and path; ownership of avatars and profiles
/// is checked by their routes, which know the owners.
enum AccessPolicy {
    /// What a request needs.
    enum Need: Equatable {
        /// Nothing: the app's pages and files, `/health`, a stream's audio WebSocket (its own
        /// per-stream token).
        case open
        /// A key of one of these roles (`user` stands for any user).
        case key(Set<Role>)
        /// A key of the stream roles, or the stream's own token (`?token=`) for its frames.
        case keyOrStreamToken(stream: String)
    }

    /// Roles without their user names.
    enum Role: Hashable {
        case admin, client, user
    }

    static let streams: Set<Role> = [.admin, .client, .user]
    static let anyKey: Set<Role> = [.admin, .client, .user]
    static let owners: Set<Role> = [.admin, .user]
    static let adminOnly: Set<Role> = [.admin]

    /// What `method path` needs.
    static func need(_ method: HTTPRequest.Method, _ path: String) -> Need {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        let isRead = method == .get || method == .head
        switch parts.first {
        case nil, "avatars", "space", "app": return isRead ? .open : .key(anyKey)
        case "health": return .open
        case "metrics": return .key([.admin, .client])
        case "audio_to_blendshapes": return .key(streams)
        case "v1": break
        default: return .key(anyKey)
        }
        guard parts.count >= 2 else { return .key(anyKey) }
        switch parts[1] {
        case "streams":
            if parts.count == 4 && parts[3] == "audio" { return .open }
            if parts.count == 4 && parts[3] == "frames" { return .keyOrStreamToken(stream: parts[2]) }
            return .key(streams)
        case "avatars", "profiles", "twins", "projects", "proposals": return .key(owners)
        case "world": return isRead ? .key(anyKey) : .key(adminOnly)
        case "space": return parts.count == 2 && isRead ? .key(anyKey) : .key(adminOnly)
        case "rooms", "events": return .key(anyKey)
        default: return .key(anyKey)
        }
    }

    /// The role of a principal.
    static func role(_ p: Principal) -> Role {
        switch p {
        case .admin: .admin
        case .client: .client
        case .user: .user
        }
    }
}
