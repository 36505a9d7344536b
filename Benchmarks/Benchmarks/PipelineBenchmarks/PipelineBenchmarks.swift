// Per-packet and per-frame hot paths of the real-time server; see ../../README.md.
//
//   RTPJitterPerPacket     one 20 ms RTP/Opus datagram parsed (RFC 3550 header) and passed
//                          through the jitter buffer (insert + release), in order.
//   OpusDecodePerPacket    one 20 ms Opus packet (32 kb/s speech) decoded by libopus at 48 kHz.
//   LiveLinkEncodePerFrame one 68-channel face frame encoded as a Live Link Face v6 packet.
//   BusFanOutPerFrame      one face frame published on the event bus to 16 subscribers.
//
// One packet or frame per iteration; mallocCountTotal must be 0 for each (checked in CI with
// `swift package benchmark thresholds check` against Thresholds/*.p90.json). Wall-clock figures
// are for local runs only.

import Benchmark
import Foundation
import VoxDSP
import VoxMedia
import VoxServer

/// The speech fixture, found above this file (Benchmarks/Benchmarks/PipelineBenchmarks/).
func speechAt48k(file: String = #filePath) -> [Float] {
    var directory = URL(fileURLWithPath: file).deletingLastPathComponent().standardizedFileURL
    while directory.path != "/" {
        let candidate = directory.appendingPathComponent("Tests/VoxDSPTests/Fixtures/audio/speech.wav").path
        if FileManager.default.fileExists(atPath: candidate), let audio = try? AudioFileReader().read(path: candidate) {
            return Resampler.resample(audio.samples, from: audio.sampleRate, to: 48_000)
        }
        directory = directory.deletingLastPathComponent()
    }
    fatalError("speech fixture not found above \(file)")
}

/// 20 ms Opus packets of the speech fixture, encoded once.
func opusPackets() -> [[UInt8]] {
    let pcm = speechAt48k()
    guard let encoder = try? OpusEncoder() else { fatalError("libopus encoder") }
    return stride(from: 0, to: pcm.count - 960, by: 960).map { start in
        (try? pcm[start..<start + 960].withUnsafeBufferPointer { try encoder.encode($0) }) ?? []
    }
}

/// Everything an iteration touches, built in setup.
final class PipelineState: @unchecked Sendable {
    var datagrams: [[UInt8]] = []
    var packets: [[UInt8]] = []
    var jitter = JitterBuffer<Int>()
    var decoder: OpusDecoder?
    let pcm = UnsafeMutableBufferPointer<Float>.allocate(capacity: 5760)
    var encoder: LiveLinkFaceEncoder?
    var values = [Float](repeating: 0.25, count: 68)
    var packet: [UInt8] = []
    let bus = EventBus()
    let topic = Topic.frames(of: "0123456789abcdef")
    var subscriptions: [Subscription] = []
    var frame = FaceFrame(streamID: "0123456789abcdef", index: 0, held: false, last: false, values: .init(repeating: 0.25))
    var counter = 0
}

/// One packet or frame per iteration, zero mallocs allowed.
func perItem(_ iterations: Int = 20_000) -> Benchmark.Configuration {
    let zeroMallocs: [BenchmarkMetric: BenchmarkThresholds] = [
        .mallocCountTotal: .init(absolute: BenchmarkThresholds.Absolute.strict)
    ]
    return .init(
        metrics: [.wallClock, .mallocCountTotal], timeUnits: .nanoseconds, warmupIterations: 100, scalingFactor: .one,
        maxDuration: .seconds(2), maxIterations: iterations, thresholds: zeroMallocs)
}

let benchmarks: @Sendable () -> Void = {
    let state = PipelineState()

    Benchmark("RTPJitterPerPacket", configuration: perItem()) { benchmark in
        for _ in benchmark.scaledIterations {
            let k = state.counter
            state.counter += 1
            let datagram = state.datagrams[k % state.datagrams.count]
            datagram.withUnsafeBytes { raw in
                guard let parsed = try? RTPPacket.parse(raw) else { fatalError("parse") }
                // Rewrite the sequence and timestamp so the buffer sees one endless in-order stream.
                let sequence = UInt16(truncatingIfNeeded: k)
                _ = state.jitter.insert(
                    sequence: sequence, timestamp: UInt32(truncatingIfNeeded: k * 960), payload: parsed.payload.count,
                    arrival: Int64(k) * 20_000)
                while let out = state.jitter.next(now: Int64(k) * 20_000) { blackHole(out) }
            }
        }
    } setup: {
        state.datagrams = opusPackets().enumerated().map { k, payload in
            RTPPacket.encode(payloadType: 97, sequence: UInt16(k), timestamp: UInt32(k * 960), ssrc: 42, payload: payload)
        }
        state.jitter = JitterBuffer<Int>()
        state.counter = 0
    }

    Benchmark("OpusDecodePerPacket", configuration: perItem(5_000)) { benchmark in
        guard let decoder = state.decoder else { fatalError("decoder") }
        for _ in benchmark.scaledIterations {
            let packet = state.packets[state.counter % state.packets.count]
            state.counter += 1
            let n = packet.withUnsafeBytes { (try? decoder.decode($0, into: state.pcm)) ?? 0 }
            blackHole(n)
        }
    } setup: {
        state.packets = opusPackets()
        state.decoder = try? OpusDecoder()
        state.counter = 0
    }

    Benchmark("LiveLinkEncodePerFrame", configuration: perItem()) { benchmark in
        guard let encoder = state.encoder else { fatalError("encoder") }
        for _ in benchmark.scaledIterations {
            state.counter += 1
            state.values.withUnsafeBufferPointer {
                encoder.encode(frameNumber: Int32(truncatingIfNeeded: state.counter), modelValues: $0, into: &state.packet)
            }
            blackHole(state.packet)
        }
    } setup: {
        state.encoder = try? LiveLinkFaceEncoder(deviceID: "3F2504E0-4F89-41D3-9A0C-0305E82C3301", subject: "voxface")
        state.packet = []
        state.values.withUnsafeBufferPointer { state.encoder?.encode(frameNumber: 0, modelValues: $0, into: &state.packet) }
    }

    Benchmark("BusFanOutPerFrame", configuration: perItem()) { benchmark in
        // Nothing is built in here: the closure runs once per sample, so its own allocations count.
        for _ in benchmark.scaledIterations {
            state.frame.index += 1
            blackHole(state.bus.publish(.face(state.frame), on: state.topic))
        }
    } setup: {
        // Subscribers that never read: each publish replaces the oldest queued frame (drop-oldest).
        state.subscriptions = (0..<16).map { _ in state.bus.subscribe(state.topic, capacity: 120) }
        for _ in 0..<200 { state.bus.publish(.face(state.frame), on: state.topic) }
    } teardown: {
        for s in state.subscriptions { state.bus.unsubscribe(s) }
        state.subscriptions = []
    }
}
