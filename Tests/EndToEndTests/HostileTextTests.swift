import FHIRAdapters
import FHIRClient
import Foundation
import RoundsCore
import Sandbox
import ScreenKit
import TUI
import TestSupport
import Testing
import TextSafety

/// A record carrying terminal escapes and bidi tricks, from the sandbox and from a file: no byte of
/// them reaches the terminal, in plain output, `--json`, exports, a file given to `inspect`, or the
/// full-screen app.
@Suite(.serialized) struct HostileTextTests {
    static let hostileFamily = "Evil\u{1b}]0;pwned\u{07}\u{1b}[2J\u{1b}[31m"

    /// True when the output holds a character a terminal would act on.
    static func unsafe(_ text: String) -> Bool {
        text.unicodeScalars.contains { s in
            let v = s.value
            return (v < 0x20 && v != 0x0A && v != 0x09) || (0x7F...0x9F).contains(v) || (0x202A...0x202E).contains(v)
                || (0x2066...0x2069).contains(v) || v == 0x200B
        }
    }

    @Test func noServerByteReachesTheTerminal() throws {
        let (h, cli) = try HostileSetup.ward(release: "r4", patients: ["contos-0001", "contos-0002"])
        defer { withExtendedLifetime(h) {} } // the sandbox serves until the test ends
        let commands: [[String]] = [
            ["patient", "contos-0001"], ["patient", "contos-0001", "--json"], ["search", "--family", "Evil"],
            ["search", "--family", "Evil", "--json"], ["list", "show", "Ward"], ["list", "show", "Ward", "--json"],
            ["export", "Ward", "--format", "csv"], ["export", "Ward", "--format", "md"],
            ["export", "Ward", "--format", "json"],
            ["list", "export", "Ward"],
        ]
        for command in commands {
            let result = try cli.run(command)
            #expect(result.status == 0, "\(command): \(result.stderr)")
            // CSV is CRLF-terminated with a byte-order mark for spreadsheets (RFC 4180): those two
            // are the format's own, nothing from the server.
            var stdout = result.stdout.replacingOccurrences(of: "\r\n", with: "\n")
            if stdout.hasPrefix("\u{FEFF}") { stdout.removeFirst() }
            #expect(!Self.unsafe(stdout), "\(command) printed a control or bidi character")
            #expect(!Self.unsafe(result.stderr), "\(command) wrote one to stderr")
            if command.first != "list" || command.count < 2 || command[1] != "export" {
                #expect(stdout.contains("Evil"), "\(command) still shows the name")
            }
        }
        // JSON keeps the value exactly, escaped.
        let json = try JSONParser.parse(try cli.run(["patient", "contos-0001", "--json"]).stdout)
        #expect(json["name"]?["family"]?.string == Self.hostileFamily)
        #expect(try cli.run(["patient", "contos-0001"]).stdout.contains("Evil␛]0;pwned␇␛[2J␛[31m"))
    }

    @Test func aHostileFileGivenToInspectIsShownNotObeyed() throws {
        let dir = try TempDir.make("hostile-file")
        let escaped = "Evil\\u001b]52;c;cGF5bG9hZA==\\u0007\\u202eFake"
        let patient =
            #"{"resourceType":"Patient","id":"x","name":[{"family":"\#(escaped)","given":["A"]}],"#
            + #""birthDate":"1950-01-01"}"#
        try patient.write(toFile: dir + "/p.json", atomically: true, encoding: .utf8)
        let cli = CLIRunner(home: try TempDir.make("hostile-home"))
        let plain = try cli.run(["inspect", dir + "/p.json"])
        #expect(plain.status == 0)
        #expect(!Self.unsafe(plain.stdout + plain.stderr))
        #expect(plain.stdout.contains("Evil␛]52;c;"), "the clipboard-writing sequence is shown as text")
    }

