import FuzzSupport
import VoxMedia

/// `RTPPacket.parse` on the whole input, then on packets cut from it (records of
/// `[arrival step][length][length bytes]`), each accepted one fed to a `JitterBuffer` with the
/// arrival times from the input and drained with `next(now:)`. Checks that a parsed payload lies
/// inside the datagram after the fixed header and the buffer's counter invariant
/// `lost == recoveredByFEC + concealed`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRTP(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    check(try? RTPPacket.parse(input.bytes), in: input.bytes)

    // A small buffer so that overflow, reset and lateness are all reachable with short inputs.
    var buffer = JitterBuffer<Int>(configuration: .init(capacity: 8, maxLateness: 50, resetThreshold: 100))
    var now: Microseconds = 0
    while let step = input.byte(), let length = input.byte() {
        let datagram = input.slice(Int(length))
        now += Microseconds(step) * 500  // 0...127.5 ms between arrivals
        if let packet = try? RTPPacket.parse(datagram) {
            check(packet, in: datagram)
            _ = buffer.insert(sequence: packet.sequence, timestamp: packet.timestamp, payload: packet.payload.count, arrival: now)
        }
        // Concealment of a long gap releases one output per call; bounded so a hostile gap stays cheap.
        var drained = 0
        while drained < 2_000, buffer.next(now: now) != nil { drained += 1 }
        let counters = buffer.counters
        precondition(counters.lost == counters.recoveredByFEC + counters.concealed, "counters \(counters)")
    }
    return 0
}

private func check(_ packet: RTPPacket?, in datagram: UnsafeRawBufferPointer) {
    guard let packet else { return }
    precondition(
        packet.payload.lowerBound >= RTPPacket.minimumHeader && packet.payload.upperBound <= datagram.count,
        "payload \(packet.payload) of \(datagram.count)")
}
