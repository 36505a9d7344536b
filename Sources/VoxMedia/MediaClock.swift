/// Microseconds on a monotonic clock. Media logic takes time as a plain value so that tests
/// can drive it with an injected clock and run in microseconds.
public typealias Microseconds = Int64
