/// One pass of entity rules over a tokenised text. Each `find` method is linear in the number of tokens.
struct Scan {
    let tokens: [Token]
    let utf8: [UInt8]
    let gazetteer: Gazetteer
    let people: People
    var candidates: [Mention] = []

    init(tokens: [Token], text: String, gazetteer: Gazetteer, people: People) {
        self.tokens = tokens
        self.utf8 = Array(text.utf8)
        self.gazetteer = gazetteer
        self.people = people
    }

    /// Quoted titles aren't capped by sentence rules but must close within this many tokens.
    private static let longestTitle = 30
    /// Proposal and vote phrases stop after this many words.
    static let longestPhrase = 12

    func mention(_ first: Int, _ end: Int, _ type: EntityType, rank: Int, canonical: String? = nil) -> Mention {
        let bytes = tokens[first].start..<tokens[end - 1].end
        let name = String(decoding: utf8[bytes], as: UTF8.self)
        return Mention(first: first, end: end, type: type, name: name, bytes: bytes, canonical: canonical ?? name, rank: rank)
    }

    func word(_ index: Int) -> Token? {
        index >= 0 && index < tokens.count && tokens[index].isWord ? tokens[index] : nil
    }

    // MARK: Documents

    mutating func findDocuments() {
        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            if token.isWord, let dot = token.lower.lastIndex(of: "."),
                Lexicon.documentExtensions.contains(String(token.lower[token.lower.index(after: dot)...]))
            {
                candidates.append(mention(index, index + 1, .document, rank: 5))
            } else if token.text == "\"" || token.text == "\u{201C}", introducesTitle(before: index),
                let close = closingQuote(after: index), close > index + 1
            {
                candidates.append(mention(index + 1, close, .document, rank: 5))
                index = close
            }
            index += 1
        }
    }

    private func introducesTitle(before quote: Int) -> Bool {
        var index = quote - 1
        var skipped = 0
        while index >= 0, skipped <= 3 {
            let lower = tokens[index].lower
            if Lexicon.documentNouns.contains(lower) { return true }
            guard ["titled", "called", "named", "entitled", ":", ",", "the", "new", "our", "my", "draft"].contains(lower) else {
                return false
            }
            index -= 1
            skipped += 1
        }
        return false
    }

    private func closingQuote(after open: Int) -> Int? {
        var index = open + 1
        while index < tokens.count, index <= open + Scan.longestTitle {
            if tokens[index].text == "\"" || tokens[index].text == "\u{201D}" { return index }
            if tokens[index].text == "\n" { return nil }
            index += 1
        }
        return nil
    }

    // MARK: Digital twin

    mutating func findTwins() {
        for index in tokens.indices where tokens[index].lower == "twin" || tokens[index].lower == "twins" {
            if word(index - 1)?.lower == "digital" {
                candidates.append(mention(index - 1, index + 1, .digitalTwin, rank: 4))
            } else if word(index - 1)?.lower == "my" {
                candidates.append(mention(index - 1, index + 1, .digitalTwin, rank: 4))
            }
        }
    }

    // MARK: Policy topics

    mutating func findTopics() {
        var index = 0
        while index < tokens.count {
            guard tokens[index].isWord, gazetteer.topicFirstWords.contains(tokens[index].lower) else {
                index += 1
                continue
            }
            var matched = 0
            var phrase = ""
            var length = 0
            while length < gazetteer.longestTopic, let next = word(index + length),
                length == 0 || !next.startsSentence
            {
                phrase += (length == 0 ? "" : " ") + next.lower
                length += 1
                if gazetteer.policyTopics.contains(phrase) { matched = length }
            }
            if matched > 0 {
                candidates.append(mention(index, index + matched, .policyTopic, rank: 1))
                index += matched
            } else {
                index += 1
            }
        }
    }

    // MARK: Capitalised names

    mutating func findCapitalisedNames() {
        var index = 0
        while index < tokens.count {
            guard tokens[index].isWord, tokens[index].isCapitalised else {
                index += 1
                continue
            }
            var end = index + 1
            while end < tokens.count, !tokens[end].startsSentence, tokens[end].isWord {
                let token = tokens[end]
                if token.isCapitalised {
                    end += 1
                } else if let next = word(end + 1), next.isCapitalised, !next.startsSentence,
                    Lexicon.nameConnectors.contains(token.lower)
                        || (token.lower == "for" && Lexicon.organisationSuffixes.contains(tokens[end - 1].lower))
                        || (token.lower == "in" && Lexicon.academicHeads.contains(tokens[end - 1].lower))
                {
                    end += 2
                } else {
                    break
                }
            }
            classifySpan(index, end)
            index = end
        }
    }

    /// Splits a capitalised span at stop words, strips clause-initial common words, and classifies what is left.
    private mutating func classifySpan(_ first: Int, _ end: Int) {
        var start = first
        for index in first...end where index == end || Lexicon.alwaysStop.contains(tokens[index].lower) {
            if start < index { classifySegment(start, index) }
            start = index + 1
        }
    }

    private mutating func classifySegment(_ first: Int, _ end: Int) {
        var first = first
        var end = end
        // Connectors cannot open or close a name.
        while first < end, !tokens[first].isCapitalised { first += 1 }
        while end > first, !tokens[end - 1].isCapitalised { end -= 1 }
        guard first < end else { return }
        // "The Water Board" is the Water Board, but "The Hague" keeps its article.
        if end - first >= 2, tokens[first].lower == "the", !inGazetteer(first, end) {
            classifySegment(first + 1, end)
            return
        }
        if let match = strongMatch(first, end) {
            candidates.append(match)
            return
        }
        // A clause-initial common word ("Met", "Lunch", "Happy") is not part of the name that follows.
        if tokens[first].startsClause, Lexicon.common.contains(tokens[first].lower) {
            if first + 1 < end { classifySegment(first + 1, end) }
            return
        }
        if let match = weakMatch(first, end) { candidates.append(match) }
    }

    /// Rules that hold wherever the span appears: names the caller gave, gazetteers, suffixes, titles.
    private func strongMatch(_ first: Int, _ end: Int) -> Mention? {
        let words = tokens[first..<end].map(\.lower)
        let phrase = words.joined(separator: " ")
        let count = end - first
        let next = end < tokens.count && !tokens[end].startsSentence ? tokens[end] : nil

        if people.userKeys.contains(phrase) {
            return mention(first, end, .user, rank: 3, canonical: people.userName)
        }
        if let person = people.known[phrase] {
            return mention(first, end, .person, rank: 3, canonical: person)
        }
        if count >= 2, words[0] == "project" {
            return mention(first, end, .project, rank: 3)
        }
        if let next, next.isWord, !next.isCapitalised, Lexicon.projectNouns.contains(next.lower) {
            return mention(first, end, .project, rank: 3)
        }
        if let next, next.isWord, !next.isCapitalised, Lexicon.trailingEventNouns.contains(next.lower) {
            return mention(first, end + 1, .event, rank: 3)
        }
        if count >= 2, let last = words.last, Lexicon.eventNouns.contains(last) {
            return mention(first, end, .event, rank: 3)
        }
        if followsHonorific(first) {
            return mention(first, end, .person, rank: 3)
        }
        // A given name that is also a place ("Sofia", "Victoria") is a person unless a place preposition precedes it.
        if count == 1, gazetteer.givenNames.contains(phrase), gazetteer.places.contains(phrase),
            first == 0 || !Lexicon.placePrepositions.contains(tokens[first - 1].lower)
        {
            return mention(first, end, .person, rank: 3)
        }
        if gazetteer.organisations.contains(phrase) {
            return mention(first, end, .organisation, rank: 3)
        }
        if gazetteer.places.contains(phrase) {
            return mention(first, end, .place, rank: 3)
        }
        if count >= 2, let last = words.last, Lexicon.organisationSuffixes.contains(last) {
            return mention(first, end, .organisation, rank: 3)
        }
        // "University of Michigan", "Institute for Fiscal Studies", "American University in Cairo".
        for offset in 0..<max(0, count - 2) where Lexicon.organisationSuffixes.contains(words[offset]) {
            if ["of", "for", "in"].contains(words[offset + 1]) { return mention(first, end, .organisation, rank: 3) }
        }
        // "Norwegian Red Cross": a well-known organisation with a qualifier in front.
        for offset in 1..<count where gazetteer.organisations.contains(words[offset...].joined(separator: " ")) {
            if count - offset >= 2 { return mention(first, end, .organisation, rank: 3) }
        }
        if count <= 3, gazetteer.givenNames.contains(words[0]), !Lexicon.common.contains(words[0]) {
            return mention(first, end, .person, rank: 3)
        }
        if count == 2,
            gazetteer.surnames.contains(words[1]) || gazetteer.surnames.contains(words[0]) && gazetteer.givenNames.contains(words[1]),
            !Lexicon.common.contains(words[0])
        {
            return mention(first, end, .person, rank: 3)
        }
        if count >= 2, let last = words.last, Lexicon.placeSuffixes.contains(last) {
            return mention(first, end, .place, rank: 3)
        }
        return nil
    }

    /// Rules that need the surrounding words, and only for spans that are not all common words.
    private func weakMatch(_ first: Int, _ end: Int) -> Mention? {
        let count = end - first
        if tokens[first..<end].allSatisfy({ Lexicon.common.contains($0.lower) }) { return nil }
        // Look back past an article: "works for the Red Cross".
        var back = first - 1
        if back > 0, !tokens[first].startsSentence, ["the", "a", "an"].contains(tokens[back].lower) { back -= 1 }
        let previous = back >= 0 && !tokens[first].startsSentence ? word(back) : nil
        let beforePrevious = back > 0 ? word(back - 1) : nil
        if count <= 3, let next = word(end), Lexicon.speechVerbs.contains(next.lower) {
            return mention(first, end, .person, rank: 2)
        }
        if (2...3).contains(count), let previous, Lexicon.personCues.contains(previous.lower) {
            return mention(first, end, .person, rank: 2)
        }
        if let previous {
            if ["joined", "left", "quit"].contains(previous.lower) {
                return mention(first, end, .organisation, rank: 2)
            }
            if ["at", "for", "from", "by"].contains(previous.lower), let verb = beforePrevious,
                Scan.workAndStudyWords.contains(verb.lower)
            {
                return mention(first, end, .organisation, rank: 2)
            }
            if Lexicon.placePrepositions.contains(previous.lower) {
                return mention(first, end, .place, rank: 2)
            }
        }
        return nil
    }

    static let workAndStudyWords: Set<String> = [
        "work", "works", "working", "worked", "job", "intern", "interning", "employed", "hired", "teach", "teaches",
        "teaching", "taught", "volunteer", "volunteers", "volunteering", "studied", "studies", "study", "studying",
        "graduated", "degree", "resigned", "started", "position", "role", "engineer", "student", "professor",
    ]

    private func inGazetteer(_ first: Int, _ end: Int) -> Bool {
        let phrase = tokens[first..<end].map(\.lower).joined(separator: " ")
        return gazetteer.places.contains(phrase) || gazetteer.organisations.contains(phrase)
    }

    private func followsHonorific(_ first: Int) -> Bool {
        guard first > 0 else { return false }
        if Lexicon.honorifics.contains(tokens[first - 1].lower) { return true }
        return tokens[first - 1].text == "." && first > 1 && Lexicon.honorifics.contains(tokens[first - 2].lower)
    }

    // MARK: Overlaps

    /// Keeps the longest of overlapping candidates (then the higher rank, then the earlier), in text order.
    static func resolveOverlaps(_ candidates: [Mention]) -> [Mention] {
        let ordered = candidates.sorted {
            ($0.end - $0.first, $0.rank, -$0.first) > ($1.end - $1.first, $1.rank, -$1.first)
        }
        var taken = [Bool]()
        var kept = [Mention]()
        for candidate in ordered {
            if taken.count < candidate.end { taken += Array(repeating: false, count: candidate.end - taken.count) }
            if taken[candidate.first..<candidate.end].contains(true) { continue }
            for index in candidate.first..<candidate.end { taken[index] = true }
            kept.append(candidate)
        }
        return kept.sorted { $0.first < $1.first }
    }
}
