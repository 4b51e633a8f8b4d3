import FHIRAdapters
import Foundation
import TestSupport
import Testing

/// One cache, several Rounds at once (two terminals of one nurse, a scheduled sync, the TUI): no
/// "database is locked" reaches anyone, and nothing written is lost.
@Suite(.serialized) struct ConcurrencyTests {
    static let ids = (1...16).map { String(format: "contos-%04d", $0) }

    static func workstation() throws -> (CLIRunner, SandboxHarness) {
        // Some latency so the syncs and the notes really overlap.
        let h = try SandboxHarness(patients: 20) { $0.latencyMs = 15 }
        let cli = CLIRunner(home: try TempDir.make("concurrent"))
        #expect(try cli.connect(h).status == 0)
        #expect(try cli.run(["list", "create", "Ward"]).status == 0)
        #expect(try cli.run(["list", "add", "Ward"] + ids).status == 0)
        return (cli, h)
    }

    /// Runs each command line at the same time; their results in order.
    static func together(_ cli: CLIRunner, _ commands: [[String]]) -> [CLIRunner.Result] {
        nonisolated(unsafe) var results = [CLIRunner.Result?](repeating: nil, count: commands.count)
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: commands.count) { i in
            let r = try? cli.run(commands[i], timeout: 120)
            lock.lock()
            results[i] = r
            lock.unlock()
        }
        return results.map { $0 ?? CLIRunner.Result(status: -1, stdout: "", stderr: "did not run") }
    }

    static func sawLocking(_ r: CLIRunner.Result) -> Bool {
        let text = (r.stdout + r.stderr).lowercased()
        return text.contains("database is locked") || text.contains("busy")
    }

    @Test func twoSyncsAndNotesAtOnceLoseNothing() throws {
        let (cli, h) = try Self.workstation()
        let notes = (1...8).map { ["note", "add", Self.ids[$0 % Self.ids.count], "Turned at 0\($0):00, skin intact"] }
        let results = Self.together(cli, [["sync"], ["sync", "--json"]] + notes)
        for (i, r) in results.enumerated() {
            #expect(r.status == 0, "command \(i): \(r.stdout) \(r.stderr)")
            #expect(!Self.sawLocking(r), "command \(i): \(r.stderr)")
        }
        var written = 0
        for id in Self.ids {
            let shown = try JSONParser.parse(try cli.run(["note", "ls", id, "--json"]).stdout)
            written += shown.array?.count ?? 0
        }
        #expect(written == notes.count, "every note kept")
        let list = try JSONParser.parse(try cli.run(["list", "show", "Ward", "--json"]).stdout)
        #expect(list["patients"]?.array?.count == Self.ids.count)
        #expect(try cli.run(["audit", "--verify"]).status == 0, "the audit chain survived writers at once")
        withExtendedLifetime(h) {}
    }

    @Test func aSyncAndNotesWhileTheTUIIsOpenAndSyncingToo() throws {
        let (cli, h) = try Self.workstation()
        #expect(try cli.run(["sync"]).status == 0)
        let command =
            "env ROUNDS_HOME=\(cli.home) TERM=xterm-256color TZ=UTC LANG=C.UTF-8 \(CLIRunner.binDirectory)/rounds"
        let tui = try TmuxSession(command: command)
        defer { tui.stop() }
        try tui.waitFor("Ward (16)")
        try tui.waitFor("online")
        // The TUI syncs its list while the command line syncs and writes notes.
        try tui.press("s")
        let results = Self.together(
            cli,
            [
                ["sync"], ["note", "add", "contos-0003", "Family updated by phone"],
                ["note", "add", "contos-0004", "Pain 2/10 after analgesia"],
            ])
        for (i, r) in results.enumerated() {
            #expect(r.status == 0, "command \(i): \(r.stdout) \(r.stderr)")
            #expect(!Self.sawLocking(r), "command \(i): \(r.stderr)")
        }
        let synced = try tui.waitUntil(timeout: 30, what: "the TUI's sync to end") {
            $0.contains("Synced ") || $0.contains("Sync failed")
        }
        #expect(!synced.lowercased().contains("locked") && !synced.lowercased().contains("busy"), "\(synced)")
        #expect(synced.contains("Synced"), "\(synced)")
        for (id, text) in [("contos-0003", "Family updated"), ("contos-0004", "Pain 2/10")] {
            let shown = try cli.run(["note", "ls", id])
            #expect(shown.stdout.contains(text), "\(id): \(shown.stdout)")
        }
        try tui.press("q")
        _ = try tui.waitUntil(what: "exit") { _ in tui.exited }
        withExtendedLifetime(h) {}
    }
}
