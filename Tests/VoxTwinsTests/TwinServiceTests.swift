import Foundation
import GRDB
import Synchronization
import Testing
import VoxLLM
import VoxMatch
import VoxModel
import VoxStore

@testable import VoxTwins

@Suite struct TwinServiceTests {
    let day = 86_400.0

    @Test func chatLogBecomesCitedMemoriesAndTheUsersStyle() async throws {
        let (twins, _) = try openTwins()
        _ = try await twins.create(user: "maya", name: "Maya Chen")
        let log = chatJSON([
            ("Maya Chen", "2026-03-02T18:04:00Z", "I really prefer late-morning meetings, never before 10!"),
            ("Ines", "2026-03-02T18:05:00Z", "Noted. Lunch on Friday?"),
            ("Maya Chen", "2026-03-02T18:06:00Z", "Yes, but somewhere vegetarian please 🌱"),
            ("Ines", "2026-03-02T18:07:00Z", ""),
            ("Maya Chen", "2026-03-02T18:08:00Z", "My favourite is the Nepalese place in Mouraria."),
        ])
        let done = try await ingestNow(twins, "maya", .chat, log)
        #expect(done.status == .done && done.progress == 1)
        #expect(done.items == 4)  // the empty message is skipped but keeps its index
        let found = try await twins.search(user: "maya", query: "What time of day does she like meetings?", k: 5)
        let top = try #require(found.first)
        #expect(top.memory.text.contains("late-morning meetings"))
        // Cited down to the message: index 0 of the submitted array.
        #expect(top.memory.sources.contains { $0.ingestion == done.id && ($0.turns ?? []).contains(0) })
        let food = try await twins.search(user: "maya", query: "favourite restaurant", k: 3)
        #expect(food.first?.memory.sources.contains { ($0.turns ?? []).contains(4) } == true)
        // Each statement is a fact and part of a window: the two never both take a place.
        let all = try await twins.search(user: "maya", query: "meetings lunch vegetarian favourite", k: 10)
            .map { $0.memory.text.lowercased() }
        #expect(all.count >= 2)
        for (i, a) in all.enumerated() { for (j, b) in all.enumerated() where i != j { #expect(!a.contains(b), "\(b) repeats \(a)") } }
        let view = try await twins.get("maya")
        let style = try #require(view.style)
        #expect(style.messages == 3)
        #expect(style.emojiRate > 0.3)
        #expect(view.relations >= 1)  // Maya knows Ines
    }

    @Test func theSameContentIsIngestedOnce() async throws {
        let (twins, _) = try openTwins()
        _ = try await twins.create(user: "u1", name: "U One")
        let first = try await ingestNow(twins, "u1", .text, "I like tea. I live in Porto.")
        let (again, duplicate) = try await twins.ingest(
            user: "u1", kind: .text, payload: Array("I like tea. I live in Porto.".utf8), filename: nil)
        #expect(duplicate && again.id == first.id)
        #expect(try await twins.ingestions(user: "u1", limit: 10).count == 1)
    }

    @Test func ingestionsSubmittedInTheSameInstantRunInTheOrderSubmitted() async throws {
        // The clock stands still, so every ingestion has the same created_at and only the order
        // of submission can order them (their ids are random).
        let (twins, store) = try openTwins()
        _ = try await twins.create(user: "maya", name: "Maya Chen")
        var submitted: [String] = []
        for i in 0..<12 {
            let (ingestion, _) = try await twins.ingest(
                user: "maya", kind: .text, payload: Array("Note number \(i) about the garden.".utf8), filename: "n\(i).txt")
            submitted.append(ingestion.id)
        }
        let repository = SQLiteTwinRepository(store: store)
        #expect(try await repository.unfinished().map(\.id) == submitted)
        #expect(try await twins.ingestions(user: "maya", limit: 100).map(\.id) == submitted.reversed())
        // The worker finds a job's owner and payload by its id alone; a finished one has neither.
        let queued = try #require(try await repository.payload(submitted[3]))
        #expect(queued.user == "maya" && queued.payload == Array("Note number 3 about the garden.".utf8))
        try await twins.processQueued()
        #expect(try await repository.payload(submitted[3]) == nil)
        // So the memories' ids, which break ties in ranking, follow the submission too.
        let found = try await twins.search(user: "maya", query: "note number garden", k: 12)
        let order = found.sorted { $0.memory.id < $1.memory.id }.map(\.memory.text)
        #expect(order == (0..<12).map { "Note number \($0) about the garden." })
    }

    /// Maya's twin after three notes (her work, her volunteering, her sister), with graph edges to
    /// Participa Labs and Toronto among them.
    func mayaWithThreeNotes() async throws -> (TwinService, SQLiteTwinRepository) {
        let (twins, store) = try openTwins()
        _ = try await twins.create(user: "maya", name: "Maya Chen")
        try await ingestNow(
            twins, "maya", .text,
            """
            Since November 2025 I work at Participa Labs, where we build budgeting software.

            I volunteer with Green Streets on Saturdays, planting trees in Penha de França.

            My sister Ana lives in Toronto and visits every summer.
            """)
        return (twins, SQLiteTwinRepository(store: store))
    }

    @Test func theChatsGraphFactsComeFromWhatTheMessageNamesThenFromTheMemoriesFound() async throws {
        let (twins, repository) = try await mayaWithThreeNotes()
        // Names nothing the graph knows: the entity match alone finds no fact.
        let question = "Which company do I work for these days?"
        #expect(try await repository.facts(user: "maya", mentionedIn: question, limit: 5).isEmpty)
        let plain = try await twins.context(user: "maya", message: question, k: 5, factLimit: 5)
        #expect(plain.memories.first?.memory.text.contains("Participa Labs") == true)
        let first = try #require(plain.facts.first)
        #expect(first.fact.contains("Participa Labs"), "\(plain.facts.map(\.fact))")
        #expect(plain.facts.count <= 5 && Set(plain.facts.map(\.id)).count == plain.facts.count)
        // Naming an entity puts its edges first, even when another memory ranks higher.
        let named = try await twins.context(user: "maya", message: "Where do I work, and how is Toronto?", k: 5, factLimit: 5)
        #expect(named.memories.first?.memory.text.contains("Participa Labs") == true)
        let top = try #require(named.facts.first)
        #expect(top.object.name == "Toronto", "\(named.facts.map(\.fact))")
        #expect(named.facts.contains { $0.fact.contains("Participa Labs") })
        // The limit holds.
        #expect(try await twins.context(user: "maya", message: question, k: 5, factLimit: 1).facts.count == 1)
    }

    @Test func aMessageNamesEntitiesByRunsOfItsWordsAndNeverTheUserThemselves() async throws {
        let (_, repository) = try await mayaWithThreeNotes()
        // Every fact is about the user: naming them names nothing (it used to return all their edges).
        #expect(try await repository.facts(user: "maya", mentionedIn: "What does Maya Chen do on Saturdays?", limit: 50).isEmpty)
        // A name is a run of the message's words, in any case and punctuation.
        let named = try await repository.facts(user: "maya", mentionedIn: "how is PARTICIPA-labs' software doing?", limit: 50)
        #expect(named.map(\.object.name) == ["Participa Labs"], "\(named.map(\.fact))")
        #expect(try await repository.facts(user: "maya", mentionedIn: "labs that participa", limit: 50).isEmpty)
        // A huge text is read to its bound, without error.
        let long = String(repeating: "lorem ipsum dolor ", count: 10_000) + "Participa Labs"
        #expect(try await repository.facts(user: "maya", mentionedIn: long, limit: 50).isEmpty)
        #expect(try await !repository.facts(user: "maya", mentionedIn: "Participa Labs " + long, limit: 50).isEmpty)
    }

    @Test func aPluralInSesFindsItsSingular() async throws {
        let (twins, store) = try openTwins()
        _ = try await twins.create(user: "maya", name: "Maya Chen")
        try await ingestNow(
            twins, "maya", .text, "Bus lines are diverted via Avenida Almirante Reis.\n\nMy yoga class is on Mondays.\n")
        let repository = SQLiteTwinRepository(store: store)
        // Porter stems "buses" to "buse" and "bus" to "bu": only the added singular matches.
        #expect(SQLiteTwinRepository.queryTerms("What happens to the buses?") == ["happens", "buses", "bus"])
        #expect(try await !repository.bm25(user: "maya", query: "buses", limit: 5).isEmpty)
        // Porter already maps "classes" and "class" alike, and short words stay as they are.
        #expect(SQLiteTwinRepository.queryTerms("classes uses") == ["classes", "uses"])
        #expect(try await !repository.bm25(user: "maya", query: "classes", limit: 5).isEmpty)
    }

    @Test func aNewerFactSupersedesAnOlderOneWhichStaysAsHistory() async throws {
        let clock = TestClock(1_700_000_000)
        let (twins, _) = try openTwins(clock: clock)
        _ = try await twins.create(user: "maya", name: "Maya Chen")
        try await ingestNow(twins, "maya", .text, "2023-05-01\nI live in Toronto with my cat.\n")
        let before = clock()
        clock.set(before + 10 * day)
        try await ingestNow(twins, "maya", .text, "2024-09-01\nI moved to Lisbon last week and I love it.\n")
        let found = try await twins.search(user: "maya", query: "Where does Maya live?", k: 5)
        #expect(found.contains { $0.memory.text.contains("Lisbon") })
        #expect(!found.contains { $0.memory.kind == .fact && $0.memory.text.contains("Toronto") })
        // The fact is inside its passage: the passage shows it and names the fact's id.
        let passage = try #require(found.first { $0.memory.text.contains("moved to Lisbon") })
        let lisbon = try #require(passage.memory.kind == .fact ? passage.memory.id : passage.covers.first)
        let history = try await twins.history(user: "maya", of: lisbon)
        #expect(history.map(\.text) == ["I moved to Lisbon last week and I love it.", "I live in Toronto with my cat."])
        #expect(history[0].kind == .fact)
        #expect(history[1].supersededBy == lisbon)

        // The graph: the Toronto edge invalidated at Lisbon's valid time and retired, not deleted.
        let now = try await twins.graph(user: "maya", knownAt: nil, includeRetired: false, limit: 100)
        let lives = now.filter { $0.predicate == "LIVES_IN" }
        #expect(lives.map(\.object.name) == ["Lisbon"])
        let all = try await twins.graph(user: "maya", knownAt: nil, includeRetired: true, limit: 100).filter { $0.predicate == "LIVES_IN" }
        let toronto = try #require(all.first { $0.object.name == "Toronto" })
        #expect(toronto.invalidAt == Distiller.utc(2024, 9, 1))
        #expect(toronto.expiredAt == before + 10 * day)
        // What we knew before the second ingestion: Toronto.
        let then = try await twins.graph(user: "maya", knownAt: before + day, includeRetired: false, limit: 100)
        #expect(then.filter { $0.predicate == "LIVES_IN" }.map(\.object.name) == ["Toronto"])
    }

    @Test func olderNewsGoesStraightToHistory() async throws {
        let (twins, _) = try openTwins()
        _ = try await twins.create(user: "maya", name: "Maya Chen")
        try await ingestNow(twins, "maya", .text, "2024-09-01\nI live in Lisbon.\n")
        try await ingestNow(twins, "maya", .text, "2019-01-01\nI live in Toronto.\n")
        let found = try await twins.search(user: "maya", query: "live", k: 10).filter { $0.memory.kind == .fact }
        #expect(found.map(\.memory.text) == ["I live in Lisbon."])
        let lives = try await twins.graph(user: "maya", knownAt: nil, includeRetired: false, limit: 10).filter {
            $0.predicate == "LIVES_IN"
        }
        let toronto = try #require(lives.first { $0.object.name == "Toronto" })
        #expect(toronto.invalidAt == Distiller.utc(2024, 9, 1))
        #expect(lives.first { $0.object.name == "Lisbon" }?.invalidAt == nil)
    }

    @Test func anEndedRelationInvalidatesTheEdge() async throws {
        let clock = TestClock(1_700_000_000)
        let (twins, _) = try openTwins(clock: clock)
        _ = try await twins.create(user: "maya", name: "Maya Chen")
        try await ingestNow(twins, "maya", .text, "2022-02-01\nI work at Shopify as a product manager.\n")
        clock.set(1_700_100_000)
        try await ingestNow(twins, "maya", .text, "2024-06-30\nI left Shopify after two good years.\n")
        let edges = try await twins.graph(user: "maya", knownAt: nil, includeRetired: true, limit: 10).filter { $0.predicate == "WORKS_AT" }
        #expect(edges.count == 1)
        #expect(edges.first?.invalidAt == Distiller.utc(2024, 6, 30))
        #expect(edges.first?.expiredAt == 1_700_100_000)
    }

    @Test func aTwinsDataIsNeverReturnedForAnotherUserAndGoesWithIt() async throws {
        let dir = temporaryDirectory()
        let (twins, store) = try openTwins(dir)
        _ = try await twins.create(user: "alice", name: "Alice")
        _ = try await twins.create(user: "bob", name: "Bob")
        try await ingestNow(twins, "alice", .text, "My secret recipe uses cardamom and saffron. I live in Oslo.")
        try await ingestNow(twins, "bob", .text, "I collect vintage synthesizers.")
        #expect(
            try await twins.search(user: "bob", query: "secret recipe cardamom saffron Oslo", k: 10).allSatisfy {
                !$0.memory.text.contains("cardamom")
            })
        #expect(try await twins.search(user: "alice", query: "cardamom", k: 10).count >= 1)
        // The store's own reads filter by user too.
        let repository = SQLiteTwinRepository(store: store)
        let aliceIDs = try await twins.search(user: "alice", query: "cardamom", k: 10).map(\.memory.id)
        #expect(try await repository.memories(user: "bob", ids: aliceIDs).isEmpty)
        #expect(
            try await repository.graph(user: "bob", knownAt: 2e9, includeRetired: true, limit: 100).allSatisfy { $0.object.name != "Oslo" })

        try await twins.delete("alice")
        for table in ["twins", "twin_ingestions", "twin_memories", "twin_entities", "twin_edges", "twin_chat", "twin_fts_rows"] {
            let n = try store.readSync { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE user = 'alice'") ?? -1 }
            #expect(n == 0, "\(table) still holds alice's rows")
        }
        let fts = try store.readSync { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM twin_fts WHERE twin_fts MATCH 'cardamom'") ?? -1
        }
        #expect(fts == 0)
        await #expect(throws: TwinError.notFound("alice")) { try await twins.search(user: "alice", query: "x", k: 1) }
        #expect(try await twins.search(user: "bob", query: "synthesizers", k: 1).count == 1)
    }

    @Test func badInputIsDeadLetteredWithItsReasonAndNothingIsKept() async throws {
        let (twins, _) = try openTwins()
        _ = try await twins.create(user: "u", name: "U")
        let cases: [(IngestKind, [UInt8], String)] = [
            (.calendar, Array("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\nEND:VCALENDAR\r\n".utf8), "ics"),
            (.chat, Array("{\"not\": \"a chat\"}".utf8), "chat"),
            (.chat, Array("[{\"sender\": 5, \"text\": \"x\"}]".utf8), "chat"),
            (.pdf, Array("%PDF-1.4\n1 0 obj garbage".utf8), "pdf"),
            (.text, [0x49, 0x20, 0xFF, 0xFE], "UTF-8"),
        ]
        for (kind, bytes, word) in cases {
            let i = try await ingestNow(twins, "u", kind, bytes)
            #expect(i.status == .failed, "\(kind) \(word)")
            #expect(i.error?.contains(word) == true || i.error?.contains("unsupported") == true, "\(i.error ?? "nil")")
            #expect(i.memories == 0 && i.attempts == 1)
        }
        #expect(try await twins.get("u").memories == 0)
        await #expect(throws: TwinInputError.self) { try await twins.ingest(user: "u", kind: .text, payload: [], filename: nil) }
        let (small, _) = try openTwins(configure: { $0.maxBytes = 10 })
        _ = try await small.create(user: "u", name: "U")
        await #expect(throws: TwinInputError.tooLarge(what: "bytes", limit: 10)) {
            try await small.ingest(user: "u", kind: .text, payload: Array("more than ten bytes".utf8), filename: nil)
        }
    }

