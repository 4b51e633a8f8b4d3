import Foundation
import JSONKit
import TestSupport
import Testing

/// The full-screen app refreshes the open list by itself (`refreshMinutes`), with no key pressed.
@Suite struct TUIRefreshTests {
    @Test func theOpenListIsRefreshedInTheBackground() throws {
        let sandbox = try SandboxHarness(patients: 10)
        let cli = CLIRunner(home: try TempDir.make("refresh"))
        #expect(try cli.connect(sandbox).status == 0)
        #expect(try cli.run(["list", "create", "Ward"]).status == 0)
        #expect(try cli.run(["list", "add", "Ward", "contos-0001", "contos-0002"]).status == 0)
        #expect(try cli.run(["sync"]).status == 0)
        // Every 3 seconds (0.05 min), so the test sees two refreshes.
        try Data(#"{"refreshMinutes": 0.05, "lockMinutes": 0}"#.utf8)
            .write(to: URL(fileURLWithPath: cli.home + "/config.json"))
        let command =
            "env ROUNDS_HOME=\(cli.home) TERM=xterm-256color TZ=UTC LANG=C.UTF-8 \(CLIRunner.binDirectory)/rounds"
        let tui = try TmuxSession(command: command)
        defer { tui.stop() }
        try tui.waitFor("Ward (2)")
        let before = sandbox.requests().count
        try tui.waitFor("Refreshed at", timeout: 20)
        let asked = sandbox.requests()[before...].flatMap { ($0["batch"]?.array ?? []).compactMap(\.string) }
        #expect(asked.contains { $0.contains("Patient/contos-0001") }, "the refresh asked the EHR: \(asked)")
        withExtendedLifetime(sandbox) {}
    }
}
