/// Closed word lists the rules rely on. Everything is case-folded.
enum Lexicon {
    private static func words(_ joined: String) -> Set<String> {
        Set(joined.split(separator: " ").map { String($0) })
    }

    /// Capitalised words that are never entities on their own: days, months, pronouns, greetings, holidays, chat slang.
    static let alwaysStop = words(
        "i i'm i've i'd i'll im monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thurs fri sat "
            + "sun january february march april may june july august september october november december jan feb mar apr jun "
            + "jul aug sep sept oct nov dec today tomorrow tonight yesterday hi hello hey dear thanks thank ok okay lol omg brb "
            + "btw fyi asap re fwd cc christmas easter thanksgiving diwali eid ramadan hanukkah halloween mom mum dad mother "
            + "father grandma grandpa granny nana papa god pm am tbd eta todo proposal motion vote"
    )

    /// Common English words: a capitalised span made only of these is a title, a heading or a sentence start,
    /// not a name, unless a strong rule (gazetteer, suffix, event noun) says otherwise.
    static let common = words(
        "a about above after again against all also always am an and another any anyone are around as ask at attached "
            + "be because been before being below best better big both but by call can cancelled check come coming could "
            + "did do does don't done down during each either even every everyone everything few find first for from get "
            + "go going good got great had has have having he her here hers him his how however if in into is it its just "
            + "keep last let like little long look lunch made make many me meet meeting met more most much must my need "
            + "never new next no not note nothing now of off old on once one only or other our out over own please plus "
            + "quick quite reminder remember really same see send she should since so some something soon still such sure "
            + "take tell than that the their them then there these they thing things think this those though through to "
            + "too under until up update urgent us very was we weekly daily well were what when where which while who why "
            + "will with would yes yet you your yours about agenda all attached breakfast brunch coffee dinner call calls "
            + "flight trip travel booked book booking ping email sent sending follow followup notes note draft final happy "
            + "birthday congrats congratulations welcome sorry hope wish wishes regards cheers best love sounds looks epic "
            + "amazing awesome cool nice fine big day days week weeks month year years morning afternoon evening night "
            + "team room office lounge airport password wi-fi wifi spring summer autumn fall winter cleaning checklist list "
            + "project projects launch job everyone group platform drill subject line garden town city hall library kitchen "
            + "pizza best free yesterday's ready important action items item minutes summary question questions answer "
            + "sync standup retro review plan plans plan's budget new old main north south east west central upper lower "
            + "great grand general public private open closed high low part parts page section chapter table figure"
    )

    /// Titles that precede a person's name.
    static let honorifics = words(
        "dr dr. mr mr. ms ms. mrs mrs. mx mx. prof prof. professor sir dame doctor judge councillor councilor senator mayor")

    /// Words after which a period does not end a sentence.
    static let abbreviations = words("dr mr ms mrs mx prof st inc ltd corp co jr sr vs etc e.g i.e no approx dept")

    /// Last words that make a capitalised span an organisation.
    static let organisationSuffixes = words(
        "inc ltd llc gmbh ag plc corp co foundation university council ministry bank company association institute labs lab "
            + "group committee board club party union trust society school college hospital agency department commission "
            + "authority cooperative co-op alliance coalition partners holdings technologies systems studios studio museum "
            + "academy network federation collective centre center consortium fund bureau office parliament senate "
            + "congress court police ngo sa nv bv pty limited incorporated industries enterprises ventures capital watch "
            + "church mosque temple synagogue"
    )

    /// First words that, followed by "of", make an organisation ("University of Toronto", "Ministry of Health").
    static let organisationHeads = words(
        "university ministry bank department institute council college school museum board society federation association "
            + "academy office centre center church"
    )

    /// Connectors allowed inside a capitalised name.
    static let nameConnectors = words("of de da do dos das del della di van von der den la le du al el bin ibn &")

    /// Heads after which "in" stays inside the name ("American University in Cairo").
    static let academicHeads = words("university college institute school academy")

