import Testing
import VoxCore
import VoxMedia

/// SRTP (RFC 3711, AES_CM_128_HMAC_SHA1_80): the RFC's test vectors, round trips, replay and
/// rollover handling, and hostile datagrams. Interop with ffmpeg lives in SRTPFFmpegTests.swift.
@Suite struct SRTPTests {
    // MARK: RFC 3711 Appendix B

    @Test func keystreamMatchesRFC3711AppendixB2() throws {
        // ref: RFC 3711 Appendix B.2; blocks FEFF...FF01 also equal NIST SP 800-38A F.5.1's, whose
        // counter block F0F1...FEFF is the same input.
        let keys = try SRTPSessionKeys(
            encryptionKey: hex("2B7E151628AED2A6ABF7158809CF4F3C"), authenticationKey: [UInt8](repeating: 0, count: 20),
            salt: hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD"))
        var sender = try SRTPContext(sessionKeys: keys)
        // ROC 0, SEQ 0, SSRC 0: encrypting zeros yields the keystream itself.
        let rtp = rtpPacket(sequence: 0, ssrc: 0, payload: [UInt8](repeating: 0, count: 0xFF02 * 16))
        let keystream = protect(&sender, rtp)[12..<(12 + 0xFF02 * 16)]
        let expected: [(block: Int, bytes: String)] = [
            (0x0000, "E03EAD0935C95E80E166B16DD92B4EB4"),
            (0x0001, "D23513162B02D0F72A43A2FE4A5F97AB"),
            (0x0002, "41E95B3BB0A2E8DD477901E4FCA894C0"),
            (0xFEFF, "EC8CDF7398607CB0F2D21675EA9EA1E4"),
            (0xFF00, "362B7C3C6773516318A077D7FC5073AE"),
            (0xFF01, "6A2CC3787889374FBEB4C81B17BA6C44"),
        ]
        for (block, bytes) in expected {
            let start = keystream.startIndex + block * 16
            #expect(Array(keystream[start..<start + 16]) == hex(bytes), "keystream block \(block)")
        }
    }

    @Test func keyDerivationMatchesRFC3711AppendixB3() throws {
        // ref: RFC 3711 Appendix B.3 (key derivation rate 0).
        let master = try SRTPMasterKey(key: hex("E1F97A0D3E018BE0D64FA32C06DE4139"), salt: hex("0EC675AD498AFEEBB6960B3AABE6"))
        let keys = try master.sessionKeys()
        #expect(keys.encryptionKey == hex("C61E7A93744F39EE10734AFE3FF7A087"))
        #expect(keys.salt == hex("30CBBC08863D8C85D49DB34A9AE1"))
        #expect(keys.authenticationKey == hex("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4"))
    }

    // MARK: Keys

    @Test func inlineKeyBase64() throws {
        let bytes = [UInt8](0..<30)
        let key = try SRTPMasterKey(base64: "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd")
        #expect(key.key == Array(bytes[..<16]) && key.salt == Array(bytes[16...]))
        #expect(key.base64 == "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd")
        #expect(throws: SRTPKeyError.invalidBase64(offset: 3)) { try SRTPMasterKey(base64: "AAE!AwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd") }
        #expect(throws: SRTPKeyError.wrongLength(what: "inline key", got: 28, expected: 30)) {
            try SRTPMasterKey(base64: "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGw==")
        }
        #expect(throws: SRTPKeyError.wrongLength(what: "inline key", got: 0, expected: 30)) { try SRTPMasterKey(base64: "") }
        #expect(throws: SRTPKeyError.self) { try SRTPMasterKey(base64: "inline:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd") }
        #expect(throws: SRTPKeyError.self) { try SRTPMasterKey(base64: "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd|2^31") }

        let first = try SRTPMasterKey.random()
        let second = try SRTPMasterKey.random()
        #expect(first != second)
        #expect(try SRTPMasterKey(base64: first.base64) == first)
        #expect(first.base64.utf8.count == 40)
        #expect(!"\(first)".contains(first.base64) && "\(first)".contains("redacted"))
    }

    // MARK: Round trips

