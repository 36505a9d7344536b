extension OfflineExtractor {
    /// Facts stated sentence by sentence ("I work at Acme", "Sam is my sister", "I oppose the motion to ...").
    ///
    /// "I" resolves to the context's user name (or "I" when there is none); known people resolve to their full names.
    public func relations(in text: String, context: ExtractionContext) -> [ExtractedRelation] {
        let analysis = analyse(text, context: context)
        var finder = RelationFinder(analysis: analysis, userName: context.userName ?? "I", regions: gazetteer.regions)
        finder.run()
        return finder.found
    }
}

/// Applies the relation triggers to each sentence of an analysed text.
struct RelationFinder {
    let tokens: [Token]
    let userName: String
    /// Mentions by first token; a proposal and a vote may share one.
    let mentionsAt: [Int: [Mention]]
    let regions: Set<String>
    var found: [ExtractedRelation] = []
    private var seen: Set<ExtractedRelation> = []

    /// Auxiliaries and adverbs allowed between a subject and an `adjacent` trigger.
    private static let fillers: Set<String> = [
        "really", "also", "strongly", "still", "always", "totally", "completely", "fully", "just", "would", "'d", "do", "does",
        "did", "will", "'ll", "am", "is", "are", "was", "'m", "definitely", "much", "very", "generally", "personally", "now",
        "currently", "actually", "both", "very", "firmly",
    ]
    private static let perfect: Set<String> = ["have", "has", "i've", "we've", "'ve", "she's", "he's"]
    /// How many words may separate a trigger from its object ("quit my job at Initech").
    private static let objectReach = 4
    /// Closer than this many words, a subject may stand before an `adjacent` trigger.
    private static let adjacentReach = 3

    /// Longer runs without sentence punctuation are cut, keeping the per-sentence work bounded.
    private static let longestSentence = 200
    private static let preferenceVerbs: Set<String> = ["prefer", "prefers", "like", "likes", "love", "loves", "enjoy", "enjoys"]

    init(analysis: Analysis, userName: String, regions: Set<String>) {
        tokens = analysis.tokens
        self.userName = userName
        self.regions = regions
        mentionsAt = Dictionary(grouping: analysis.mentions, by: \.first)
    }

    /// A possible subject or object: a mention, or the author's "I".
    struct Actor {
        var first: Int
        var end: Int
        var name: String
        var type: EntityType
    }

    mutating func run() {
        var start = 0
        while start < tokens.count {
            var end = start + 1
            while end < tokens.count, end - start < RelationFinder.longestSentence, !tokens[end].startsSentence { end += 1 }
            sentence(start..<end)
            start = end
        }
    }

    private mutating func sentence(_ range: Range<Int>) {
        var actors = [Actor]()
        for index in range {
            if Lexicon.firstPerson.contains(tokens[index].lower), tokens[index].lower != "me" {
                actors.append(Actor(first: index, end: index + 1, name: userName, type: .user))
            }
            for mention in mentionsAt[index, default: []] where mention.type != .vote {
                actors.append(Actor(first: mention.first, end: mention.end, name: mention.canonical, type: mention.type))
            }
        }
        for index in range {
            let lower = tokens[index].lower
            if lower == "my" { kinship(at: index, in: range, actors: actors) }
            if RelationFinder.preferenceVerbs.contains(lower) { preference(at: index, in: range, actors: actors) }
            if let next = actor(startingAt: index + 2, in: actors), tokens.indices.contains(index + 1), tokens[index + 1].text == ",",
                let place = actor(startingAt: index, in: actors), place.type == .place, place.end == index + 1, next.type == .place,
                regions.contains(Gazetteer.fold(next.name))
            {
                add(place, "LOCATED_IN", next, ended: false)
            }
            for trigger in RelationTrigger.byFirstWord[lower, default: []] where matches(trigger, at: index, in: range) {
                apply(trigger, at: index, in: range, actors: actors)
            }
        }
    }

    private func matches(_ trigger: RelationTrigger, at index: Int, in range: Range<Int>) -> Bool {
        guard index + trigger.words.count <= range.upperBound else { return false }
        for (offset, word) in trigger.words.enumerated() where tokens[index + offset].lower != word { return false }
        return true
    }

    private func actor(startingAt index: Int, in actors: [Actor]) -> Actor? {
        actors.filter { $0.first == index }.max { $0.end - $0.first < $1.end - $1.first }
    }

