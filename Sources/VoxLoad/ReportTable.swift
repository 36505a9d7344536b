/// The human summary voxload prints on standard output.
public enum ReportTable {
    /// The report as aligned text lines.
    public static func render(_ report: LoadReport) -> String {
        let run = report.run
        let c = report.config
        var lines: [String] = []
        lines.append(
            "voxload: \(run.streams) stream(s) x \(fixed(run.durationSeconds, 0)) s over \(c.transport.rawValue) "
                + "(\(c.frameMs) ms Opus), \(c.liveLinkPerStream) Live Link + \(c.webSocketPerStream) WebSocket receiver(s) per stream")
        if c.loss > 0 || c.jitterMs > 0 || c.reorder > 0 || c.duplicate > 0 {
            lines.append(
                "impairments: loss \(percent(c.loss)), jitter 0-\(fixed(c.jitterMs, 0)) ms, reorder \(percent(c.reorder)), "
                    + "duplicate \(percent(c.duplicate)) (seed \(c.seed))")
        }
        let f = run.frames
        lines.append(
            "frames: expected \(f.expected), received \(f.received), missing \(f.missing) (undelivered \(f.undelivered)), duplicate \(f.duplicate), "
                + "out of order \(f.outOfOrder), after the audio \(f.extra)" + (f.malformed > 0 ? ", malformed \(f.malformed)" : "")
                + (c.webSocketPerStream > 0 ? "; held (WebSocket) \(f.held), \(f.heldLastSecond) in the audio's last second" : ""))
        let p = run.packets
        lines.append(
            "packets: \(p.packets) in the audio, \(p.sent) sent, \(p.lost) lost, \(p.reordered) reordered, \(p.duplicated) duplicated")
        if let m = run.deadlineMisses {
            lines.append(
                "server: frames sent \(m.framesSent), deadline misses \(m.deadlineMisses), late \(m.framesLate), held \(m.framesHeld), "
                    + "skipped \(m.framesSkipped), "
                    + "hop widenings \(m.hopWidenings), packets lost \(m.jitterLost) (FEC \(m.recoveredFEC))")
        } else {
            lines.append("server: counters not read")
        }
        if let m = run.deadlineMissesAtAudioEnd {
            lines.append(
                "server as the last packet left: frames sent \(m.framesSent), deadline misses \(m.deadlineMisses), late \(m.framesLate), "
                    + "held \(m.framesHeld), "
                    + "hop widenings \(m.hopWidenings), packets lost \(m.jitterLost)")
        }
        if let minutes = run.byMinute {
            lines.append(minutes.line)
            if let latency = minutes.latencyLine { lines.append(latency) }
        }
        lines.append("")
        let header = ["ms", "p50", "p90", "p99", "p99.9", "max", "count"]
        var rows: [[String]] = [header]
        func row(_ name: String, _ s: Summary?) {
            guard let s else { return rows.append([name, "-", "-", "-", "-", "-", "0"]) }
            rows.append([name, fixed(s.p50, 1), fixed(s.p90, 1), fixed(s.p99, 1), fixed(s.p999, 1), fixed(s.max, 1), "\(s.count)"])
        }
        row("latency", run.latencyMs)
        row("- lookahead \(fixed(run.lookaheadMs, 0))", run.latencyMinusLookaheadMs)
        row("jitter", run.jitterMs)
        row("send lag (voxload)", run.packets.sendLagMs)
        if run.fanOutMs != nil { row("fan-out spread", run.fanOutMs) }
        let widths = (0..<header.count).map { i in rows.map { $0[i].count }.max() ?? 0 }
        for r in rows {
            lines.append(
                r.enumerated().map { i, cell in
                    let pad = String(repeating: " ", count: widths[i] - cell.count)
                    return i == 0 ? cell + pad : pad + cell
                }.joined(separator: "  "))
        }
        lines.append("")
        lines.append("drift: \(fixed(run.driftMs, 2)) ms (frame timeline against audio timeline, end of run vs start)")
        if let s = run.server {
            lines.append(
                "server process \(s.pid) (\(s.pidSource)): CPU \(fixed(s.cpuCores, 2)) cores (\(fixed(s.cpuSeconds, 1)) s "
                    + "in \(fixed(s.wallSeconds, 1)) s), RSS max \(fixed(s.rssMaxMB, 1)) MB, end \(fixed(s.rssEndMB, 1)) MB")
            if let warm = s.rssWarmMB, let growth = s.rssGrowthPercent {
                lines.append(
                    "server memory after the \(fixed(s.warmUpSeconds, 0)) s warm-up: \(fixed(warm, 1)) MB, "
                        + "then at most \(fixed(s.rssMaxAfterWarmMB ?? warm, 1)) MB (\(fixed(growth, 2))%)")
            }
        } else {
            lines.append("server process: not found (give --server-pid)")
        }
        for r in report.slo {
            let value = r.value.map { fixed($0, 3) } ?? "not measured"
            lines.append("SLO \(r.slo): \(value) (limit \(fixed(r.limit, 3)) \(r.unit)) \(r.passed ? "passed" : "MISSED")")
        }
        if !report.slo.isEmpty { lines.append(report.passed ? "all SLOs passed" : "SLO missed") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `value` with `digits` decimals.
    public static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return "\(value)" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        let whole = Int(scaled / scale)
        var text = (value < 0 && scaled > 0 ? "-" : "") + "\(whole)"
        if digits > 0 {
            let fraction = String(Int(scaled) - whole * Int(scale))
            text += "." + String(repeating: "0", count: digits - fraction.count) + fraction
        }
        return text
    }

    private static func percent(_ p: Double) -> String { fixed(p * 100, 1) + "%" }
}
