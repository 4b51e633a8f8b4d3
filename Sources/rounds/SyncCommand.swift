import Foundation
import RoundsCore
import Store

/// `rounds sync [--list NAME] [--concurrency N] [--json]`
enum SyncCommand {
    static func run(_ words: [String]) async throws -> Int32 {
        let a = try Arguments(words, valued: ["--list", "--concurrency"], flags: ["--json"])
        let ctx = try CLIContext.load()
        let ws = try ctx.workspace()
        // The team's lists as they are now: a sync fetches the patients the team put on them.
        for message in TeamSync.exchange(ws) { Output.err("team: \(message)") }
        let lists = try ws.cache.lists()
        var ids: [String] = []
        if let name = a.value("--list") {
            guard let l = lists.first(where: { $0.name.caseInsensitiveCompare(name) == .orderedSame }) else {
                throw CLIError("No list named '\(name)'.")
            }
            ids = l.patientIds
        } else {
            for l in lists { for id in l.patientIds where !ids.contains(id) { ids.append(id) } }
        }
        guard !ids.isEmpty else {
            Output.err("Nothing to sync: no patients on \(a.value("--list").map { "'\($0)'" } ?? "any list").")
            return 0
        }
        let concurrency = try a.int("--concurrency") ?? ctx.settings.concurrency ?? 6
        let conn = try await ctx.connect(ws.connection, maxConcurrentRequests: concurrency)
        let stop = StopFlag()
        let signals = SignalTrap { count in
            if count == 1 {
                Output.err(
                    "\nstopping after the patients in flight (Ctrl-C again to quit now; the cache stays consistent)")
                stop.stop()
            } else {
                exit(130)
            }
        }
        let tty = Output.stderrIsTTY && !a.has("--json")
        let engine = SyncEngine(cache: ws.cache, fetcher: conn, concurrency: concurrency)
        let reporter = ProgressReporter(tty: tty, quiet: a.has("--json"))
        let summary = await engine.run(ids: ids, list: a.value("--list"), stop: stop) { reporter.show($0) }
        reporter.finish()
        withExtendedLifetime(signals) {}
        AuditHook.record(
            ctx, .syncRun, connection: ws.connection, patients: ids, list: a.value("--list"),
            outcome: summary.failed.isEmpty && !summary.interrupted ? "success" : "partial")
        if a.has("--json") {
            try Output.json(summary)
        } else {
            Output.out(
                "Synced \(summary.synced), unchanged \(summary.unchanged), failed \(summary.failed.count) of "
                    + "\(summary.total) in \(String(format: "%.1f", summary.durationSeconds)) s"
                    + (summary.interrupted
                        ? " — interrupted, \(summary.remaining) not attempted; run 'rounds sync' again" : "")
            )
            if let why = summary.stoppedBecause {
                // One reason for all: the credentials, not each patient.
                Output.out("Stopped: \(why)")
            } else {
                for f in summary.failed { Output.out("  failed \(f.id): \(f.reason)") }
            }
        }
        return summary.failed.isEmpty && !summary.interrupted ? 0 : 1
    }
}

/// Progress on stderr: a bar on a terminal, plain lines otherwise.
final class ProgressReporter: @unchecked Sendable {
    let tty: Bool, quiet: Bool
    private let lock = NSLock()
    private var lastDecile = -1
    private var lastSlowMark = -1
    init(tty: Bool, quiet: Bool) {
        self.tty = tty
        self.quiet = quiet
    }

    func show(_ p: SyncProgress) {
        guard !quiet else { return }
        lock.lock()
        defer { lock.unlock() }
        if tty {
            let width = 30
            let filled = p.total > 0 ? width * p.done / p.total : width
            let eta = p.eta.map { String(format: "ETA %.0f s", $0) } ?? "ETA —"
            let slow = p.slowness.map { "  \($0)" } ?? ""
            let line =
                "\r\u{1b}[K[\(String(repeating: "█", count: filled))\(String(repeating: "░", count: width - filled))] "
                + "\(p.done)/\(p.total)  \(String(format: "%.1f", p.rate))/s  \(eta)  failed \(p.failed)\(slow) "
            FileHandle.standardError.write(Data(line.utf8))
        } else {
            let decile = p.total > 0 ? p.done * 10 / p.total : 10
            if decile != lastDecile {
                lastDecile = decile
                Output.err("sync: \(p.done)/\(p.total) done, \(p.failed) failed")
            }
            // What is slow, once every five seconds of waiting.
            if let slow = p.slowness, Int(p.longestWait) / 5 != lastSlowMark {
                lastSlowMark = Int(p.longestWait) / 5
                Output.err("sync: \(p.done)/\(p.total) done; \(slow)")
            } else if p.slowness == nil {
                lastSlowMark = -1
            }
        }
    }

    func finish() { if tty && !quiet { FileHandle.standardError.write(Data("\n".utf8)) } }
}

/// SIGINT/SIGTERM handling: calls `handler` with how many signals arrived.
final class SignalTrap: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []
    private var count = 0
    private let lock = NSLock()
    init(_ handler: @escaping @Sendable (Int) -> Void) {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            s.setEventHandler { [self] in
                lock.lock()
                count += 1
                let n = count
                lock.unlock()
                handler(n)
            }
            s.resume()
            sources.append(s)
        }
    }
}
