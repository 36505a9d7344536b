/// The constants of NeuroSync's audio features (see ../shared/reference/neurosync.md; the
/// reference is `utils/audio/extraction/extract_features.py` in AnimaVR/NeuroSync_Local_API).
public enum FeatureConfig {
    /// Analysis sample rate: audio is resampled to 88.2 kHz. ref: `sr=88200`.
    public static let sampleRate = 88_200
    /// Frame length in samples, `int(0.01667 * 88200)` = 1470 (16.67 ms).
    public static let frameLength = 1470
    /// Hop in samples, `frame_length // 2` = 735 (8.33 ms): 120 analysis frames per second.
    public static let hopLength = 735
    /// Cepstral coefficients kept. ref: `num_mfcc=23`.
    public static let mfccCount = 23
    /// Mel bands (librosa's default `n_mels`).
    public static let melBandCount = 128
    /// Autocorrelation lags kept (lag 0 is dropped). ref: `num_autocorr_coeff=187`.
    public static let autocorrelationLags = 187
    /// The dB floor below the clip maximum (`power_to_db(top_db=80)`).
    public static let topDecibels = 80.0
    /// Smallest power before the logarithm (`power_to_db(amin=1e-10)`).
    public static let minimumPower = 1e-10
    /// Delta window (`librosa.feature.delta(width=9)`).
    public static let deltaWidth = 9
    /// Added to the standard deviation in cepstral mean/variance normalisation.
    public static let cmvnEpsilon = 1e-10
    /// Autocorrelation frames whose every value is below this are replaced by their neighbour.
    public static let edgeFrameThreshold = 1e-7
    /// The reference refuses clips with fewer than 9 frames of `(len - 1470) // 735 + 1`.
    public static let minimumFrames = 9
    /// Values per output frame: 23 MFCC + 23 delta + 23 delta-delta + 187 autocorrelation.
    public static let featureCount = 3 * mfccCount + autocorrelationLags
    /// Output frames per second (pairs of analysis frames).
    public static let framesPerSecond = 60

    /// Fewest 88.2 kHz samples the reference accepts: 1470 + 8 * 735 = 7350 (83.3 ms).
    public static var minimumSamples: Int { frameLength + (minimumFrames - 1) * hopLength }

    /// Analysis frames (120 fps) for `sampleCount` samples at 88.2 kHz: `1 + len // 735`.
    public static func analysisFrameCount(sampleCount: Int) -> Int { 1 + sampleCount / hopLength }

    /// Output frames (60 fps): analysis frames paired, an odd last one kept.
    public static func outputFrameCount(sampleCount: Int) -> Int {
        (analysisFrameCount(sampleCount: sampleCount) + 1) / 2
    }
}
