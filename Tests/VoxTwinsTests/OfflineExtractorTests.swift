import Testing
import VoxTwins

@Suite struct OfflineExtractorTests {
    let extractor = OfflineExtractor()
    let maya = ExtractionContext(userName: "Maya Chen", knownPeople: ["Sam Okafor"])

    private func found(_ text: String, _ context: ExtractionContext? = nil) -> Set<String> {
        Set(extractor.entities(in: text, context: context ?? maya).map { "\($0.name)|\($0.type.rawValue)" })
    }

    private func facts(_ text: String) -> Set<String> {
        Set(extractor.relations(in: text, context: maya).map { "\($0.subject)|\($0.predicate)|\($0.object)|\($0.ended)" })
    }

    @Test func personRules() {
        #expect(found("Ping Sam about the release.").contains("Sam|person"))
        #expect(found("Call with Dr. Amara Nwosu at 3.").contains("Amara Nwosu|person"))
        #expect(found("We had lunch with Quill Varden today.").contains("Quill Varden|person"))
        #expect(found("Then Orlo Vantrice said no.").contains("Orlo Vantrice|person"))
        #expect(found("Kwame will join later.").contains("Kwame|person"))
        #expect(found("Maya, your dentist is at 4.").contains("Maya|user"))
    }

    @Test func organisationRules() {
        #expect(found("Invoices go to Brightwater Ltd.").contains("Brightwater Ltd|organisation"))
        #expect(found("The Ministry of Transport replied.").contains("Ministry of Transport|organisation"))
        #expect(found("She works at Zentrix now.").contains("Zentrix|organisation"))
        #expect(found("Spotify raised prices.").contains("Spotify|organisation"))
    }

    @Test func placeRules() {
        #expect(found("Back in Lisbon next week.").contains("Lisbon|place"))
        #expect(found("Greetings from Vellmoor!").contains("Vellmoor|place"))
        #expect(found("Texas and Ohio voted early.").isSuperset(of: ["Texas|place", "Ohio|place"]))
    }

    @Test func projectProposalVoteRules() {
        #expect(found("Project Atlas ships soon.").contains("Project Atlas|project"))
        #expect(found("I'm on the Greenway project.").contains("Greenway|project"))
        #expect(found("Proposal #12 passed.").contains("Proposal #12|proposal"))
        #expect(found("The motion to ban leaf blowers failed.").contains("motion to ban leaf blowers|proposal"))
        #expect(found("We vote on the parks budget next week.").contains("parks budget|vote"))
    }

    @Test func topicDocumentEventTwinRules() {
        #expect(found("Rent Control and HOUSING again.").isSuperset(of: ["Rent Control|policy_topic", "HOUSING|policy_topic"]))
        #expect(found("Read the report \"Heat and Shade\" first.").contains("Heat and Shade|document"))
        #expect(found("See minutes_0412.pdf.").contains("minutes_0412.pdf|document"))
        #expect(found("Tickets for the Harbour Jazz Festival!").contains("Harbour Jazz Festival|event"))
        #expect(found("See you at the Rust meetup.").contains("Rust meetup|event"))
        #expect(found("Ask my digital twin.").contains("digital twin|digital_twin"))
    }

    @Test func negatives() {
        #expect(found("Happy New Year from all of us!").isEmpty)
        #expect(found("Monday: Weekly Sync, March planning.").isEmpty)
        #expect(found("Lol that was Epic 😂 BRB").isEmpty)
    }

