import CCrypto

/// HMAC-SHA1 (RFC 2104) with a fixed key, on one OpenSSL `EVP_MAC_CTX` that is re-initialised per
/// message without re-sending the key.
///
/// OpenSSL 3.0 still makes two small allocations inside each re-initialisation (it duplicates its
/// precomputed inner and outer SHA-1 states); nothing else on this path allocates.
///
/// Not thread-safe: one owner at a time, as `~Copyable` enforces.
struct HMACSHA1: ~Copyable {
    /// Bytes of a full HMAC-SHA1 output.
    static let digestLength = 20

    private let context: OpaquePointer

    /// Sets up HMAC with SHA-1 and `key`.
    init(key: [UInt8]) throws(SRTPKeyError) {
        guard let algorithm = EVP_MAC_fetch(nil, "HMAC", nil) else { throw .openSSL("EVP_MAC_fetch(HMAC)") }
        // The context keeps its own reference to the algorithm.
        defer { EVP_MAC_free(algorithm) }
        guard let context = EVP_MAC_CTX_new(algorithm) else { throw .openSSL("EVP_MAC_CTX_new") }
        var digestName = Array("SHA1".utf8CString)
        let status = digestName.withUnsafeMutableBufferPointer { name in
            "digest".withCString { parameter in
                var parameters = [
                    OSSL_PARAM_construct_utf8_string(parameter, name.baseAddress, 0), OSSL_PARAM_construct_end(),
                ]
                return key.withUnsafeBufferPointer { EVP_MAC_init(context, $0.baseAddress, $0.count, &parameters) }
            }
        }
        guard status == 1 else {
            EVP_MAC_CTX_free(context)
            throw .openSSL("EVP_MAC_init(SHA1)")
        }
        self.context = context
    }

    deinit { EVP_MAC_CTX_free(context) }

    /// Writes HMAC(key, `message` || `suffix`) into `digest` (20 bytes). False if OpenSSL fails.
    func authenticate(_ message: UnsafeRawBufferPointer, _ suffix: UnsafeRawBufferPointer, into digest: UnsafeMutableRawBufferPointer)
        -> Bool
    {
        precondition(digest.count == Self.digestLength, "HMAC-SHA1 writes 20 bytes")
        // A nil key restarts the MAC with the key given in `init` (OpenSSL 3.0, openssl/openssl#18100).
        guard EVP_MAC_init(context, nil, 0, nil) == 1 else { return false }
        guard update(message), update(suffix) else { return false }
        var written = 0
        let status = EVP_MAC_final(context, digest.baseAddress?.assumingMemoryBound(to: UInt8.self), &written, digest.count)
        return status == 1 && written == Self.digestLength
    }

    private func update(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.isEmpty || EVP_MAC_update(context, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count) == 1
    }
}
