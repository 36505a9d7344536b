import Synchronization
public import VoxStore

/// A named channel on the ``EventBus``. Topic names are paths; the ones used today:
/// - `streams`: lifecycle of every stream (``StreamEvent``),
/// - `streams/{id}/frames`: a stream's paced face frames (``FaceFrame``).
/// Reserved for the secondary services that join the bus later: `avatars/{id}/state`,
/// `matchmaking`, `twins/{id}`.
public struct Topic: Hashable, Sendable, CustomStringConvertible {
    /// The topic's path.
    public let name: String
    /// The name's hash, computed once: hashing a String on every publish allocates.
    private let key: Int

    /// A topic by name.
    public init(_ name: String) {
        self.name = name
        var hasher = Hasher()
        hasher.combine(name)
        key = hasher.finalize()
    }

    /// Same name.
    public static func == (a: Topic, b: Topic) -> Bool { a.key == b.key && a.name == b.name }

    /// Hashes the precomputed key.
    public func hash(into hasher: inout Hasher) { hasher.combine(key) }

    /// Lifecycle events of all streams.
    public static let streams = Topic("streams")
    /// The face frames of stream `id`.
    public static func frames(of id: String) -> Topic { Topic("streams/\(id)/frames") }
    /// State changes of avatar `id` (avatar service).
    public static func avatarState(of id: String) -> Topic { Topic("avatars/\(id)/state") }

    /// The topic name.
    public var description: String { name }
}

/// One paced face frame of a stream, as it goes to renderers.
public struct FaceFrame: Sendable {
    /// Channels per frame (61 shapes and rotations, 7 emotions).
    public static let channels = 68
    /// The stream it belongs to.
    public var streamID: String
    /// Index on the stream's audio timeline: the frame covers audio time index / 60 s.
    public var index: Int
    /// No fresh model frame was ready at its due time: the previous face, eased toward neutral.
    public var held: Bool
    /// The stream's last frame.
    public var last: Bool
    /// The 68 values in the model's channel order.
    public var values: InlineArray<68, Float>

    /// A frame from its parts.
    public init(streamID: String, index: Int, held: Bool, last: Bool, values: InlineArray<68, Float>) {
        self.streamID = streamID
        self.index = index
        self.held = held
        self.last = last
        self.values = values
    }

    /// Audio time of the frame in microseconds (index * 1e6 / 60, rounded down).
    public var timeMicroseconds: Int64 { Int64(index) * 1_000_000 / 60 }
}

/// Why a stream closed.
public enum CloseReason: String, Sendable {
    /// No audio for the idle timeout.
    case idle
    /// `DELETE /v1/streams/{id}`.
    case deleted
    /// The server is shutting down.
    case shutdown
    /// The client ended its audio (or closed its audio WebSocket) and every frame was sent.
    case ended
    /// No audio arrived before the stream's first-audio deadline (`first_audio_timeout_s`).
    case noAudio = "no_audio"
}

/// A stream lifecycle event, published on ``Topic/streams`` and on the stream's frames topic.
public enum StreamEvent: Sendable, Equatable {
    /// A stream was created.
    case created(id: String)
    /// The first audio arrived, over `ingest` ("rtp" or "websocket").
    case live(id: String, ingest: String)
    /// The stream closed; no more frames follow.
    case closed(id: String, reason: CloseReason)
}

/// What travels on the bus. Secondary services add their own cases.
public enum BusMessage: Sendable {
    /// A paced face frame.
    case face(FaceFrame)
    /// A stream lifecycle event.
    case stream(StreamEvent)
    /// An event of the event API (avatars, world, ...), delivered to pattern subscribers.
    case event(StoredEvent)
}

/// An in-process publish/subscribe bus with topics. Publishing never blocks: each subscriber has
/// a bounded queue that drops its oldest message when full (counted per subscriber).
public final class EventBus: Sendable {
    private let subscribers = Mutex<[Topic: [Subscription]]>([:])
    /// Subscribers by topic pattern (the event API); checked only for ``BusMessage/event(_:)``.
    private let patternSubscribers = Mutex<[Subscription]>([])

    /// An empty bus.
    public init() {}

    /// A new subscription to every event whose topic matches one of `patterns`, holding at most
    /// `capacity` undelivered events. Unlike frame subscribers, an events subscriber that falls
    /// `capacity` behind is not thinned out (that would leave gaps): it is ended, with
    /// ``Subscription/overflowed`` set, and its client resumes from its last `seq`.
    public func subscribe(patterns: [TopicPattern], capacity: Int) -> Subscription {
        let subscription = Subscription(topic: Topic("#events"), capacity: capacity, patterns: patterns)
        patternSubscribers.withLock { $0.append(subscription) }
        return subscription
    }

    /// Delivers an event to the pattern subscribers whose patterns match its topic; returns how
    /// many subscribers overflowed and were ended.
    @discardableResult
    public func publish(event: StoredEvent) -> Int {
        let targets = patternSubscribers.withLock { $0 }
        var overflowed = 0
        for target in targets where TopicPattern.any(target.patterns, match: event.topic) {
            if target.offer(.event(event)) {
                overflowed += 1
                unsubscribe(target)
            }
        }
        return overflowed
    }

