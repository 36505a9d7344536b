public import Foundation
public import VoxAvatars
import VoxCore

/// A labelled set of made-up people for measuring the space (trustworthiness, silhouette) and
/// for demos: ten personas (the seed's data scientists, ML engineers, product managers,
/// researchers and founders, plus designers, backend engineers, climbers, musicians and cooks),
/// each person drawing a CV from the persona's sentences, interests from its pool and a Big Five
/// around the persona's. Seeded: the same seed gives the same people.
public enum PersonaSet {
    /// One persona.
    public struct Persona: Sendable {
        /// Name of the persona (the label).
        public var name: String
        /// Sentences a CV draws from.
        public var sentences: [String]
        /// Interests drawn from.
        public var interests: [String]
        /// Mean Big Five (openness, conscientiousness, extraversion, agreeableness, neuroticism).
        public var traits: [Double]
    }

    /// The ten personas.
    public static let personas: [Persona] = [
        Persona(
            name: "recsys data scientist",
            sentences: [
                "Data scientist building recommender systems for an e-commerce marketplace.",
                "I design ranking models and run A/B tests on personalised recommendations.",
                "Five years of experience with collaborative filtering, embeddings and click-through prediction.",
                "I work on retrieval and ranking for a music streaming recommender.",
                "Previously built recommendation pipelines in Python, SQL and Spark.",
                "I measure offline and online metrics for recommendation quality.",
            ],
            interests: [
                "recommender systems", "machine learning", "a/b testing", "statistics", "personalization", "data science",
                "information retrieval",
            ],
            traits: [0.65, 0.7, 0.4, 0.6, 0.4]),
        Persona(
            name: "llm engineer",
            sentences: [
                "Machine learning engineer fine-tuning large language models.",
                "I build inference services for transformer models on GPUs.",
                "Working on retrieval-augmented generation and evaluation of LLM agents.",
                "I train and distil language models and optimise their serving latency.",
                "Experience with PyTorch, CUDA kernels and distributed training.",
            ],
            interests: ["large language models", "deep learning", "nlp", "gpu programming", "open source", "machine learning"],
            traits: [0.75, 0.6, 0.35, 0.5, 0.45]),
        Persona(
            name: "product manager",
            sentences: [
                "Product manager for AI-powered products in a growing startup.",
                "I own the roadmap, talk to customers and prioritise features with engineering.",
                "I launched a B2B analytics product and grew it to thousands of users.",
                "I translate user research into product strategy and clear requirements.",
                "Experienced in agile delivery, stakeholder management and pricing.",
            ],
            interests: ["product strategy", "user research", "startups", "leadership", "public speaking", "business"],
            traits: [0.6, 0.75, 0.75, 0.65, 0.35]),
        Persona(
            name: "ux designer",
            sentences: [
                "UX designer crafting interfaces for mobile and web apps.",
                "I run usability tests, sketch wireframes and build prototypes in Figma.",
                "Visual and interaction designer with a background in illustration.",
                "I design accessible design systems and typography for products.",
                "I love turning messy user journeys into simple, delightful flows.",
            ],
            interests: ["interaction design", "typography", "illustration", "accessibility", "art", "prototyping"],
            traits: [0.85, 0.55, 0.55, 0.7, 0.5]),
        Persona(
            name: "backend engineer",
            sentences: [
                "Backend engineer building distributed systems and APIs.",
                "I run Kubernetes clusters and design databases for high-traffic services.",
                "Software engineer writing Go and Rust microservices with strong reliability.",
                "I work on infrastructure, observability and on-call tooling.",
                "Scaled a payments backend to millions of requests per day.",
            ],
            interests: ["distributed systems", "databases", "rust", "cloud infrastructure", "devops", "open source"],
            traits: [0.55, 0.75, 0.3, 0.55, 0.4]),
        Persona(
            name: "nlp researcher",
            sentences: [
                "PhD researcher in natural language processing and computational linguistics.",
                "I publish papers on machine translation and multilingual models.",
                "Research scientist studying semantics, syntax and language acquisition.",
                "I teach a university course on linguistics and speech.",
                "My thesis was on low-resource languages and translation.",
            ],
            interests: ["linguistics", "machine translation", "academic research", "languages", "philosophy", "teaching"],
            traits: [0.85, 0.65, 0.35, 0.6, 0.5]),
        Persona(
            name: "startup founder",
            sentences: [
                "Founder and CEO of a seed-stage AI startup.",
                "I raised venture funding, hired the first team and found product-market fit.",
                "Serial entrepreneur building companies in fintech and AI.",
                "I pitch investors, close deals and set the company's vision.",
                "Previously co-founded a marketplace that was acquired.",
            ],
            interests: ["entrepreneurship", "venture capital", "fundraising", "leadership", "startups", "investing"],
            traits: [0.7, 0.6, 0.85, 0.45, 0.35]),
        Persona(
            name: "outdoor photographer",
            sentences: [
                "Landscape photographer who spends weekends in the mountains.",
                "I climb, hike long trails and camp under the stars.",
                "Outdoor guide leading trekking trips across the Alps.",
                "I photograph wildlife and nature for travel magazines.",
                "Bouldering and ski touring keep me busy every winter.",
            ],
            interests: ["hiking", "rock climbing", "photography", "travel", "camping", "wildlife"],
            traits: [0.75, 0.5, 0.6, 0.65, 0.3]),
        Persona(
            name: "musician",
            sentences: [
                "Jazz pianist playing in clubs and teaching music.",
                "I compose songs, record albums and tour with my band.",
                "Guitarist and producer working in a small recording studio.",
                "I perform at concerts and arrange music for orchestras.",
                "Music teacher who loves improvisation and live sessions.",
            ],
            interests: ["jazz", "piano", "composing", "live concerts", "music production", "guitar"],
            traits: [0.9, 0.4, 0.65, 0.6, 0.55]),
        Persona(
            name: "chef",
            sentences: [
                "Chef running a small restaurant with a seasonal menu.",
                "I cook, bake bread and write recipes for a food blog.",
                "Pastry chef trained in Paris, now teaching cooking classes.",
                "I source vegetables from local farms and ferment my own sauces.",
                "Food writer reviewing restaurants and coffee shops.",
            ],
            interests: ["cooking", "baking", "wine", "coffee", "food", "gardening"],
            traits: [0.7, 0.6, 0.6, 0.7, 0.45]),
    ]