    @Test func relationRules() {
        #expect(facts("I work at Contoso Ltd.").contains("Maya Chen|WORKS_AT|Contoso Ltd|false"))
        #expect(facts("I left Globex Corp in May.").contains("Maya Chen|WORKS_AT|Globex Corp|true"))
        #expect(facts("I used to work at Initech.").contains("Maya Chen|WORKS_AT|Initech|true"))
        #expect(facts("I moved to Porto.").contains("Maya Chen|LIVES_IN|Porto|false"))
        #expect(facts("I no longer live in Paris.").contains("Maya Chen|LIVES_IN|Paris|true"))
        #expect(facts("I studied at McGill University.").contains("Maya Chen|STUDIED_AT|McGill University|false"))
        #expect(facts("Sam is my manager.").contains("Maya Chen|KNOWS|Sam Okafor|false"))
        #expect(facts("I'm married to Hannah.").contains("Maya Chen|MARRIED_TO|Hannah|false"))
        #expect(facts("I support rent control.").contains("Maya Chen|SUPPORTS|rent control|false"))
        #expect(facts("I'm against the motion to close the pool.").contains("Maya Chen|OPPOSES|motion to close the pool|false"))
        #expect(facts("I prefer trams to buses.").contains("Maya Chen|PREFERS|trams|false"))
        #expect(facts("I'm on the Lighthouse project.").contains("Maya Chen|MEMBER_OF|Lighthouse|false"))
        #expect(facts("Kwame Mensah leads Project Horizon.").contains("Kwame Mensah|LEADS|Project Horizon|false"))
        #expect(facts("Vertex Labs is based in Austin.").contains("Vertex Labs|LOCATED_IN|Austin|false"))
        #expect(facts("Kofi and I are going to the Accra Design Festival.").count == 2)
        #expect(facts("I don't work at Initech.").isEmpty)
    }

    @Test func userWithoutNameIsI() {
        let relations = extractor.relations(in: "I live in Oslo.", context: ExtractionContext())
        #expect(
            relations == [ExtractedRelation(subject: "I", subjectType: .user, predicate: "LIVES_IN", object: "Oslo", objectType: .place)])
    }

    @Test func byteRangesMatchNames() throws {
        let texts = try Fixtures.cases("dev.json").map(\.text) + ["Zoë met José Núñez in Zürich 🇨🇭 at the Café Festival 🎉."]
        for text in texts {
            let bytes = Array(text.utf8)
            for entity in extractor.entities(in: text, context: maya) {
                #expect(String(decoding: bytes[entity.bytes], as: UTF8.self) == entity.name)
            }
        }
    }

    @Test func robustness() {
        #expect(extractor.entities(in: "", context: maya).isEmpty)
        #expect(extractor.relations(in: "", context: maya).isEmpty)
        for weird in [
            "\u{0}\u{FFFD}\u{200B}", "e\u{301}\u{301}\u{301}", "👩‍👩‍👧‍👦👩‍👩‍👧‍👦", "\"", "Dr.", "#", "’’’", "A\u{0308}bc Def", "\u{202E}Lisbon",
        ] {
            _ = extractor.entities(in: weird, context: maya)
            _ = extractor.relations(in: weird, context: maya)
        }
    }

    @Test func oneMegabyteCompletes() {
        let paragraph = "I work at Contoso Ltd in Dublin and met Priya Raman at the Open Data Meetup 🎉. "
        let text = String(repeating: paragraph, count: 1_048_576 / paragraph.utf8.count + 1)
        let entities = extractor.entities(in: text, context: maya)
        #expect(entities.count > 10_000)
        let unpunctuated = String(repeating: "Lisbon and Porto ", count: 60_000)
        #expect(!extractor.relations(in: unpunctuated, context: maya).contains { $0.predicate == "" })
    }

    /// A 2,000-token chunk of many names is read whole (its speed is the benchmarks'
    /// `TwinExtractEntities2kTokens` and `TwinExtractRelations2kTokens`).
    @Test func twoThousandTokensOfNames() {
        let sentence = "Lunch with Daniel Okoro at Northwind Labs in Rotterdam about the housing proposal, said Grace. "
        let text = String(repeating: sentence, count: 2_000 / 16)
        let entities = Set(extractor.entities(in: text, context: maya).map { "\($0.name)|\($0.type.rawValue)" })
        #expect(entities.isSuperset(of: ["Daniel Okoro|person", "Northwind Labs|organisation", "Rotterdam|place"]), "\(entities)")
    }
}
