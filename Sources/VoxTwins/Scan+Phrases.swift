/// Proposals and votes: phrase entities layered over the others (a proposal may contain a topic or a place).
extension Scan {
    /// Words that may not be a modifier before "proposal" or "vote": function words and the verbs that govern them.
    private static let governingWords: Set<String> = [
        "support", "supports", "supported", "oppose", "opposes", "opposed", "back", "backs", "favour", "favor", "like",
        "love", "reject", "rejects", "rejected", "sign", "signed", "read", "review", "discuss", "discussed", "about",
        "vote", "voted", "is", "was", "are", "were", "i", "i'm", "we", "they", "he", "she", "you", "it", "against",
        "re", "from", "into", "than", "as", "more", "less", "any", "some", "no", "not", "all", "draft", "drafted",
    ]

    /// The word after "proposal to" may run on through these, which end other phrases.
    private static let proposalContinuers: Set<String> = ["to", "a", "with", "over", "than"]

    mutating func findProposals() -> [Mention] {
        var found = [Mention]()
        for index in tokens.indices where tokens[index].lower == "proposal" || tokens[index].lower == "motion" {
            if let number = word(index + 1), number.text.hasPrefix("#") {
                found.append(mention(index, index + 2, .proposal, rank: 3))
                continue
            }
            let start = modifiersStart(before: index)
            var end = index + 1
            if let linker = word(index + 1), ["to", "for", "on"].contains(linker.lower) {
                end = phraseEnd(from: index + 2, continuing: Scan.proposalContinuers)
                if end == index + 2 { end = index + 1 }
            }
            if start == index && end == index + 1 { continue }
            found.append(mention(start, end, .proposal, rank: 3))
        }
        return found
    }

    func findVotes(proposals: [Mention]) -> [Mention] {
        var found = [Mention]()
        let proposalAt = Dictionary(proposals.map { ($0.first, $0) }, uniquingKeysWith: { first, _ in first })
        for index in tokens.indices where ["vote", "votes", "voted", "voting"].contains(tokens[index].lower) {
            if let linker = word(index + 1), ["on", "for", "against"].contains(linker.lower) {
                var target = index + 2
                while let next = word(target), Lexicon.determiners.contains(next.lower) { target += 1 }
                if let proposal = proposalAt[target] {
                    found.append(mention(proposal.first, proposal.end, .vote, rank: 3))
                } else {
                    let end = phraseEnd(from: target, continuing: [], limit: 6)
                    if end > target { found.append(mention(target, end, .vote, rank: 3)) }
                }
            } else if tokens[index].lower == "vote" {
                let start = modifiersStart(before: index)
                if start < index { found.append(mention(start, index, .vote, rank: 3)) }
            }
        }
        return found
    }

    /// The first of up to four modifier words before `head` ("parking garage" proposal), or `head` if none.
    private func modifiersStart(before head: Int) -> Int {
        var start = head
        while start > head - 4, !tokens[start].startsSentence, let previous = word(start - 1),
            !Lexicon.modifierBlockers.contains(previous.lower), !Scan.governingWords.contains(previous.lower),
            !Lexicon.firstPerson.contains(previous.lower), previous.lower.first?.isNumber == false
        {
            start -= 1
        }
        return start
    }

    /// One past the last word of a phrase that starts at `start` and runs to punctuation or a clause word.
    private func phraseEnd(from start: Int, continuing: Set<String>, limit: Int = Scan.longestPhrase) -> Int {
        var end = start
        while end < start + limit, let next = word(end), end == start || !next.startsSentence,
            continuing.contains(next.lower) || !Lexicon.phraseBreakers.contains(next.lower)
        {
            end += 1
        }
        // A phrase never ends on a function word ("proposal to build a").
        while end > start, Lexicon.modifierBlockers.contains(tokens[end - 1].lower) { end -= 1 }
        return end
    }
}