    /// One generated person.
    public struct Person: Sendable {
        /// The persona's index.
        public var label: Int
        /// A create request.
        public var input: ProfileInput
        /// Big Five.
        public var personality: Personality
        /// The person as a `POST /v1/profiles` body.
        public var json: Data
    }

    private struct Body: Encodable {
        struct Traits: Encodable { var openness, conscientiousness, extraversion, agreeableness, neuroticism: Double }
        var name: String
        var cvText: String
        var interests: [String]
        var personality: Traits?
        enum CodingKeys: String, CodingKey {
            case name, interests, personality
            case cvText = "cv_text"
        }
    }

    /// `count` people, cycling through the personas, drawn from `seed`.
    public static func people(count: Int, seed: UInt64, withPersonality: Bool = true) -> [Person] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { i in
            let label = i % personas.count
            let p = personas[label]
            let sentences = pick(p.sentences, 2 + Int(random.next() % 2), &random).joined(separator: " ")
            let interests = pick(p.interests, 3 + Int(random.next() % 2), &random)
            let t = p.traits.map { min(1, max(0, $0 + (random.nextUnit() - 0.5) * 0.2)) }
            let personality = Personality(
                openness: t[0], conscientiousness: t[1], extraversion: t[2], agreeableness: t[3], neuroticism: t[4])
            var input = ProfileInput(name: "\(p.name) \(i)", cvText: sentences, interests: interests)
            if withPersonality {
                input.personality = .init(
                    openness: t[0], conscientiousness: t[1], extraversion: t[2], agreeableness: t[3], neuroticism: t[4])
            }
            let body = Body(
                name: "\(p.name) \(i)", cvText: sentences, interests: interests,
                personality: withPersonality
                    ? .init(openness: t[0], conscientiousness: t[1], extraversion: t[2], agreeableness: t[3], neuroticism: t[4]) : nil)
            let json = (try? JSONEncoder().encode(body)) ?? Data()
            return Person(label: label, input: input, personality: personality, json: json)
        }
    }

    private static func pick(_ pool: [String], _ n: Int, _ random: inout SplitMix64) -> [String] {
        var pool = pool
        for i in 0..<min(n, pool.count) { pool.swapAt(i, i + Int(random.next() % UInt64(pool.count - i))) }
        return Array(pool.prefix(n))
    }
}