    /// Capitalised last words that make a span an event.
    static let eventNouns = words(
        "conference summit meetup hackathon workshop festival expo fair forum symposium gala marathon week con camp "
            + "convention congress retreat webinar bootcamp jam showcase awards ceremony"
    )

    /// Lower-case event nouns that turn a preceding capitalised span into an event ("the Rust meetup").
    static let trailingEventNouns = words(
        "conference summit meetup hackathon workshop festival expo fair forum symposium gala marathon convention retreat "
            + "webinar bootcamp"
    )

    /// Last words that make a capitalised span a place.
    static let placeSuffixes = words(
        "street st road rd avenue ave boulevard blvd lane square plaza bridge station airport district county province "
            + "valley beach island islands lake river mountains mountain park heights hill quarter borough village "
            + "neighbourhood neighborhood"
    )

    /// Lower-case words that, after a capitalised span, make it a project ("the Greenway project").
    static let projectNouns = words("project initiative programme program campaign")

    /// Lower-case nouns that introduce a quoted document title.
    static let documentNouns = words(
        "report document doc paper article memo slides deck essay book brief study draft post whitepaper chapter "
            + "presentation proposal spreadsheet sheet guide handbook manual thesis"
    )

    /// File extensions that make a token a document name.
    static let documentExtensions = words("pdf doc docx xls xlsx ppt pptx key pages numbers odt ods odp txt md csv rtf epub tex")

    /// Words that precede a person's name ("with Ana Souza", "met Kwame Mensah").
    static let personCues = words(
        "with met meet meeting told tell called call ask asked thank thanks ping pinged emailed texted messaged cc")

    /// Words after a name that mark it as a person ("Zoe said").
    static let speechVerbs = words("said says told asked wrote replied mentioned thinks texted emailed")

    /// Prepositions after which an unclassified capitalised span is a place.
    static let placePrepositions = words("in from to near around visiting via across towards toward into outside")

    /// Determiners and possessives skipped before a phrase.
    static let determiners = words("the a an this that these those my our your his her their its some any more better")

    /// Words that end a free-text phrase (clause boundaries, finite verbs, time words).
    static let phraseBreakers = words(
        "because but since which who that although though while so when if and or before after until unless as is are "
            + "was were be been will would should could can may might must has have had needs need needed got passed "
            + "failed was rejected approved starts started closes closed went goes by next this last today tomorrow "
            + "tonight yesterday soon now again to than over a with"
    )

    /// Words allowed as modifiers before "proposal" or "vote" ("the parking garage proposal").
    static let modifierBlockers = words(
        "the a an this that these those my our your his her their its new old same other another whole entire latest "
            + "recent revised current first second final and or of to for on in at with by against re about"
    )

    /// Words that make a sentence's statement a negation.
    static let negations = words("not don't doesn't didn't never won't isn't aren't wasn't can't cannot no")

    /// Words that mark a fact as over.
    static let endedMarkers = words("longer formerly previously former anymore ex")

    /// Words that stand for the author.
    static let firstPerson = words("i i'm i've i'd i'll im me")

    /// Personal relation words for KNOWS after "my".
    static let kinship = words(
        "sister brother friend colleague coworker co-worker manager boss mentor mentee cousin neighbour neighbor mother "
            + "father mom mum dad son daughter aunt uncle niece nephew grandmother grandfather grandma grandpa roommate "
            + "flatmate housemate teammate classmate partner girlfriend boyfriend brother-in-law sister-in-law "
            + "mother-in-law father-in-law stepbrother stepsister stepmother stepfather landlord doctor therapist "
            + "lawyer teacher tutor coach supervisor assistant report sibling"
    )

    /// Spouse words: "my wife Ana" is MARRIED_TO, not KNOWS.
    static let spouses = words("wife husband spouse")

    /// Adjectives allowed between "my" and a relation word ("my former manager").
    static let relationAdjectives = words("former old new best good close dear older younger little big oldest youngest favourite favorite")
}