    /// Subscribers of the event API now.
    public var patternSubscriberCount: Int { patternSubscribers.withLock { $0.count } }

    /// A new subscription to `topic` holding at most `capacity` undelivered messages.
    public func subscribe(_ topic: Topic, capacity: Int) -> Subscription {
        let subscription = Subscription(topic: topic, capacity: capacity)
        subscribers.withLock { $0[topic, default: []].append(subscription) }
        return subscription
    }

    /// Stops `subscription`'s deliveries and ends its sequence once drained.
    public func unsubscribe(_ subscription: Subscription) {
        if !subscription.patterns.isEmpty {
            patternSubscribers.withLock { $0.removeAll { $0 === subscription } }
            subscription.finish()
            return
        }
        subscribers.withLock { table in
            table[subscription.topic]?.removeAll { $0 === subscription }
            if table[subscription.topic]?.isEmpty == true { table[subscription.topic] = nil }
        }
        subscription.finish()
    }

    /// Delivers `message` to every subscriber of `topic`; returns how many subscribers dropped
    /// their oldest message to make room (the publisher counts them).
    @discardableResult
    public func publish(_ message: BusMessage, on topic: Topic) -> Int {
        let targets = subscribers.withLock { $0[topic] ?? [] }
        var drops = 0
        for target in targets where target.offer(message) { drops += 1 }
        return drops
    }

    /// Subscribers of `topic` now.
    public func subscriberCount(_ topic: Topic) -> Int { subscribers.withLock { $0[topic]?.count ?? 0 } }
}

/// A bounded queue of bus messages for one subscriber, read as an async sequence.
public final class Subscription: Sendable, AsyncSequence {
    /// The topic subscribed to.
    public let topic: Topic
    /// Most undelivered messages held.
    public let capacity: Int
    /// Topic patterns of an event API subscription (empty for a topic subscription).
    public let patterns: [TopicPattern]
    private let state: Mutex<State>

    private struct State: ~Copyable {
        var queue: [BusMessage?]
        var head = 0
        var count = 0
        var dropped = 0
        var delivered = 0
        var finished = false
        var overflowed = false
        var waiter: CheckedContinuation<BusMessage?, Never>?
    }

    init(topic: Topic, capacity: Int, patterns: [TopicPattern] = []) {
        precondition(capacity >= 1, "subscription capacity must be positive")
        self.topic = topic
        self.capacity = capacity
        self.patterns = patterns
        state = Mutex(State(queue: Array(repeating: nil, count: capacity)))
    }

    /// Messages dropped because this subscriber was slow.
    public var droppedCount: Int { state.withLock { $0.dropped } }
    /// An events subscriber fell `capacity` behind and was ended (see
    /// ``EventBus/subscribe(patterns:capacity:)``).
    public var overflowed: Bool { state.withLock { $0.overflowed } }
    /// Messages handed to this subscriber.
    public var deliveredCount: Int { state.withLock { $0.delivered } }

    /// Queues `message`; true if the oldest queued message was dropped for it.
    func offer(_ message: BusMessage) -> Bool {
        state.withLock { s in
            guard !s.finished else { return false }
            if let waiter = s.waiter {
                s.waiter = nil
                s.delivered += 1
                waiter.resume(returning: message)
                return false
            }
            let full = s.count == capacity
            if full && !patterns.isEmpty {
                // An events subscriber is never thinned out: it is ended instead (no gaps).
                s.overflowed = true
                s.dropped += 1
                return true
            }
            if full {
                s.queue[s.head] = nil
                s.head = (s.head + 1) % capacity
                s.count -= 1
                s.dropped += 1
            }
            s.queue[(s.head + s.count) % capacity] = message
            s.count += 1
            return full
        }
    }

    /// Ends the sequence (unsubscribed, or its reader is gone); queued messages are still delivered.
    func finish() {
        state.withLock { s in
            s.finished = true
            if let waiter = s.waiter {
                s.waiter = nil
                waiter.resume(returning: nil)
            }
        }
    }

    /// The next message; nil once unsubscribed and drained, or when the task is cancelled.
    public func next() async -> BusMessage? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<BusMessage?, Never>) in
                state.withLock { s in
                    if s.count > 0 {
                        let message = s.queue[s.head]
                        s.queue[s.head] = nil
                        s.head = (s.head + 1) % capacity
                        s.count -= 1
                        s.delivered += 1
                        continuation.resume(returning: message)
                    } else if s.finished || Task.isCancelled {
                        continuation.resume(returning: nil)
                    } else {
                        s.waiter = continuation
                    }
                }
            }
        } onCancel: {
            state.withLock { s in
                if let waiter = s.waiter {
                    s.waiter = nil
                    waiter.resume(returning: nil)
                }
            }
        }
    }

    /// Iterates the messages until unsubscribed.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let subscription: Subscription
        /// The next message.
        public mutating func next() async -> BusMessage? { await subscription.next() }
    }

    /// An iterator over the messages.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(subscription: self) }
}
