import Testing
import VoxLoad

@Suite struct ServerAddressTests {
    @Test func parsesHostAndPort() throws {
        #expect(try ServerAddress(parsing: "http://127.0.0.1:8080") == ServerAddress(host: "127.0.0.1", port: 8080))
        #expect(try ServerAddress(parsing: "http://localhost/") == ServerAddress(host: "localhost", port: 80))
        #expect(try ServerAddress(parsing: "http://[::1]:9000") == ServerAddress(host: "::1", port: 9000))
        #expect(try ServerAddress(parsing: "http://[::1]:9000").description == "http://[::1]:9000")
    }

    @Test func refusesWhatIsNotABaseURL() {
        for text in ["127.0.0.1:8080", "https://127.0.0.1", "http://", "http://h:0", "http://h:x", "http://h:8080/v1", "http://[::1"] {
            #expect(throws: LoadError.self) { try ServerAddress(parsing: text) }
        }
    }

    @Test func knowsLoopback() {
        #expect(ServerAddress(host: "127.0.0.1", port: 1).isLoopback)
        #expect(ServerAddress(host: "127.8.9.10", port: 1).isLoopback)
        #expect(ServerAddress(host: "localhost", port: 1).isLoopback)
        #expect(ServerAddress(host: "::1", port: 1).isLoopback)
        #expect(!ServerAddress(host: "10.0.0.1", port: 1).isLoopback)
        #expect(!ServerAddress(host: "127.0.0.1.example.com", port: 1).isLoopback)
        #expect(!ServerAddress(host: "example.com", port: 1).isLoopback)
    }
}

@Suite struct LoadConfigurationTests {
    static func base() -> LoadConfiguration {
        LoadConfiguration(server: ServerAddress(host: "127.0.0.1", port: 8080), streams: 4, durationSeconds: 10)
    }

    @Test func defaultsAreValidAndCountFrames() throws {
        var c = Self.base()
        try c.validate()
        #expect(c.packetsPerStream == 1000 && c.samplesPerPacket == 480)
        #expect(c.expectedFramesPerStream == 600)
        c.frameMilliseconds = 20
        c.durationSeconds = 2.5
        #expect(c.packetsPerStream == 125 && c.samplesPerPacket == 960 && c.expectedFramesPerStream == 150)
    }

    @Test func settingsBodyCarriesOnlyWhatWasAsked() {
        var c = Self.base()
        #expect(c.settingsBody == "{\"label\":\"voxload\"}")
        c.hop = 6
        c.lookahead = 4
        c.playoutDelayMilliseconds = 300
        #expect(c.settingsBody == "{\"hop\":6,\"lookahead\":4,\"playout_delay_ms\":300,\"label\":\"voxload\"}")
    }

    private func refusal(_ change: (inout LoadConfiguration) -> Void) -> String? {
        var c = Self.base()
        change(&c)
        do {
            try c.validate()
            return nil
        } catch { return error.description }
    }

    @Test func refusesWhatTheServerCannotDo() {
        #expect(refusal { $0.liveLinkPerStream = 1025 }?.contains("at most 1024 Live Link targets per stream") == true)
        #expect(refusal { $0.liveLinkPerStream = 0 }?.contains("at least one receiver") == true)
        #expect(refusal { $0.streams = 0 } != nil)
        #expect(refusal { $0.durationSeconds = 0.5 } != nil)
        #expect(refusal { $0.durationSeconds = .nan } != nil)
        #expect(refusal { $0.frameMilliseconds = 40 } == "--frame-ms must be 10 or 20")
        // The warm-up must end inside the run; the default is a fifth of it, at most 60 s.
        for bad in [-1, .nan, .infinity, 10] as [Double] {
            #expect(refusal { $0.warmUpSeconds = bad } == "--warm-up must be 0 or more seconds, shorter than --duration")
        }
        #expect(refusal { $0.warmUpSeconds = 0 } == nil)
        var c = Self.base()
        #expect(c.effectiveWarmUpSeconds == c.durationSeconds / 5)
        c.durationSeconds = 3600
        #expect(c.effectiveWarmUpSeconds == 60)
        #expect(refusal { $0.loss = 0.9 } != nil)
        #expect(refusal { $0.jitterMilliseconds = -1 } != nil)
        #expect(
            refusal {
                $0.streams = 300; $0.liveLinkPerStream = 16
            }?.contains("receivers") == true)
        #expect(
            refusal {
                $0.transport = .ws; $0.loss = 0.01
            }?.contains("RTP only") == true)
        #expect(
            refusal {
                $0.transport = .ws; $0.jitterMilliseconds = 5
            } == nil)
    }

    @Test func refusesARemoteServerUnlessAllowed() {
        #expect(refusal { $0.server = ServerAddress(host: "192.168.1.20", port: 8080) }?.contains("--allow-remote") == true)
        #expect(
            refusal {
                $0.server = ServerAddress(host: "192.168.1.20", port: 8080); $0.allowRemote = true
            } == nil)
    }

    @Test func timelineMapsFramesToTheirPackets() {
        let twenty = FrameTimeline(samplesPerPacket: 960)
        // Frame k starts at sample 800 k: frames 0, 1 in packet 0 (0..<960), frame 2 (1600) in packet 1, frame 6 (4800) in packet 5.
        #expect([0, 1, 2, 5, 6].map(twenty.packet(carryingFrame:)) == [0, 0, 1, 4, 5])
        let ten = FrameTimeline(samplesPerPacket: 480)
        #expect([0, 1, 2, 3].map(ten.packet(carryingFrame:)) == [0, 1, 3, 5])
        #expect(FrameTimeline.audioTime(ofFrame: 60) == 1_000_000_000)
    }
}
