import Synchronization
import VoxMedia

/// The SRTP receive side of a stream created with `"srtp": true`: its master key (handed to the
/// client once, in the creation reply) and the context that authenticates, replay-checks and
/// decrypts its packets in place on the RTP ingest thread.
final class SRTPReceiver: Sendable {
    /// The suite, as SDES (RFC 4568) and ffmpeg's `-srtp_out_suite` name it.
    static let suite = "AES_CM_128_HMAC_SHA1_80"

    let key: SRTPMasterKey
    private let context: Mutex<SRTPContext>

    /// A receiver with a fresh random master key. The context adopts the stream's SSRC with its
    /// first authenticated packet (packets reach it only after the SSRC lookup).
    init() throws(SRTPKeyError) {
        let key = try SRTPMasterKey.random()
        self.key = key
        context = Mutex(try SRTPContext(masterKey: key))
    }

    /// Writes the plain RTP packet of the SRTP packet `datagram` to `out` and returns its length,
    /// or the reason it was dropped (`srtp_auth`, `srtp_replay`, `srtp_malformed`, ...).
    func unprotect(_ datagram: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) -> Result<Int, SRTPError> {
        context.withLock { c in
            do throws(SRTPError) {
                return .success(try c.unprotect(datagram, into: out))
            } catch {
                return .failure(error)
            }
        }
    }
}
