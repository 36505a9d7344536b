import Testing
import VoxLoad

@Suite struct ProcTextTests {
    @Test func readsCPUTicksPastACommandNameWithSpaces() {
        let stat = "4242 (voxface (serve) x) S 1 4242 4242 0 -1 4194560 1234 0 0 0 150 37 0 0 20 0 9 0 12345 1000000 5000"
        #expect(ProcText.cpuTicks(stat: stat) == 187)
        #expect(ProcText.cpuTicks(stat: "garbage") == nil)
    }

    @Test func readsResidentSetSize() {
        #expect(ProcText.residentKilobytes(status: "Name:\tvoxface\nVmPeak:\t 900 kB\nVmRSS:\t   123456 kB\n") == 123_456)
        #expect(ProcText.residentKilobytes(status: "Name:\tx\n") == nil)
    }

    @Test func findsTheListeningSocketOfAPort() {
        let table = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 55501 1 0 100 0 0 10 0
               1: 0100007F:1F90 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000     0        0 55777 1 0 20 4 30 10 -1
               2: 0100007F:46A0 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 55600 1 0 100 0 0 10 0
            """
        #expect(ProcText.listeningInodes(tcpTable: table, port: 8080) == [55501])
        #expect(ProcText.listeningInodes(tcpTable: table, port: 18080) == [55600])
        #expect(ProcText.listeningInodes(tcpTable: table, port: 1) == [])
        #expect(ProcText.socketInode(link: "socket:[55501]") == 55501)
        #expect(ProcText.socketInode(link: "/dev/null") == nil)
    }

    @Test func sumsPrometheusSamples() {
        let text = """
            # TYPE voxface_frames_late_total counter
            voxface_frames_late_total 3
            voxface_rtp_dropped_total{reason="malformed"} 2
            voxface_rtp_dropped_total{reason="jitter_late"} 5
            voxface_rtp_dropped_totally 100
            """
        #expect(PrometheusText.sum("voxface_rtp_dropped_total", in: text) == 7)
        #expect(PrometheusText.sum("voxface_frames_late_total", in: text) == 3)
        #expect(PrometheusText.sum("voxface_absent", in: text) == nil)
    }
}

@Suite struct ReportTests {
    @Test func frameMessageHeaderFollowsTheWireFormat() {
        var bytes: [UInt8] = []
        func le<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
        le(UInt64(123_456))
        le(Int64(2_057_600))
        le(UInt32(3))
        le(UInt32(68))
        bytes += [UInt8](repeating: 0, count: 68 * 4)
        let header = bytes.withUnsafeBytes { FrameMessageHeader($0) }
        #expect(header?.frame == 123_456 && header?.timeMicroseconds == 2_057_600 && header?.flags == 3 && header?.count == 68)
        #expect(header?.isLast == true)
        #expect(Array(bytes.dropLast()).withUnsafeBytes { FrameMessageHeader($0) } == nil)
    }

    @Test func jsonAndTableCarryTheRunsFigures() throws {
        var c = LoadConfiguration(server: ServerAddress(host: "127.0.0.1", port: 8080), streams: 2, durationSeconds: 10)
        c.webSocketPerStream = 1
        let run = SLOTests.run(missing: 0, p99: 450)
        let slo = try SLO(parsing: "p99=150ms")
        let report = LoadReport(
            config: ReportConfiguration(c, audio: "speech.wav"), run: run, streams: [], slo: [slo.evaluate(run)])
        #expect(!report.passed)
        let json = report.json()
        for key in [
            "\"latency_ms\"", "\"latency_minus_lookahead_ms\"", "\"p999\"", "\"jitter_ms\"", "\"drift_ms\" : -3", "\"missing\" : 0",
            "\"passed\" : false", "\"livelink_per_stream\" : 1", "\"ws_per_stream\" : 1", "\"p99\" : 250",
        ] {
            #expect(json.contains(key), "missing \(key)")
        }
        let table = ReportTable.render(report)
        #expect(table.contains("latency") && table.contains("450.0") && table.contains("SLO p99=150ms: 450.000 (limit 150.000 ms) MISSED"))
        #expect(ReportTable.fixed(-0.004, 2) == "0.00" && ReportTable.fixed(2.5, 0) == "3" && ReportTable.fixed(-12.345, 1) == "-12.3")
    }
}
