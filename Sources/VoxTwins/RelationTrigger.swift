/// A word sequence that signals a relation, and what may stand on either side of it.
struct RelationTrigger {
    var words: [String]
    var predicate: String
    var objects: Set<EntityType>
    var subjects: Set<EntityType> = RelationTrigger.people
    /// The trigger itself says the fact is over ("left", "quit").
    var ended = false
    /// Past tense: over unless a perfect auxiliary precedes ("lived in" but not "have lived in").
    var past = false
    /// The object comes first and the subject after ("led by").
    var passive = false
    /// The subject must be right before the trigger, with at most auxiliaries and adverbs between ("I back", "I'm against").
    var adjacent = false
    /// Predicates that replace `predicate` for particular object or subject types.
    var byObject: [EntityType: String] = [:]
    var bySubject: [EntityType: String] = [:]

    static let people: Set<EntityType> = [.person, .user]
    static let stances: Set<EntityType> = [.proposal, .policyTopic, .project]
    static let groups: Set<EntityType> = [.organisation, .project, .event]

    /// Every trigger, keyed by its first word.
    static let byFirstWord: [String: [RelationTrigger]] = Dictionary(grouping: all, by: { $0.words[0] })

    private static func phrases(_ joined: String) -> [[String]] {
        joined.split(separator: "|").map { $0.split(separator: " ").map(String.init) }
    }

    private static func make(
        _ joined: String, _ predicate: String, _ objects: Set<EntityType>, subjects: Set<EntityType> = people,
        ended: Bool = false, past: Bool = false, passive: Bool = false, adjacent: Bool = false,
        byObject: [EntityType: String] = [:], bySubject: [EntityType: String] = [:]
    ) -> [RelationTrigger] {
        phrases(joined).map {
            RelationTrigger(
                words: $0, predicate: predicate, objects: objects, subjects: subjects, ended: ended, past: past, passive: passive,
                adjacent: adjacent, byObject: byObject, bySubject: bySubject)
        }
    }

    private static let all: [RelationTrigger] =
        make(
            "work at|work for|works at|works for|working at|working for|job at|job with|teaches at|teach at|teaching at|"
                + "employed by|employed at|hired by|intern at|interning at|started at|engineer at|developer at|nurse at|"
                + "researcher at|lecturer at|professor at",
            "WORKS_AT", [.organisation])
        + make("worked at|worked for|taught at", "WORKS_AT", [.organisation], past: true)
        + make("joined", "WORKS_AT", [.organisation, .project], byObject: [.project: "MEMBER_OF"])
        + make(
            "left|quit|resigned from|laid off from|laid off by|previously at|formerly at|formerly with", "WORKS_AT",
            [.organisation, .place], ended: true, byObject: [.place: "LIVES_IN"])
        + make("live in|lives in|living in|moved to|moving to|relocated to|relocating to|resides in|settled in", "LIVES_IN", [.place])
        + make("lived in", "LIVES_IN", [.place], past: true)
        + make("moved away from|moved out of|moving away from", "LIVES_IN", [.place], ended: true)
        + make(
            "studied at|studies at|study at|studying at|graduated from|degree from|student at|alumna of|alumnus of|alumni of",
            "STUDIED_AT", [.organisation])
        + make("married to|married", "MARRIED_TO", [.person, .user])
        + make(
            "support|supports|in favour of|in favor of|favour|favor|favours|favors|endorse|endorses|vote for|voted for|"
                + "voting for|campaigning for",
            "SUPPORTS", stances)
        + make("back|backs", "SUPPORTS", stances, adjacent: true)
        + make(
            "oppose|opposes|opposed to|object to|objects to|reject|rejects|vote against|voted against|voting against|"
                + "campaigning against",
            "OPPOSES", stances)
        + make("against", "OPPOSES", stances, adjacent: true)
        + make("member of|members of|part of|volunteer with|volunteer at|volunteers with|volunteers at|belong to", "MEMBER_OF", groups)
        + make("on", "MEMBER_OF", [.project, .organisation], adjacent: true)
        + make(
            "leads|lead|leading|heads|runs|manages|chairs|coordinates|founded|director of|head of|ceo of|founder of|chair of|"
                + "lead of|leader of|in charge of|lead on|coordinator of",
            "LEADS", [.project, .organisation, .event, .proposal])
        + make(
            "led by|run by|headed by|managed by|founded by|chaired by|coordinated by", "LEADS",
            [.project, .organisation, .event, .proposal], passive: true)
        + make(
            "based in|located in|headquartered in", "LOCATED_IN", [.place], subjects: [.organisation, .event, .project, .person, .user],
            bySubject: [.person: "LIVES_IN", .user: "LIVES_IN"])
        + make(
            "is in|are in|has an office in|have offices in|has offices in|opened an office in|office in|offices in", "LOCATED_IN",
            [.place], subjects: [.organisation, .event, .project])
        + make(
            "attend|attends|attending|attended|going to|go to|coming to|heading to|headed to|registered for|signed up for|"
                + "speaking at|presenting at|be at|flying to",
            "ATTENDS", [.event])
}
