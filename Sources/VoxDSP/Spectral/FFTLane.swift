/// The arithmetic the FFT and frame analysis need from one lane type: a scalar (`Double`, one
/// signal) or a SIMD vector (`SIMD8<Float>`, eight signals transformed in lock-step, one per lane).
public protocol FFTLane {
    /// The scalar type of one lane.
    associatedtype Scalar: BinaryFloatingPoint & Sendable
    /// Signals carried side by side.
    static var laneCount: Int { get }
    /// Every lane set to `value`.
    init(repeating value: Scalar)
    /// One lane's value.
    subscript(lane: Int) -> Scalar { get set }
    /// Lane-wise sum.
    static func + (a: Self, b: Self) -> Self
    /// Lane-wise difference.
    static func - (a: Self, b: Self) -> Self
    /// Lane-wise product.
    static func * (a: Self, b: Self) -> Self
    /// Every lane times one scalar.
    static func * (a: Self, b: Scalar) -> Self
}

extension Double: FFTLane {
    /// One lane.
    public static var laneCount: Int { 1 }
    /// The value itself.
    public init(repeating value: Double) { self = value }
    /// The value itself, whatever the lane.
    public subscript(lane: Int) -> Double {
        get { self }
        set { self = newValue }
    }
}

extension SIMD8: FFTLane where Scalar == Float {
    /// Eight lanes.
    public static var laneCount: Int { 8 }
}