    private mutating func apply(_ trigger: RelationTrigger, at index: Int, in range: Range<Int>, actors: [Actor]) {
        let after = index + trigger.words.count
        if trigger.passive {
            guard let subject = object(after: after, in: range, types: RelationTrigger.people, actors: actors),
                let object = actors.last(where: { $0.end <= index && trigger.objects.contains($0.type) && $0.first >= range.lowerBound })
            else { return }
            add(subject, trigger.predicate, object, ended: false)
            return
        }
        guard let object = object(after: after, in: range, types: trigger.objects, actors: actors),
            let subject = actors.last(where: { $0.end <= index && trigger.subjects.contains($0.type) })
        else { return }
        if trigger.adjacent {
            guard index - subject.end <= RelationFinder.adjacentReach,
                tokens[subject.end..<index].allSatisfy({ RelationFinder.fillers.contains($0.lower) })
            else { return }
        }
        let between = tokens[subject.end..<index].map(\.lower)
        if between.contains(where: { Lexicon.negations.contains($0) }) && !between.contains("longer") { return }
        // Reported speech about someone else: "Layla said the Green Party will vote against ...".
        if let speech = between.firstIndex(where: { Lexicon.speechVerbs.contains($0) }),
            actors.contains(where: { $0.first > subject.end + speech && $0.end <= index && $0.type != .place })
        {
            return
        }
        let sentenceRest = tokens[index..<range.upperBound].map(\.lower)
        var ended = trigger.ended || between.contains(where: { Lexicon.endedMarkers.contains($0) }) || sentenceRest.contains("anymore")
        if let used = between.firstIndex(of: "used"), used + 1 < between.count, between[used + 1] == "to" { ended = true }
        if trigger.past && !between.contains(where: { RelationFinder.perfect.contains($0) })
            && !tokens[subject.first].lower.hasSuffix("'ve")
        {
            ended = true
        }
        let predicate = trigger.byObject[object.type] ?? trigger.bySubject[subject.type] ?? trigger.predicate
        for member in coordinated(with: subject, actors: actors) {
            add(member, predicate, object, ended: ended)
        }
    }

    /// The first actor of an allowed type within reach after a trigger; punctuation ends the search.
    private func object(after start: Int, in range: Range<Int>, types: Set<EntityType>, actors: [Actor]) -> Actor? {
        var index = start
        while index < min(range.upperBound, start + RelationFinder.objectReach + 1) {
            if let found = actors.filter({ $0.first == index && types.contains($0.type) }).max(by: { $0.end - $0.first < $1.end - $1.first }
            ) {
                return found
            }
            if !tokens[index].isWord { return nil }
            index += 1
        }
        return nil
    }

    /// The subject and the subjects joined to it by "and" or commas ("Kofi and I", "Amazon and Microsoft").
    private func coordinated(with subject: Actor, actors: [Actor]) -> [Actor] {
        var members = [subject]
        var current = subject
        while current.first >= 2, ["and", ","].contains(tokens[current.first - 1].lower),
            let previous = actors.last(where: { $0.end == current.first - 1 }),
            RelationTrigger.people.contains(previous.type) == RelationTrigger.people.contains(subject.type)
        {
            members.append(previous)
            current = previous
        }
        return members
    }

    /// "my sister Lena", "Sam is my manager", "Wei Zhang, my former manager": the user KNOWS (or is MARRIED_TO) them.
    private mutating func kinship(at index: Int, in range: Range<Int>, actors: [Actor]) {
        var word = index + 1
        while word < range.upperBound, Lexicon.relationAdjectives.contains(tokens[word].lower) { word += 1 }
        guard word < range.upperBound else { return }
        let relation = tokens[word].lower
        let predicate: String
        if Lexicon.spouses.contains(relation) {
            predicate = "MARRIED_TO"
        } else if Lexicon.kinship.contains(relation) {
            predicate = "KNOWS"
        } else {
            return
        }
        let user = Actor(first: index, end: index + 1, name: userName, type: .user)
        var next = word + 1
        if next < range.upperBound, tokens[next].text == "," { next += 1 }
        if let person = actors.first(where: { $0.first == next && $0.type == .person }) {
            add(user, predicate, person, ended: false)
            return
        }
        guard index > range.lowerBound, ["is", "was", ","].contains(tokens[index - 1].lower) else { return }
        if let person = actors.last(where: { $0.end <= index - 1 && $0.end >= index - 2 && $0.type == .person }) {
            add(user, predicate, person, ended: false)
        }
    }

    private mutating func add(_ subject: Actor, _ predicate: String, _ object: Actor, ended: Bool) {
        guard subject.name != object.name else { return }
        let relation = ExtractedRelation(
            subject: subject.name, subjectType: subject.type, predicate: predicate, object: object.name, objectType: object.type,
            ended: ended)
        if seen.insert(relation).inserted { found.append(relation) }
    }

    /// "I prefer trams to buses", "I like car-free Sundays": the object is a mention or, failing that, the words as written.
    private mutating func preference(at index: Int, in range: Range<Int>, actors: [Actor]) {
        guard let subject = actors.last(where: { $0.end <= index && RelationTrigger.people.contains($0.type) }),
            index - subject.end <= 2, tokens[subject.end..<index].allSatisfy({ RelationFinder.fillers.contains($0.lower) })
        else { return }
        var start = index + 1
        guard start < range.upperBound, tokens[start].lower != "to" else { return }
        while start < range.upperBound, Lexicon.determiners.contains(tokens[start].lower) { start += 1 }
        if let mention = actor(startingAt: start, in: actors), mention.type != .user {
            add(subject, "PREFERS", mention, ended: false)
            return
        }
        var end = start
        while end < min(range.upperBound, start + 4), tokens[end].isWord, !Lexicon.phraseBreakers.contains(tokens[end].lower) {
            end += 1
        }
        guard end > start else { return }
        let name = tokens[start..<end].map(\.text).joined(separator: " ")
        add(subject, "PREFERS", Actor(first: start, end: end, name: name, type: .policyTopic), ended: false)
    }
}