    @Test func theFullScreenAppShowsTheEscapesAsText() throws {
        let (h, cli) = try HostileSetup.ward(release: "stu3", patients: ["contos-0001"])
        defer { withExtendedLifetime(h) {} } // the sandbox serves until the test ends
        let command =
            "env ROUNDS_HOME=\(cli.home) TERM=xterm-256color TZ=UTC LANG=C.UTF-8 \(CLIRunner.binDirectory)/rounds"
        let tui = try TmuxSession(command: command)
        defer { tui.stop() }
        // Had the escapes reached the terminal, tmux would have retitled the pane and cleared the
        // screen, and none of this text would be on it.
        let screen = try tui.waitFor("Evil␛]0;pwned")
        #expect(screen.contains("Ward (1)"))
        let detail = try tui.waitFor("Vital signs")
        #expect(detail.contains("Evil␛]0;pwned␇␛[2J"), "\(detail)")
        #expect(try tui.paneTitle() != "pwned")
    }
}

/// The hostile record from the sandbox, through the cache, onto the TUI's virtual screen: no cell
/// holds a character a terminal would act on, in the list, the detail or present mode.
@Suite struct HostileVirtualScreenTests {
    @MainActor
    @Test func everyCellIsSafe() throws {
        let (h, cli) = try HostileSetup.ward(release: "r4", patients: ["contos-0001"])
        defer { withExtendedLifetime(h) {} } // the sandbox serves until the test ends
        #expect(try cli.run(["note", "add", "contos-0001", "family at bedside \u{1b}[2J\u{9b}31m"]).status == 0)
        let paths = RoundsPaths(environment: ["ROUNDS_HOME": cli.home])
        let book = try ConnectionBook.load(paths)
        let workspace = try Workspace(paths: paths, settings: Settings(), connection: try #require(book.current))
        let environment = TUIEnvironment(
            workspace: workspace, connect: { throw FHIRClientError.connectionRefused(url: "offline") },
            loadTheme: { _ in Theme.fallback }, staleAfter: 86400, lockAfter: 0, mouse: false,
            themeName: "default",
            unlocker: ScreenUnlocker(
                method: .pin, user: "tests", pamService: "login",
                pinFile: "/nonexistent"))
        let program = TUIProgram(env: environment, terminal: nil, theme: Theme.fallback, size: (120, 40))
        program.start()
        program.render()
        func check(_ mode: String) {
            let screen = program.screen
            var bad: [String] = []
            for y in 0..<screen.height {
                for x in 0..<screen.width {
                    let scalars = screen[x, y].character.map { Array(String($0).unicodeScalars) } ?? []
                    if scalars.contains(where: { TerminalText.needsReplacing($0, lines: false) }) {
                        bad.append("\(x),\(y)")
                    }
                }
            }
            #expect(bad.isEmpty, "\(mode): unsafe cells at \(bad.prefix(5))")
        }
        #expect(program.screen.text.contains("Evil␛]0;pwned"), "\(program.screen.text)")
        check("list and detail")
        program.dispatch(.keyPressed(.char("p")))
        program.render()
        #expect(program.screen.text.contains("EVIL") || program.screen.text.contains("Evil"))
        check("present mode")
    }
}

/// A sandbox whose first patient is hostile, and a Rounds connected to it with a list "Ward".
enum HostileSetup {
    static func ward(release: String, patients: [String]) throws -> (SandboxHarness, CLIRunner) {
        let h = try SandboxHarness(patients: 5) { $0.hostileText = true }
        let cli = CLIRunner(home: try TempDir.make("hostile"))
        let connect = try cli.run([
            "connect", h.base(release), "--client-id", h.clientId, "--tenant", h.tenant,
            "--secret-file", h.secretFile, "--name", "sandbox",
        ])
        #expect(connect.status == 0, "\(connect.stderr)")
        #expect(try cli.run(["list", "create", "Ward"]).status == 0)
        #expect(try cli.run(["list", "add", "Ward"] + patients).status == 0)
        return (h, cli)
    }
}
