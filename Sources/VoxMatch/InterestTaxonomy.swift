/// A hand-made taxonomy of interests and fields for the offline encoder: each category is one
/// slot, and a word (or a word's stem, written with a trailing `*`) marks the categories it
/// belongs to, so interests with no letters in common still meet.
enum InterestTaxonomy {
    /// Slots in the vector (categories use the first ``categories``.count).
    static let slots = 64

    /// The categories and their words.
    static let categories: [(String, [String])] = [
        (
            "machine learning",
            [
                "machine learning", "ml", "deep learning", "neural*", "ai", "artificial", "model*", "pytorch", "tensorflow", "llm*",
                "transformer*", "gpt", "train*", "classifier*",
            ]
        ),
        (
            "data science",
            [
                "data", "analytic*", "statistic*", "scientist*", "science", "sql", "pandas", "experiment*", "a/b", "causal", "forecast*",
                "metric*", "dashboard*",
            ]
        ),
        (
            "recommender systems",
            [
                "recommend*", "recsys", "ranking", "personali*", "collaborative filtering", "retrieval", "search", "matrix factorization",
                "click*",
            ]
        ),
        ("language", ["nlp", "language", "linguistic*", "text", "translation", "speech", "chatbot*", "conversational"]),
        ("vision", ["vision", "image*", "video*", "camera*", "detection", "segmentation", "3d", "graphics", "render*"]),
        (
            "backend",
            [
                "backend", "server*", "api*", "distributed", "database*", "microservice*", "infrastructure", "scalab*", "rust", "go",
                "java", "swift", "python", "engineer*", "software", "programm*", "cod*", "developer*",
            ]
        ),
        ("frontend", ["frontend", "web", "javascript", "typescript", "react", "css", "html", "browser*"]),
        ("mobile", ["mobile", "ios", "android", "app", "apps"]),
        ("devops", ["devops", "cloud", "kubernetes", "docker", "aws", "sre", "deploy*", "ci"]),
        ("security", ["security", "cryptograph*", "privacy", "hack*", "infosec"]),
        (
            "product",
            ["product", "roadmap*", "stakeholder*", "strateg*", "pm", "prioriti*", "launch*", "customer*", "user research", "market fit"]
        ),
        ("design", ["design*", "ux", "ui", "figma", "prototyp*", "typograph*", "interaction", "visual", "usability", "wirefram*"]),
        ("research", ["research*", "phd", "paper*", "academ*", "professor", "publication*", "thesis", "lab"]),
        ("startups", ["startup*", "founder*", "entrepreneur*", "venture", "fundrais*", "business", "scale-up"]),
        ("finance", ["financ*", "invest*", "stock*", "trading", "crypto*", "bank*", "economic*", "fintech"]),
        ("marketing", ["marketing", "sales", "brand*", "growth", "advertis*", "seo", "content"]),
        ("music", ["music*", "guitar*", "piano", "jazz", "concert*", "sing*", "band", "song*", "violin", "drum*", "dj", "compos*"]),
        ("visual arts", ["art", "arts", "paint*", "draw*", "sculpt*", "museum*", "gallery", "illustrat*", "sketch*"]),
        ("photography", ["photo*", "camera"]),
        ("film", ["film*", "movie*", "cinema", "documentar*", "series"]),
        ("books", ["book*", "read*", "novel*", "literature", "poetry", "writ*", "author*", "fiction"]),
        (
            "fitness",
            ["fitness", "gym", "yoga", "sport*", "workout*", "swim*", "cycl*", "tennis", "football", "soccer", "basketball", "marathon*"]
        ),
        ("running", ["run", "running", "runner*", "marathon*", "trail", "jog*"]),
        ("outdoors", ["hik*", "climb*", "mountain*", "camp*", "outdoor*", "nature", "ski*", "surf*", "kayak*", "trek*", "bouldering"]),
        ("travel", ["travel*", "backpack*", "explor*", "countr*", "culture*", "abroad"]),
        ("food", ["cook*", "food*", "bak*", "cuisine", "coffee", "wine", "restaurant*", "chef", "recipe*", "vegan"]),
        ("games", ["gam*", "videogame*", "esport*", "chess", "board game*", "puzzle*", "rpg"]),
        ("science", ["physic*", "astronom*", "space", "stargaz*", "math*", "chemistr*", "quantum", "cosmo*"]),
        ("health", ["health*", "biolog*", "medic*", "neuro*", "psycholog*", "genom*", "doctor*", "clinic*", "mental"]),
        ("education", ["teach*", "education*", "mentor*", "learn*", "tutor*", "student*", "school*", "course*"]),
        ("philosophy", ["philosoph*", "ethic*", "meaning", "deep conversation*", "debate*"]),
        ("society", ["politic*", "policy", "government", "activis*", "volunteer*", "social impact", "community", "nonprofit*"]),
        ("climate", ["climate", "sustainab*", "environment*", "energy", "renewable*", "ecolog*", "garden*"]),
        ("fashion", ["fashion", "style", "cloth*", "vintage"]),
        ("animals", ["animal*", "pet*", "dog*", "cat*", "bird*", "horse*", "wildlife"]),
        ("mindfulness", ["meditat*", "mindful*", "spiritual*", "wellbeing", "wellness", "calm"]),
        ("dance", ["danc*", "salsa", "ballet", "tango"]),
        ("theatre", ["theat*", "acting", "improv", "stage", "drama", "comedy", "stand-up"]),
        ("leadership", ["lead*", "manag*", "team*", "hiring", "coach*", "people"]),
        ("hardware", ["hardware", "electronic*", "robot*", "embedded", "iot", "arduino", "maker*", "3d printing", "drone*"]),
        ("audio", ["audio", "sound", "podcast*", "voice", "acoustic*", "synth*"]),
    ]

    private static let (exact, prefixes): ([String: [Int]], [String: [Int]]) = {
        var exact: [String: [Int]] = [:]
        var prefixes: [String: [Int]] = [:]
        for (slot, (_, words)) in categories.enumerated() {
            for word in words {
                if word.hasSuffix("*") {
                    prefixes[String(word.dropLast()), default: []].append(slot)
                } else {
                    exact[word, default: []].append(slot)
                }
            }
        }
        return (exact, prefixes)
    }()

    /// The categories of one lower-case word or word pair.
    static func slots(of word: String) -> [Int] {
        if let hit = exact[word] { return hit }
        guard word.count >= 3 else { return [] }
        var found: [Int] = []
        var prefix = ""
        for ch in word.prefix(16) {
            prefix.append(ch)
            if let hit = prefixes[prefix] { found += hit }
        }
        return found
    }
}
