/// The graph's entity types.
public enum EntityType: String, Sendable, CaseIterable, Codable {
    /// The person whose footprint is being ingested.
    case user
    /// The user's digital twin.
    case digitalTwin = "digital_twin"
    /// Any other named person.
    case person
    /// A company, institution, public body, club or other named group.
    case organisation
    /// A city, country, region, street or named venue.
    case place
    /// A named project or initiative.
    case project
    /// A civic proposal or motion.
    case proposal
    /// A vote, named after what is voted on.
    case vote
    /// A policy area such as housing or public transport.
    case policyTopic = "policy_topic"
    /// A named document or file.
    case document
    /// A named event: conference, meetup, festival and the like.
    case event
}