    @Test(arguments: [
        RTPShape(csrcCount: 0, extensionWords: nil, padding: 0, payloadLength: 160),
        RTPShape(csrcCount: 3, extensionWords: 2, padding: 0, payloadLength: 97),
        RTPShape(csrcCount: 15, extensionWords: 0, padding: 4, payloadLength: 31),
        RTPShape(csrcCount: 0, extensionWords: nil, padding: 0, payloadLength: 0),
    ])
    func roundTripRestoresThePacket(shape: RTPShape) throws {
        let key = try SRTPMasterKey.random()
        var sender = try SRTPContext(masterKey: key)
        var receiver = try SRTPContext(masterKey: key)
        let rtp = rtpPacket(sequence: 4711, ssrc: 0xDEAD_BEEF, shape: shape)
        let srtp = protect(&sender, rtp)
        #expect(srtp.count == rtp.count + SRTPContext.tagLength)
        #expect(srtp[..<shape.headerLength] == rtp[..<shape.headerLength], "the header travels in clear")
        if shape.payloadLength > 8 {
            #expect(srtp[shape.headerLength..<rtp.count] != rtp[shape.headerLength...], "the payload is encrypted")
        }
        #expect(try unprotect(&receiver, srtp) == rtp)
        #expect(receiver.ssrc == 0xDEAD_BEEF)
    }

    @Test func protectAndUnprotectWorkInPlace() throws {
        let key = try SRTPMasterKey.random()
        var sender = try SRTPContext(masterKey: key)
        var receiver = try SRTPContext(masterKey: key)
        let rtp = rtpPacket(sequence: 9, ssrc: 77, payload: (0..<80).map { UInt8($0) })
        var buffer = rtp + [UInt8](repeating: 0, count: SRTPContext.tagLength)
        let protected = buffer.withUnsafeMutableBytes { sender.protect(UnsafeRawBufferPointer(rebasing: $0[..<rtp.count]), into: $0) }
        var reference = try SRTPContext(masterKey: key)
        #expect(Array(buffer[..<protected]) == protect(&reference, rtp), "same bytes as protecting out of place")
        let plain = try buffer.withUnsafeMutableBytes { (bytes) throws(SRTPError) in
            try receiver.unprotect(UnsafeRawBufferPointer(bytes), into: bytes)
        }
        #expect(Array(buffer[..<plain]) == rtp)
    }

    @Test func anyFlippedBitFailsAndLeavesTheContextUntouched() throws {
        let key = try SRTPMasterKey.random()
        var sender = try SRTPContext(masterKey: key)
        var receiver = try SRTPContext(masterKey: key)
        let rtp = rtpPacket(sequence: 100, ssrc: 1234, payload: [UInt8](repeating: 0x5A, count: 20))
        let srtp = protect(&sender, rtp)
        for bit in 0..<(srtp.count * 8) {
            var damaged = srtp
            damaged[bit / 8] ^= 1 << (bit % 8)
            do {
                _ = try unprotect(&receiver, damaged)
                Issue.record("bit \(bit) flipped was accepted")
            } catch {
                let header = bit < 8 * 12
                // Header bits may make the layout impossible; everything else is the tag's job.
                #expect(error == .authenticationFailed || (header && error.reason == "srtp_malformed"), "bit \(bit): \(error)")
            }
        }
        #expect(receiver.ssrc == nil && receiver.receiveWindow == SRTPReplayWindow())
        #expect(try unprotect(&receiver, srtp) == rtp)
    }

    @Test func anotherKeyFailsAuthentication() throws {
        var sender = try SRTPContext(masterKey: SRTPMasterKey.random())
        var receiver = try SRTPContext(masterKey: SRTPMasterKey.random())
        let srtp = protect(&sender, rtpPacket(sequence: 1, ssrc: 5, payload: [1, 2, 3]))
        #expect(throws: SRTPError.authenticationFailed) { try unprotect(&receiver, srtp) }
        #expect(SRTPError.authenticationFailed.reason == "srtp_auth")
    }

