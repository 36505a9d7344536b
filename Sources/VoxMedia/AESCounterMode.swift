import CCrypto

/// AES-128 in counter mode (NIST SP 800-38A §6.5) on one OpenSSL cipher context: the key schedule
/// is built once in `init`; each `apply` only loads a new initial counter block, which allocates
/// nothing (measured with `CRYPTO_set_mem_functions` on OpenSSL 3.0).
///
/// OpenSSL increments the whole 128-bit block, SRTP only its low 16 bits (RFC 3711 §4.1.1). Both
/// agree because SRTP counter blocks end in 16 zero bits and one call stays under 2^16 blocks (1 MiB).
///
/// Not thread-safe: one owner at a time, as `~Copyable` enforces.
struct AESCounterMode: ~Copyable {
    /// Bytes of the key.
    static let keyLength = 16
    /// Bytes of the counter block.
    static let blockLength = 16

    private let context: OpaquePointer

    /// Schedules `key` (16 bytes).
    init(key: [UInt8]) throws(SRTPKeyError) {
        precondition(key.count == Self.keyLength, "AES-128 takes a 16-byte key")
        guard let context = EVP_CIPHER_CTX_new() else { throw .openSSL("EVP_CIPHER_CTX_new") }
        let status = key.withUnsafeBufferPointer { EVP_EncryptInit_ex2(context, EVP_aes_128_ctr(), $0.baseAddress, nil, nil) }
        guard status == 1 else {
            EVP_CIPHER_CTX_free(context)
            throw .openSSL("EVP_EncryptInit_ex2")
        }
        self.context = context
    }

    deinit { EVP_CIPHER_CTX_free(context) }

    /// XORs the keystream that starts at counter block `iv` into `input`, writing `output`.
    ///
    /// `output` must be at least as long as `input` and either be the same memory or not overlap it.
    /// Returns false only if OpenSSL reports a failure.
    func apply(iv: UnsafeRawBufferPointer, input: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer) -> Bool {
        precondition(iv.count == Self.blockLength, "the counter block has 16 bytes")
        precondition(output.count >= input.count, "output shorter than input")
        precondition(input.count < Self.blockLength << 16, "one SRTP keystream covers at most 2^16 blocks")
        guard EVP_EncryptInit_ex2(context, nil, nil, iv.baseAddress, nil) == 1 else { return false }
        guard !input.isEmpty else { return true }
        var written: Int32 = 0
        let status = EVP_EncryptUpdate(
            context, output.baseAddress?.assumingMemoryBound(to: UInt8.self), &written,
            input.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(input.count))
        return status == 1 && Int(written) == input.count
    }
}