    @Test func aFullStoreIsRetriedThenDeadLettered() async throws {
        let dir = temporaryDirectory()
        // Small enough that a big ingestion cannot commit (SQLITE_FULL), big enough to open.
        let (twins, _) = try openTwins(dir, maxPageCount: 60, configure: { $0.maxAttempts = 3 })
        _ = try await twins.create(user: "u", name: "U")
        let text = (0..<400).map { "I wrote note number \($0) about topic \($0 * 7) in my notebook." }.joined(separator: "\n")
        let i = try await ingestNow(twins, "u", .text, text)
        #expect(i.status == .failed)
        #expect(i.attempts == 3)
        #expect(i.error?.contains("store") == true)
        #expect(twins.stats.retries == 2)
        #expect(try await twins.get("u").memories == 0)
    }

    @Test func theQueueIsBounded() async throws {
        let (twins, _) = try openTwins(configure: { $0.maxQueued = 2 })
        _ = try await twins.create(user: "u", name: "U")
        _ = try await twins.ingest(user: "u", kind: .text, payload: Array("one".utf8), filename: nil)
        _ = try await twins.ingest(user: "u", kind: .text, payload: Array("two".utf8), filename: nil)
        await #expect(throws: TwinError.busy) {
            try await twins.ingest(user: "u", kind: .text, payload: Array("three".utf8), filename: nil)
        }
        try await twins.processQueued()
        _ = try await twins.ingest(user: "u", kind: .text, payload: Array("three".utf8), filename: nil)
    }

    @Test func userNamesAreChecked() async throws {
        let (twins, _) = try openTwins()
        await #expect(throws: TwinError.self) { try await twins.create(user: "a/b", name: nil) }
        await #expect(throws: TwinError.self) { try await twins.create(user: "", name: nil) }
        _ = try await twins.create(user: "maya.chen@x", name: nil)
        await #expect(throws: TwinError.exists("maya.chen@x")) { try await twins.create(user: "maya.chen@x", name: "M") }
    }
}