    @Test func anotherSSRCIsRefused() throws {
        let key = try SRTPMasterKey.random()
        var first = try SRTPContext(masterKey: key)
        var second = try SRTPContext(masterKey: key)
        var receiver = try SRTPContext(masterKey: key)
        _ = try unprotect(&receiver, protect(&first, rtpPacket(sequence: 1, ssrc: 5, payload: [1])))
        #expect(throws: SRTPError.unexpectedSSRC(6)) {
            try unprotect(&receiver, protect(&second, rtpPacket(sequence: 2, ssrc: 6, payload: [1])))
        }
        var pinned = try SRTPContext(masterKey: key, ssrc: 6)
        #expect(throws: SRTPError.unexpectedSSRC(5)) {
            try unprotect(&pinned, protect(&first, rtpPacket(sequence: 2, ssrc: 5, payload: [1])))
        }
    }

    // MARK: Replay window

    @Test func anAcceptedPacketIsNotAcceptedAgain() throws {
        let key = try SRTPMasterKey.random()
        var sender = try SRTPContext(masterKey: key)
        var receiver = try SRTPContext(masterKey: key)
        let srtp = protect(&sender, rtpPacket(sequence: 500, ssrc: 1, payload: [9, 9]))
        _ = try unprotect(&receiver, srtp)
        #expect(throws: SRTPError.replayed(sequence: 500)) { try unprotect(&receiver, srtp) }
        #expect(SRTPError.replayed(sequence: 500).reason == "srtp_replay")
    }

    @Test func reorderingInsideTheWindowIsAcceptedOnceAndOlderPacketsAreRefused() throws {
        let key = try SRTPMasterKey.random()
        var sender = try SRTPContext(masterKey: key)
        var receiver = try SRTPContext(masterKey: key)
        let packets = (1000...1100).map { protect(&sender, rtpPacket(sequence: UInt16($0), ssrc: 1, payload: [UInt8($0 & 0xFF)])) }
        let held: Set<Int> = [1010, 1036, 1037, 1040, 1099]
        for (offset, srtp) in packets.enumerated() where !held.contains(1000 + offset) {
            _ = try unprotect(&receiver, srtp)
        }
        // Highest is 1100: 1040 (60 behind) and 1037 (63 behind) are still inside the window.
        for sequence in [1099, 1040, 1037] {
            _ = try unprotect(&receiver, packets[sequence - 1000])
            #expect(throws: SRTPError.replayed(sequence: UInt16(sequence))) { try unprotect(&receiver, packets[sequence - 1000]) }
        }
        // 1036 is 64 behind and 1010 is 90 behind: they cannot be told from replays.
        for sequence in [1036, 1010] {
            #expect(throws: SRTPError.replayed(sequence: UInt16(sequence))) { try unprotect(&receiver, packets[sequence - 1000]) }
        }
    }

    @Test func windowBoundaries() {
        var window = SRTPReplayWindow()
        #expect(window.verdict(for: 7) == .fresh && window.estimate(sequence: 7) == 7)
        window.accept(200)
        #expect(window.verdict(for: 200) == .duplicate)
        #expect(window.verdict(for: 200 - 63) == .fresh)
        #expect(window.verdict(for: 200 - 64) == .tooOld)
        #expect(window.verdict(for: 201) == .fresh)
        window.accept(200 + 63)
        #expect(window.verdict(for: 200) == .duplicate, "63 behind the new highest: still remembered")
        window.accept(200 + 64)
        #expect(window.verdict(for: 200) == .tooOld, "64 behind: outside")
        #expect(window.verdict(for: 263) == .duplicate)
        window.accept(10_000)
        #expect(window.verdict(for: 263) == .tooOld && window.verdict(for: 9_999) == .fresh)
    }

    @Test func indexEstimateFollowsRFC3711AppendixA() {
        var window = SRTPReplayWindow()
        window.accept(3 << 16 | 65_530)
        #expect(window.estimate(sequence: 2) == 4 << 16 | 2, "just after a wrap: ROC + 1")
        #expect(window.estimate(sequence: 65_000) == 3 << 16 | 65_000)
        window.accept(4 << 16 | 2)
        #expect(window.estimate(sequence: 65_531) == 3 << 16 | 65_531, "a late packet from before the wrap: ROC - 1")
        #expect(window.rolloverCounter == 4)
        var start = SRTPReplayWindow()
        start.accept(5)
        #expect(start.estimate(sequence: 65_535) == nil, "before index 0")
    }

    // MARK: Rollover

    @Test func sequenceWrapAdvancesTheRolloverCounterOnBothSides() throws {
        let key = try SRTPMasterKey.random()
        var sender = try SRTPContext(masterKey: key)
        var receiver = try SRTPContext(masterKey: key)
        let sequences: [UInt16] = [65_530, 65_531, 65_532, 65_533, 65_534, 65_535, 0, 1, 2, 3, 4, 5]
        let plain = sequences.map { rtpPacket(sequence: $0, ssrc: 42, payload: [UInt8](repeating: UInt8($0 & 0xFF), count: 40)) }
        let packets = plain.map { protect(&sender, $0) }
        #expect(sender.sendWindow.rolloverCounter == 1)
        // Packets 65534 and 65535 arrive after the wrap; 65533 is replayed at the end.
        let order = [0, 1, 2, 3, 6, 7, 4, 8, 5, 9, 10, 11]
        for position in order {
            #expect(try unprotect(&receiver, packets[position]) == plain[position], "sequence \(sequences[position])")
        }
        #expect(receiver.receiveWindow.rolloverCounter == 1)
        #expect(throws: SRTPError.replayed(sequence: 65_533)) { try unprotect(&receiver, packets[3]) }
    }

    // MARK: Hostile datagrams

    @Test func shortAndInconsistentDatagramsAreRejected() throws {
        var receiver = try SRTPContext(masterKey: SRTPMasterKey.random())
        for length in 0..<SRTPContext.minimumLength {
            #expect(throws: SRTPError.tooShort(length)) { try unprotect(&receiver, [UInt8](repeating: 0x80, count: length)) }
        }
        var manyCSRC = [UInt8](repeating: 0, count: 40)
        manyCSRC[0] = 0x8F  // 15 CSRCs: 72 bytes of header in a 30-byte packet before the tag
        #expect(throws: SRTPError.self) { try unprotect(&receiver, manyCSRC) }
        var longExtension = [UInt8](repeating: 0, count: 40)
        longExtension[0] = 0x90
        longExtension[14] = 0xFF
        longExtension[15] = 0xFF  // 65535 words of extension
        #expect(throws: SRTPError.self) { try unprotect(&receiver, longExtension) }
        var noRoomForExtension = [UInt8](repeating: 0, count: 22)
        noRoomForExtension[0] = 0x90
        #expect(throws: SRTPError.self) { try unprotect(&receiver, noRoomForExtension) }
        for version: UInt8 in [0, 1, 3] {
            var packet = [UInt8](repeating: 0, count: 40)
            packet[0] = version << 6
            #expect(throws: SRTPError.self) { try unprotect(&receiver, packet) }
        }
        for packet in [manyCSRC, longExtension, noRoomForExtension] {
            do { _ = try unprotect(&receiver, packet) } catch { #expect(error.reason == "srtp_malformed", "\(error)") }
        }
    }

    @Test func randomDatagramsAreRejectedWithoutCrashing() throws {
        var receiver = try SRTPContext(masterKey: SRTPMasterKey.random())
        var generator = SplitMix64(seed: 0x5EED)
        for _ in 0..<20_000 {
            var packet = (0..<Int(generator.next() % 120)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            if !packet.isEmpty, generator.next() % 2 == 0 { packet[0] = 0x80 | packet[0] & 0x3F }  // mostly version 2
            #expect(throws: SRTPError.self) { try unprotect(&receiver, packet) }
        }
    }

    // MARK: Cost

    /// Prints the cost per packet (no timed assertion): 100k packets with an 80-byte payload.
    @Test func unprotectCost() throws {
        let count = 100_000
        let key = try SRTPMasterKey.random()
        var sender = try SRTPContext(masterKey: key)
        var receiver = try SRTPContext(masterKey: key)
        var rtp = rtpPacket(sequence: 0, ssrc: 99, payload: [UInt8](repeating: 7, count: 80))
        let srtpLength = rtp.count + SRTPContext.tagLength
        var wire = [UInt8](repeating: 0, count: count * srtpLength)
        var plain = [UInt8](repeating: 0, count: srtpLength)
        let clock = ContinuousClock()
        let protectTime = clock.measure {
            rtp.withUnsafeMutableBytes { rtp in
                wire.withUnsafeMutableBytes { wire in
                    for i in 0..<count {
                        rtp[2] = UInt8(truncatingIfNeeded: i >> 8)
                        rtp[3] = UInt8(truncatingIfNeeded: i)
                        let slot = UnsafeMutableRawBufferPointer(rebasing: wire[(i * srtpLength)..<((i + 1) * srtpLength)])
                        _ = sender.protect(UnsafeRawBufferPointer(rtp), into: slot)
                    }
                }
            }
        }
        var accepted = 0
        let unprotectTime = clock.measure {
            wire.withUnsafeBytes { wire in
                plain.withUnsafeMutableBytes { plain in
                    for i in 0..<count {
                        let packet = UnsafeRawBufferPointer(rebasing: wire[(i * srtpLength)..<((i + 1) * srtpLength)])
                        if (try? receiver.unprotect(packet, into: plain)) == srtpLength - SRTPContext.tagLength { accepted += 1 }
                    }
                }
            }
        }
        #expect(accepted == count)
        #expect(receiver.receiveWindow.rolloverCounter == 1, "100k packets wrap the sequence once")
        let unprotectNanoseconds = nanoseconds(unprotectTime) / count
        let protectNanoseconds = nanoseconds(protectTime) / count
        print("SRTP, 80-byte payload: unprotect \(unprotectNanoseconds) ns/packet, protect \(protectNanoseconds) ns/packet")
    }
}
