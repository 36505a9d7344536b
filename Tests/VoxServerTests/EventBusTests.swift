import Testing
import VoxStore

@testable import VoxServer

@Suite struct EventBusTests {
    private func frame(_ index: Int) -> BusMessage {
        .face(FaceFrame(streamID: "s", index: index, held: false, last: false, values: .init(repeating: 0)))
    }

    private func index(_ message: BusMessage?) -> Int? {
        if case .face(let f)? = message { f.index } else { nil }
    }

    /// A slow subscriber loses its oldest messages, counted; a fast one on the same topic loses none;
    /// another topic sees nothing.
    @Test func slowSubscriberDropsOldestAndIsCounted() async {
        let bus = EventBus()
        let slow = bus.subscribe(.frames(of: "a"), capacity: 4)
        let fast = bus.subscribe(.frames(of: "a"), capacity: 100)
        let other = bus.subscribe(.frames(of: "b"), capacity: 4)
        for i in 0..<10 { bus.publish(frame(i), on: .frames(of: "a")) }
        #expect(slow.droppedCount == 6)
        var got: [Int] = []
        for _ in 0..<4 { got.append(index(await slow.next()) ?? -1) }
        #expect(got == [6, 7, 8, 9])
        for i in 0..<10 { #expect(index(await fast.next()) == i) }
        #expect(fast.droppedCount == 0 && fast.deliveredCount == 10)
        bus.unsubscribe(other)
        #expect(await other.next() == nil)
        #expect(bus.subscriberCount(.frames(of: "a")) == 2 && bus.subscriberCount(.frames(of: "b")) == 0)
    }

    /// Unsubscribing wakes a waiting reader with the end of the sequence; queued messages still come first.
    @Test func unsubscribeEndsTheSequenceAfterQueuedMessages() async {
        let bus = EventBus()
        let subscription = bus.subscribe(.streams, capacity: 8)
        let reader = Task { () -> [Int] in
            var seen: [Int] = []
            for await message in subscription { seen.append(index(message) ?? -1) }
            return seen
        }
        bus.publish(frame(1), on: .streams)
        try? await Task.sleep(for: .milliseconds(50))
        bus.publish(frame(2), on: .streams)
        bus.unsubscribe(subscription)
        bus.publish(frame(3), on: .streams)  // after unsubscribing: not delivered
        #expect(await reader.value == [1, 2])
    }

    /// An events subscriber gets only the topics its patterns match, in order; one that falls its
    /// capacity behind is ended (overflowed), keeping what it had without a gap, never thinned.
    @Test func patternSubscribersMatchAndOverflowIsAnEnd() async {
        let bus = EventBus()
        let states = bus.subscribe(patterns: [TopicPattern("avatars/*/state")!], capacity: 3)
        let all = bus.subscribe(patterns: [TopicPattern("#")!], capacity: 100)
        func event(_ seq: Int64, _ topic: String) -> StoredEvent {
            StoredEvent(seq: seq, topic: topic, time: 0, data: "{}", durable: true)
        }
        #expect(bus.publish(event: event(1, "avatars/a/state")) == 0)
        #expect(bus.publish(event: event(2, "world")) == 0)
        #expect(bus.publish(event: event(3, "avatars/b/state")) == 0)
        #expect(bus.publish(event: event(4, "avatars/c/state")) == 0)
        #expect(bus.publish(event: event(5, "avatars/d/state")) == 1, "the fourth queued state event overflows")
        #expect(states.overflowed && !all.overflowed)
        #expect(bus.patternSubscriberCount == 1)
        var got: [Int64] = []
        while let message = await states.next() {
            if case .event(let e) = message { got.append(e.seq) }
        }
        #expect(got == [1, 3, 4], "what was queued is delivered, nothing after the overflow")
        var seen: [Int64] = []
        for _ in 0..<5 {
            if case .event(let e)? = await all.next() { seen.append(e.seq) }
        }
        #expect(seen == [1, 2, 3, 4, 5])
    }
}
