#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Analysis windows.
public enum Window {
    /// Periodic Hann of length n (`scipy.signal.get_window("hann", n, fftbins=True)`, librosa's STFT window):
    /// w[i] = 0.5 - 0.5 cos(2 pi i / n).
    public static func periodicHann(_ n: Int) -> [Double] {
        (0..<n).map { 0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(n)) }
    }

    /// Symmetric Hann of length n (`numpy.hanning(n)`): w[i] = 0.5 - 0.5 cos(2 pi i / (n - 1)).
    public static func symmetricHann(_ n: Int) -> [Double] {
        if n == 1 { return [1] }
        return (0..<n).map { 0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(n - 1)) }
    }
}
