/// The life process of an avatar (VIVA's state machine). Every transition is published on
/// `avatars/{id}/state`.
public enum LifeState: String, Sendable, Codable, CaseIterable {
    /// Nothing in particular; the hub every other state returns to.
    case idle = "Idle"
    /// Mulling something over (restores curiosity a little).
    case thinking = "Thinking"
    /// Looking for company; two socialising avatars may meet.
    case socializing = "Socializing"
    /// Talking with another avatar.
    case inConversation = "InConversation"
    /// Going over a conversation or the day.
    case reflecting = "Reflecting"
    /// Writing a memory of what happened (restores creativity).
    case creatingMemory = "CreatingMemory"
    /// Discovering something new (restores curiosity).
    case exploring = "Exploring"
    /// Just found a romantic match.
    case matchDiscovered = "MatchDiscovered"
    /// Asleep (restores rest and energy).
    case sleeping = "Sleeping"
}

/// The transition rules, pure: the next state of an avatar that has been `minutes` in `state`.
enum LifeProcess {
    /// Least world minutes in each state before it may change.
    static func minimumMinutes(_ state: LifeState) -> Double {
        switch state {
        case .idle: 5
        case .thinking: 10
        case .socializing: 1
        case .inConversation: 5
        case .reflecting: 15
        case .creatingMemory: 10
        case .exploring: 30
        case .matchDiscovered: 10
        case .sleeping: 240
        }
    }

    /// The next state, or nil to stay. `conversationOver` says a conversation's length is reached;
    /// `matched` that the conversation ended in a romantic match. `roll` is uniform in 0..<1.
    static func next(
        _ state: LifeState, minutes: Double, needs: Needs, personality: Personality, conversationOver: Bool, matched: Bool,
        roll: Double
    ) -> LifeState? {
        guard minutes >= minimumMinutes(state) else { return nil }
        switch state {
        case .sleeping:
            return needs.rest >= 0.95 && needs.energy >= 0.8 ? .idle : nil
        case .inConversation:
            guard conversationOver else { return nil }
            return matched ? .matchDiscovered : .reflecting
        case .matchDiscovered:
            return .reflecting
        case .reflecting:
            return roll < 0.25 + 0.5 * personality.openness ? .creatingMemory : .idle
        case .creatingMemory:
            return .idle
        case .exploring:
            return minutes >= 30 + 30 * personality.conscientiousness || needs.curiosity > 0.95 ? (roll < 0.4 ? .thinking : .idle) : nil
        case .thinking:
            return roll < 0.3 * personality.openness + 0.1 ? .reflecting : .idle
        case .socializing:
            // Unmatched for half an hour, or satisfied: give up.
            return minutes >= 30 || needs.social > 0.97 ? .idle : nil
        case .idle:
            if needs.rest < 0.25 || needs.energy < 0.12 { return .sleeping }
            let social = (1 - needs.social) * (0.7 + 0.6 * personality.extraversion)
            let curiosity = (1 - needs.curiosity) * (0.7 + 0.6 * personality.openness)
            let creativity = (1 - needs.creativity) * (0.6 + 0.6 * personality.openness)
            let strongest = max(social, curiosity, creativity)
            if strongest > 0.4 && roll < 0.6 {
                if strongest == social { return .socializing }
                return strongest == curiosity ? .exploring : .creatingMemory
            }
            // Now and then something else; mostly stay idle a while longer.
            if roll > 0.93 { return .thinking }
            return nil
        }
    }
}
