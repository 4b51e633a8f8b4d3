import FHIRAdapters
import Foundation
import TestSupport
import Testing

/// The idle lock of the real `rounds` under tmux, opened with a PIN: nothing of a patient stays
/// on the screen or in the scrollback, a wrong PIN is refused and audited.
@Suite(.serialized) struct ScreenLockTests {
    /// A synced list, a PIN, and a lock after `lockMinutes` of idleness.
    static func workstation(lockMinutes: Double) throws -> (CLIRunner, SandboxHarness, String) {
        let h = try SandboxHarness(patients: 10)
        let cli = CLIRunner(home: try TempDir.make("lock"))
        #expect(try cli.connect(h).status == 0)
        #expect(try cli.run(["list", "create", "Ward"]).status == 0)
        #expect(try cli.run(["list", "add", "Ward", "contos-0001", "contos-0002"]).status == 0)
        #expect(try cli.run(["sync"]).status == 0)
        let set = try cli.run(["lock", "set-pin"], input: "314159\n")
        #expect(set.status == 0, "\(set.stderr)")
        let config = cli.home + "/config.json"
        try Data(#"{"lockMinutes": \#(lockMinutes)}"#.utf8).write(to: URL(fileURLWithPath: config))
        let shown = try JSONParser.parse(try cli.run(["list", "show", "Ward", "--json"]).stdout)
        let name = try #require(shown["patients"]?.array?.first?["cells"]?["name"]?.string)
        let family = String(name.split(separator: ",").first ?? "")
        return (cli, h, family)
    }

    @Test func plainModeLocksWhenIdleAndOpensOnlyForThePIN() throws {
        let (cli, h, family) = try Self.workstation(lockMinutes: 0.05)
        let command =
            "env ROUNDS_HOME=\(cli.home) TERM=xterm-256color TZ=UTC LANG=C.UTF-8 "
            + "\(CLIRunner.binDirectory)/rounds --plain"
        let tui = try TmuxSession(command: command)
        defer { tui.stop() }
        try tui.waitFor(family)
        // Three idle seconds: the screen and the scrollback are wiped, the PIN is asked for.
        let locked = try tui.waitFor("PIN:", timeout: 15)
        #expect(locked.contains("Rounds is locked."))
        let history = try tui.captureWithHistory()
        #expect(!history.contains(family), "nothing of a patient stays in the scrollback: \(history)")
        try tui.type("271828")
        try tui.press("Enter")
        try tui.waitFor("4 more attempts")
        #expect(!(try tui.screen()).contains("271828"), "the PIN is not echoed")
        try tui.type("314159")
        try tui.press("Enter")
        try tui.waitFor("Unlocked.")
        try tui.type("quit")
        try tui.press("Enter")
        _ = try tui.waitUntil(what: "exit") { _ in tui.exited }
        let ops = (try JSONParser.parse(try cli.run(["audit", "--json"]).stdout).array ?? []).compactMap {
            $0["operation"]?.string
        }
        for op in ["ScreenLock", "ScreenUnlockFailed", "ScreenUnlock"] {
            #expect(ops.contains(op), "audit lacks \(op)")
        }
        withExtendedLifetime(h) {}
    }

    @Test func theFullScreenAppLocksWhenIdleAndKeysCannotQuitIt() throws {
        let (cli, h, family) = try Self.workstation(lockMinutes: 0.05)
        let command =
            "env ROUNDS_HOME=\(cli.home) TERM=xterm-256color TZ=UTC LANG=C.UTF-8 \(CLIRunner.binDirectory)/rounds"
        let tui = try TmuxSession(command: command)
        defer { tui.stop() }
        try tui.waitFor(family)
        let locked = try tui.waitFor("PIN:", timeout: 15)
        #expect(!locked.contains(family) && !locked.contains("Ward"))
        // Quit, Ctrl-C, Ctrl-Z and Ctrl-\ are only characters of a PIN while locked.
        try tui.press("q", "C-c", "C-z", "C-\\", "Enter")
        try tui.waitFor("4 more attempts")
        #expect(!tui.exited)
        try tui.type("314159")
        try tui.press("Enter")
        try tui.waitFor(family)
        try tui.press("q")
        _ = try tui.waitUntil(what: "exit") { _ in tui.exited }
        withExtendedLifetime(h) {}
    }
}