@Suite struct RecommendationTests {
    @Test func theTwinRecommendsFromTheUsersOpinionsAndLearnsTheirVote() async throws {
        let (twins, _) = try openTwins()
        _ = try await twins.create(user: "maya", name: "Maya Chen")
        _ = try await twins.create(user: "rui", name: "Rui")
        try await ingestNow(
            twins, "maya", .text,
            "I strongly support protected bike lanes on every main street.\nI oppose raising the tourist tax; it hurts small guesthouses.\n"
        )
        let project = try await twins.createProject(name: "Civic", description: "", owner: "maya", members: ["rui"])
        #expect(project.members == ["maya", "rui"])
        let lanes = try await twins.propose(
            project: project.id, title: "Protected bike lanes on Avenida Almirante Reis", text: "Build protected bike lanes.",
            startsAt: nil,
            endsAt: nil, by: "maya")
        let tax = try await twins.propose(
            project: project.id, title: "Raise the tourist tax to 4 euros", text: "Raise the tourist tax.", startsAt: nil, endsAt: nil,
            by: "maya")
        let forLanes = try #require(try await twins.recommendations(proposal: lanes.id, user: "maya").first)
        #expect(forLanes.stance == .for)
        #expect(forLanes.reasons.first?.text.contains("bike lanes") == true)
        #expect(forLanes.reasons.first?.sources.first?.bytes != nil)
        #expect(forLanes.text.hasPrefix("I'd vote for"))
        let againstTax = try #require(try await twins.recommendations(proposal: tax.id, user: "maya").first)
        #expect(againstTax.stance == .against)
        // Rui's twin knows nothing: it abstains.
        #expect(try await twins.recommendations(proposal: tax.id, user: "rui").first?.stance == .abstain)
        await #expect(throws: TwinError.notMember("nobody")) { try await twins.castVote(proposal: tax.id, user: "nobody", choice: .for) }

        // Maya votes for the tax after all: misaligned, remembered, and her twin now leans her way.
        let vote = try await twins.castVote(proposal: tax.id, user: "maya", choice: .for)
        #expect(vote.twinStance == .against && vote.aligned == false)
        #expect(try await twins.castVote(proposal: lanes.id, user: "maya", choice: .for).aligned == true)
        #expect(try await twins.alignment(user: "maya") == VoteAlignment(compared: 2, agreed: 1, rate: 0.5))
        let memory = try await twins.search(user: "maya", query: "tourist tax vote", k: 3)
        #expect(memory.contains { $0.memory.text == "I voted for the proposal \"Raise the tourist tax to 4 euros\"." })
        let graph = try await twins.graph(user: "maya", knownAt: nil, includeRetired: false, limit: 50)
        #expect(graph.contains { $0.predicate == "VOTED_FOR" && $0.object.name == "Raise the tourist tax to 4 euros" })
    }

