import Testing

@testable import VoxSettings

/// The body of `POST /v1/streams/{id}/livelink`, read without a server (the HTTP refusals are in
/// HostileInputTests).
@Suite struct LiveLinkTargetSpecTests {
    private func spec(_ body: String) throws(SettingsError) -> LiveLinkTargetSpec { try LiveLinkTargetSpec.parse(Array(body.utf8)) }

    private func refusal(_ body: String) -> String? {
        do {
            _ = try spec(body)
            return nil
        } catch { return error.message }
    }

    @Test func defaultsFillTheOptionalFields() throws {
        let local = try spec(#"{"host":"localhost"}"#)
        #expect(local == LiveLinkTargetSpec(host: "localhost", address: "127.0.0.1", port: 11111, subject: "Voxface", isV6: false))
        let v6 = try spec(#"{"host":"::1","port":5000,"subject":"Face 2"}"#)
        #expect(v6 == LiveLinkTargetSpec(host: "::1", address: "::1", port: 5000, subject: "Face 2", isV6: true))
        #expect(try spec(#"{"host":"192.168.1.20","port":65535}"#).port == 65535)
    }

    @Test func onlyNumericAddressesAreTargets() {
        for host in ["not a host", "example.com", "", "256.1.1.1", "1.2.3", "::g", "fe80::1%eth0", String(repeating: "1", count: 300)] {
            #expect(refusal(#"{"host":"\#(host)"}"#) == "host must be an IP address or localhost", "\(host)")
        }
        // A NUL would end the C string early: "127.0.0.1\0junk" must not pass as 127.0.0.1.
        #expect(refusal(#"{"host":"127.0.0.1\u0000junk"}"#) == "host must be an IP address or localhost")
        #expect(refusal(#"{"port":1}"#) == "host is required (an IP address or localhost)")
        #expect(refusal(#"{"host":5}"#) == "host must be a string (an IP address or localhost)")
    }

    @Test func portsAndSubjectsKeepTheirBounds() {
        for port in ["0", "-1", "65536", "70000"] {
            #expect(refusal(#"{"host":"::1","port":\#(port)}"#) == "port must be 1...65535")
        }
        for port in ["1.5", "\"11111\"", "null1"] {
            #expect(refusal(#"{"host":"::1","port":\#(port)}"#) != nil)
        }
        #expect(refusal(#"{"host":"::1","port":"x"}"#) == "port must be an integer 1...65535")
        #expect(refusal(#"{"host":"::1","subject":""}"#) == "subject must be 1 to 256 UTF-8 bytes")
        // 257 bytes refused, without echoing them; 256 two-byte-free characters accepted.
        let long = String(repeating: "é", count: 129)
        #expect(refusal(#"{"host":"::1","subject":"\#(long)"}"#) == "subject must be 1 to 256 UTF-8 bytes")
        #expect(refusal(#"{"host":"::1","subject":"\#(String(repeating: "s", count: 256))"}"#) == nil)
    }

    @Test func unknownFieldsAndNonObjectsAreRefusedOnOneLine() {
        #expect(refusal(#"{"host":"::1","prot":11111}"#) == "unknown field 'prot' (host, port, subject)")
        #expect(refusal(#"{"host":"::1","a\nb":1}"#) == #"unknown field 'a\nb' (host, port, subject)"#)
        let huge = refusal("{\"\(String(repeating: "k", count: 50_000))\":1}") ?? ""
        #expect(huge.count < 120 && !huge.contains("\n"))
        // Found by FuzzLiveLinkTarget: 64 characters kept, but each DEL escaped to 8, so a name of
        // control characters made a 600-byte message. The cut now counts the escapes.
        let escaped = refusal("{\"\(String(repeating: "\u{7F}", count: 200))\":1}") ?? ""
        #expect(escaped.utf8.count < 120 && escaped.hasSuffix("...' (host, port, subject)"), "\(escaped)")
        for body in ["", "[]", "null", "\"host\"", "{", #"{"host":"::1"} trailing"#] {
            #expect(refusal(body) == #"the body must be a JSON object {"host": IP, "port": 1...65535, "subject": NAME}"#, "\(body)")
        }
    }
}
