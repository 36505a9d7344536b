/// A fixed-capacity FIFO ring buffer of trivially copyable values.
///
/// Storage is allocated once at init; `append`, `removeFirst` and indexed reads never allocate.
/// Not thread-safe: one owner (one stream) at a time.
public struct RingBuffer<Element: BitwiseCopyable>: ~Copyable {
    private let storage: UnsafeMutableBufferPointer<Element>
    private var head = 0
    /// Number of values currently held.
    public private(set) var count = 0
    /// Total number of values ever removed from the front; the absolute index of `self[0]`.
    public private(set) var removedCount = 0

    /// A ring that holds at most `capacity` values, filled with `fill` storage.
    public init(capacity: Int, fill: Element) {
        precondition(capacity > 0, "ring capacity must be positive")
        storage = .allocate(capacity: capacity)
        storage.initialize(repeating: fill)
    }

    deinit { storage.deallocate() }

    /// Maximum number of values held.
    public var capacity: Int { storage.count }
    /// Free slots.
    public var freeCount: Int { storage.count - count }
    /// Absolute index one past the newest value (`removedCount + count`).
    public var endIndex: Int { removedCount + count }

    /// The value at position `index` from the oldest (0) held value.
    public subscript(index: Int) -> Element {
        precondition(index >= 0 && index < count, "ring index \(index) out of 0..<\(count)")
        return storage[(head + index) % storage.count]
    }

    /// The value at absolute stream index `absolute` (see `removedCount`).
    public func value(atAbsolute absolute: Int) -> Element {
        self[absolute - removedCount]
    }

    /// Appends one value; the ring must not be full.
    public mutating func append(_ value: Element) {
        precondition(count < storage.count, "ring buffer overflow")
        storage[(head + count) % storage.count] = value
        count += 1
    }

    /// Appends all values; they must fit.
    public mutating func append(contentsOf values: UnsafeBufferPointer<Element>) {
        precondition(values.count <= freeCount, "ring buffer overflow")
        var tail = (head + count) % storage.count
        var remaining = values[...]
        while !remaining.isEmpty {
            let chunk = min(remaining.count, storage.count - tail)
            let dst = UnsafeMutableBufferPointer(rebasing: storage[tail..<tail + chunk])
            _ = dst.initialize(from: remaining.prefix(chunk))
            remaining = remaining.dropFirst(chunk)
            tail = (tail + chunk) % storage.count
        }
        count += values.count
    }

    /// Drops the `n` oldest values.
    public mutating func removeFirst(_ n: Int) {
        precondition(n >= 0 && n <= count, "cannot remove \(n) of \(count) values")
        head = (head + n) % storage.count
        count -= n
        removedCount += n
    }

    /// Copies `destination.count` values starting at position `start` (from the oldest) out.
    public func copy(from start: Int, into destination: UnsafeMutableBufferPointer<Element>) {
        precondition(start >= 0 && start + destination.count <= count, "ring read out of range")
        var position = (head + start) % storage.count
        var written = 0
        while written < destination.count {
            let chunk = min(destination.count - written, storage.count - position)
            for i in 0..<chunk { destination[written + i] = storage[position + i] }
            written += chunk
            position = (position + chunk) % storage.count
        }
    }

    /// Drops the `n` newest values.
    public mutating func removeLastValues(_ n: Int) {
        precondition(n >= 0 && n <= count, "cannot remove \(n) of \(count) values")
        count -= n
    }

    /// Empties the ring without resetting `removedCount`.
    public mutating func removeAll() {
        removeFirst(count)
    }
}