    @Test func theModelsVoteLineDecidesWhenAModelAnswers() async throws {
        let (twins, _) = try openTwins(compose: { _, _, _ in
            ChatReply(text: "Honestly this fits how I live.\n## VOTE: for", generator: "llm", model: "test-model")
        })
        _ = try await twins.create(user: "u", name: "U")
        let p = try await twins.createProject(name: "P", description: "", owner: "u", members: [])
        let proposal = try await twins.propose(project: p.id, title: "Anything", text: "", startsAt: nil, endsAt: nil, by: "u")
        let r = try #require(try await twins.recommendations(proposal: proposal.id, user: "u").first)
        #expect(r.stance == .for && r.generator == "llm")
        #expect(Recommender.parseVote("blah\n## VOTE: Against.") == .against)
        #expect(Recommender.parseVote("no vote line") == nil)
    }
}

@Suite struct TwinChatTests {
    @Test func theOfflineTwinQuotesItsNotesCitesThemAndRemembersTheTurn() async throws {
        let (twins, store) = try openTwins()
        _ = try await twins.create(user: "maya", name: "Maya Chen")
        try await ingestNow(
            twins, "maya", .text, "I can't stand meetings before 10 in the morning.\nMy favourite food is grilled sardines.\n")
        let deltas = DeltaBox()
        let answer = try await twins.chat(
            user: "maya", session: nil, message: "When do I like meetings?", onDelta: { deltas.add($0) })
        #expect(answer.generator == "offline")
        #expect(answer.text.contains("meetings before 10") && answer.text.contains("[m1]"))
        #expect(answer.citations.first?.ref == "m1")
        #expect(answer.citations.first?.sources.first?.bytes != nil)
        #expect(deltas.text == answer.text)
        #expect(answer.turn == 1)
        let next = try await twins.chat(user: "maya", session: answer.session, message: "I also love long walks by the river.")
        #expect(next.turn == 3)
        let turns = try store.readSync { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM twin_chat WHERE session = ?", arguments: [answer.session])
        }
        #expect(turns == 4)
        // The user's statement became a memory cited to the chat turn.
        let walks = try await twins.search(user: "maya", query: "walks river", k: 3)
        #expect(walks.first?.memory.sources == [MemorySource(chat: answer.session, turns: [2])])
        await #expect(throws: TwinError.self) { try await twins.chat(user: "maya", session: "bad session!", message: "hi") }
        await #expect(throws: TwinError.self) { try await twins.chat(user: "maya", session: nil, message: "  ") }
    }

