import Testing
import VoxDocuments

/// `POST /v1/twins/{user}/ingest` bodies read without a server: the three forms, their
/// refusals, and the multipart reader's bounds (the HTTP path is in TwinAPITests).
@Suite struct IngestRequestTests {
    private let json = "application/json"

    private func parse(_ body: String, _ type: String, _ query: IngestRequest.Query = .init(), limit: Int = 1 << 20)
        throws(IngestRequestError)
        -> IngestRequest
    {
        try IngestRequest.parse(Array(body.utf8), contentType: type, query: query, limit: limit)
    }

    private func refusal(_ body: String, _ type: String, _ query: IngestRequest.Query = .init(), limit: Int = 1 << 20)
        -> IngestRequestError?
    {
        do {
            _ = try parse(body, type, query, limit: limit)
            return nil
        } catch { return error }
    }

    @Test func aJSONChatHashesTheSameWhateverItsKeyOrder() throws {
        let a = try parse(#"{"kind":"chat","messages":[{"sender":"Maya","time":"2026-01-01T10:00:00Z","text":"hi"}]}"#, json)
        let b = try parse(#"{"messages":[{"text":"hi","time":"2026-01-01T10:00:00Z","sender":"Maya"}],"kind":"chat"}"#, json)
        #expect(a.kind == .chat && a == b)
        #expect(String(decoding: a.payload, as: UTF8.self) == #"[{"sender":"Maya","text":"hi","time":"2026-01-01T10:00:00Z"}]"#)
        let export = try parse(#"{"kind":"chat","export":{"name":"Saved","messages":[]},"filename":"result.json"}"#, json)
        #expect(export.filename == "result.json" && export.window == nil)
    }

    @Test func textKindsAndACalendarWindow() throws {
        let md = try parse(##"{"kind":"markdown","text":"# Notes\nbike to work"}"##, json)
        #expect(md.kind == .markdown && md.payload == Array("# Notes\nbike to work".utf8))
        let ics = try parse(#"{"kind":"calendar","ics":"BEGIN:VCALENDAR","from":"2026-03-01","to":1775000000}"#, json)
        #expect(ics.kind == .calendar && ics.window == 1_772_323_200...1_775_000_000)
    }

    @Test func jsonRefusalsSayWhatIsWrong() {
        #expect(refusal("[1]", json)?.code == "bad_json")
        #expect(refusal("{", json)?.code == "bad_json")
        #expect(refusal(#"{"text":"x"}"#, json)?.message == "missing field 'kind'")
        #expect(refusal(#"{"kind":"video"}"#, json)?.code == "bad_kind")
        #expect(refusal(#"{"kind":"pdf","text":"x"}"#, json)?.message == "send a PDF as a file (multipart or the raw body), not in JSON")
        #expect(refusal(#"{"kind":"html","text":5}"#, json)?.message == "'text' (a string) is required for kind html")
        #expect(refusal(#"{"kind":"chat","messages":"hi"}"#, json)?.code == "bad_ingest")
        let big = refusal(#"{"kind":"text","text":"\#(String(repeating: "a", count: 101))"}"#, json, limit: 100)
        #expect(big == IngestRequestError(status: .contentTooLarge, code: "too_large", message: "more than 100 bytes"))
        #expect(refusal(#"{"kind":"text","text":"a","from":"2026-03-02","to":"2026-03-01"}"#, json)?.code == "bad_window")
        #expect(refusal(#"{"kind":"text","text":"a","from":0,"to":1e12}"#, json)?.code == "bad_window")
        #expect(refusal(#"{"kind":"text","text":"a","from":0}"#, json)?.code == "bad_window")
        #expect(refusal(#"{"kind":"text","text":"a","from":"yesterday","to":"2026-03-01"}"#, json)?.code == "bad_window")
    }

    @Test func rawBodiesTakeTheirKindFromTheQueryTheNameOrTheBytes() throws {
        #expect(try parse("BEGIN:VCALENDAR\r\nEND:VCALENDAR", "application/octet-stream").kind == .calendar)
        #expect(try parse("plain words", "").kind == .text)
        #expect(try parse("plain words", "", .init(filename: "notes.md")).kind == .markdown)
        let asked = try parse("plain words", "text/plain", .init(kind: "html", filename: "x.txt", from: "0", to: "60"))
        #expect(asked.kind == .html && asked.filename == "x.txt" && asked.window == 0...60)
        do {
            _ = try IngestRequest.parse([0xFF, 0xFE, 0x00, 0x01], contentType: "", limit: 100)
            Issue.record("binary bytes with no name or type were taken")
        } catch { #expect(error.status == .unsupportedMediaType && error.code == "unsupported") }
        #expect(refusal("", "text/plain")?.code == "empty_body")
        #expect(refusal("12345", "text/plain", limit: 4)?.code == "too_large")
        #expect(refusal("x", "text/plain", .init(kind: "TEXT"))?.code == "bad_kind")
    }

    @Test func multipartCarriesTheFileAndItsFields() throws {
        let body = [
            "--XyZ", #"Content-Disposition: form-data; name="kind""#, "", "calendar",
            "--XyZ", #"Content-Disposition: form-data; name="file"; filename="team.ics""#, "Content-Type: text/calendar", "",
            "BEGIN:VCALENDAR\r\nEND:VCALENDAR",
            "--XyZ", #"Content-Disposition: form-data; name="from""#, "", "2026-01-01",
            "--XyZ", #"Content-Disposition: form-data; name="to""#, "", "2026-02-01",
            "--XyZ--", "",
        ].joined(separator: "\r\n")
        let r = try parse(body, "multipart/form-data; boundary=\"XyZ\"")
        #expect(r.kind == .calendar && r.filename == "team.ics")
        #expect(r.payload == Array("BEGIN:VCALENDAR\r\nEND:VCALENDAR".utf8))
        #expect(r.window == 1_767_225_600...1_769_904_000)
    }

    @Test func multipartRefusalsAreBounded() {
        let type = "multipart/form-data; boundary=b"
        #expect(refusal("no boundary here", type)?.message == "the body does not start with the boundary")
        #expect(refusal("--bXX", type)?.message == "a boundary is not followed by CRLF")
        #expect(
            refusal("--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nnever closed", type)?.message
                == "a part is not closed by the boundary")
        let longHeader = "--b\r\nX-Pad: \(String(repeating: "p", count: 9000))\r\n\r\nx\r\n--b--"
        #expect(refusal(longHeader, type)?.message == "a part's headers do not end (or exceed 8192 bytes)")
        #expect(
            refusal("--b\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nx\r\n--b--", type)?.message
                == "the form has no 'file' part")
        let many = String(repeating: "--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nx\r\n", count: 33) + "--b--"
        #expect(refusal(many, type)?.message == "more than 32 parts")
        let bigFile =
            "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\n\(String(repeating: "z", count: 11))\r\n--b--"
        #expect(refusal(bigFile, type, limit: 10)?.code == "too_large")
    }

    @Test func boundariesAreReadFromTheContentType() {
        #expect(Multipart.boundary("multipart/form-data; boundary=abc") == "abc")
        #expect(Multipart.boundary("Multipart/Form-Data;charset=utf-8; BOUNDARY=\"a b\"") == "a b")
        #expect(Multipart.boundary("multipart/form-data") == nil)
        #expect(Multipart.boundary("multipart/mixed; boundary=abc") == nil)
        #expect(Multipart.boundary("multipart/form-data; boundary=\(String(repeating: "b", count: 71))") == nil)
        #expect(Multipart.boundary("multipart/form-data; boundary=") == nil)
    }
}
