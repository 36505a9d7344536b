public import Testing

/// Tests that each load the whole machine take turns: the abuse test (a server with 64 streams
/// and 64 frame subscribers), the server suites (browsers among them) and the thousand personas
/// through the sentence encoder. On a 2-core CI machine any two of them at once starved each
/// other's requests past their 60 s bounds (a request reached its handler 45-57 s after it was
/// sent); each alone keeps well inside them. Tests beside them still run in parallel.
///
/// Give a suite or test the trait `.takesTurnsWithHeavyTests`; never give it to a test inside a
/// suite that has it (the turn is not re-entrant).
public struct HeavyTestTurn: SuiteTrait, TestTrait, TestScoping {
    /// A suite's turn covers the whole suite, not each of its tests again.
    public var isRecursive: Bool { false }

    /// Waits for the turn, runs the suite or test, and passes the turn on (also when it throws).
    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        await Self.turns.acquire()
        do {
            try await function()
        } catch {
            await Self.turns.release()
            throw error
        }
        await Self.turns.release()
    }

    static let turns = Turns()

    /// One holder at a time, the others waiting in arrival order.
    actor Turns {
        private var held = false
        private var waiting: [CheckedContinuation<Void, Never>] = []

        func acquire() async {
            if !held {
                held = true
                return
            }
            await withCheckedContinuation { waiting.append($0) }
        }

        func release() {
            if waiting.isEmpty {
                held = false
            } else {
                waiting.removeFirst().resume()  // the turn passes straight to the next
            }
        }
    }
}

extension Trait where Self == HeavyTestTurn {
    /// Runs the suite or test only while no other heavy test runs (``HeavyTestTurn``).
    public static var takesTurnsWithHeavyTests: Self { HeavyTestTurn() }
}