    static func note(_ id: Int64, _ text: String) -> Memory {
        Memory(id: id, kind: .episode, domain: "notes", text: text, importance: 0.3, sources: [MemorySource(ingestion: "ing_x")])
    }

    /// The offline answer quotes the best-scored sentences across the notes, best first, each
    /// with its note's reference; headings and scraps are never quoted.
    @Test func theOfflineAnswerQuotesTheBestScoredSentencesAcrossItsNotes() {
        let plan = TwinChatPlan(
            name: "Maya Chen", style: nil, recent: [],
            memories: [
                Self.note(1, "## Things I care about\n\nI moved to Lisbon in 2024. I cycle to work every day."),
                Self.note(2, "Priya Nair: how's the flat?\nMaya Chen: The rent is half of what I paid in Arroios.\nok"),
            ],
            facts: [], question: "How much is my rent now?")
        #expect(
            plan.quotable.map(\.text) == [
                "I moved to Lisbon in 2024.", "I cycle to work every day.", "Priya Nair: how's the flat?",
                "Maya Chen: The rent is half of what I paid in Arroios.",
            ])
        #expect(plan.quotable.map(\.ref) == ["m1", "m1", "m2", "m2"])
        let answer = plan.offlineAnswer(scores: [0.1, 0.2, 0.3, 0.9])
        #expect(
            answer
                == "(Offline twin, no language model configured: quoting my notes.) Maya Chen: The rent is half of what I paid in Arroios. [m2] "
                + "Priya Nair: how's the flat? [m2] I cycle to work every day. [m1]")
        // Ties go to the better note; missing scores count as 0; repeats are quoted once.
        #expect(plan.offlineAnswer(scores: []).contains("I moved to Lisbon in 2024. [m1] I cycle to work every day. [m1] Priya"))
        // The words the question shares decide without an encoder.
        #expect(plan.offlineAnswer.contains("quoting my notes.) Maya Chen: The rent is half"))
        let empty = TwinChatPlan(name: "Maya Chen", style: nil, recent: [], memories: [], facts: [], question: "Anything?")
        #expect(empty.offlineAnswer(scores: []).contains("I don't find anything about that in my notes."))
    }

    /// The service weighs the sentences by meaning: the question's words need not be there.
    @Test(.enabled(if: SentenceEncoder.findDefault() != nil, "no sentence-encoder weights (make models fetches them)"))
    func theOfflineTwinQuotesTheSentenceClosestInMeaning() async throws {
        let directory = try #require(SentenceEncoder.findDefault())
        let (twins, _) = try openTwins(embedder: SentenceTextEmbedder(encoder: try SentenceEncoder(directory: directory)))
        _ = try await twins.create(user: "maya", name: "Maya Chen")
        try await ingestNow(
            twins, "maya", .text,
            "About me. I was born in Toronto and moved to Lisbon in 2024. Please no voice notes, I never listen to them. "
                + "My favourite food is grilled sardines.\n")
        let answer = try await twins.chat(user: "maya", session: nil, message: "Can I leave Maya an audio message instead of typing?")
        let quoted = try #require(answer.text.components(separatedBy: "quoting my notes.) ").last)
        #expect(quoted.hasPrefix("Please no voice notes, I never listen to them."), "\(answer.text)")
    }
}

final class DeltaBox: Sendable {
    private let parts = Mutex<[String]>([])
    func add(_ s: String) { parts.withLock { $0.append(s) } }
    var text: String { parts.withLock { $0.joined() } }
}
