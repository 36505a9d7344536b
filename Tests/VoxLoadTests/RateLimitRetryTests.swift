import Testing
import VoxLoad

@Suite struct RateLimitRetryTests {
    @Test func waitsWhatRetryAfterSaysOnlyOn429() {
        let retry = RateLimitRetry(attempts: 3, longestWait: 10)
        #expect(retry.wait(status: 429, retryAfter: "1", attempt: 0) == 1)
        #expect(retry.wait(status: 429, retryAfter: " 2 ", attempt: 1) == 2)
        #expect(retry.wait(status: 429, retryAfter: "0.5", attempt: 0) == 0.5)
        // Other statuses are answers, 503 too_many_streams included (capacity, not pace).
        for status in [200, 201, 400, 401, 403, 404, 409, 503] {
            #expect(retry.wait(status: status, retryAfter: "1", attempt: 0) == nil)
        }
    }

    @Test func boundsTheWaitAndTheTries() {
        let retry = RateLimitRetry(attempts: 3, longestWait: 10)
        #expect(retry.wait(status: 429, retryAfter: "3600", attempt: 0) == 10)
        #expect(retry.wait(status: 429, retryAfter: "0", attempt: 0) == 0.05)
        // Missing, an HTTP date, garbage, negative or not finite: one second.
        for odd in [nil, "Wed, 21 Oct 2026 07:28:00 GMT", "soon", "-5", "inf", "nan", ""] as [String?] {
            #expect(retry.wait(status: 429, retryAfter: odd, attempt: 0) == 1)
        }
        #expect(retry.wait(status: 429, retryAfter: "1", attempt: 2) == 1)
        #expect(retry.wait(status: 429, retryAfter: "1", attempt: 3) == nil)
    }

    @Test func findsTheHeaderInAResponseHead() {
        let head = "HTTP/1.1 429 Too Many Requests\r\ncontent-type: application/json\r\nretry-after: 1\r\nContent-Length: 80"
        #expect(headerValue("Retry-After", in: head) == " 1")
        #expect(headerValue("content-length", in: head) == " 80")
        #expect(headerValue("X-Missing", in: head) == nil)
        // The status line is not a header.
        #expect(headerValue("HTTP/1.1 429 Too Many Requests", in: head) == nil)
    }
}
