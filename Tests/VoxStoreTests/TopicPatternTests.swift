import Testing
import VoxStore

@Suite struct TopicPatternTests {
    @Test func starMatchesOneSegment() throws {
        let p = try #require(TopicPattern("avatars/*/state"))
        #expect(p.matches("avatars/a1/state"))
        #expect(!p.matches("avatars/a1/x/state"))
        #expect(!p.matches("avatars/state"))
        #expect(!p.matches("avatars/a1/statex"))
        #expect(!p.matches("world"))
    }

    @Test func exactAndHash() throws {
        #expect(try #require(TopicPattern("world")).matches("world"))
        #expect(!(try #require(TopicPattern("world")).matches("world/x")))
        let all = try #require(TopicPattern("avatars/#"))
        #expect(all.matches("avatars/a/state"))
        #expect(all.matches("avatars/a"))
        #expect(!all.matches("avatars"))
        #expect(try #require(TopicPattern("#")).matches("anything/at/all"))
    }

    @Test func malformedPatternsAreRefused() {
        for bad in [
            "", "a//b", "/a", "a/", "#/a", "a/#/b", String(repeating: "a", count: 300),
            Array(repeating: "a", count: 17).joined(separator: "/"),
        ] {
            #expect(TopicPattern(bad) == nil, "\(bad.prefix(20))")
        }
    }
}
