import Foundation
import JSONKit
import TestSupport
import Testing

/// The team's lists live in an open TUI and through a database restart (same serialized suite as
/// the other team-database tests: one of them stops the shared cluster).
extension TeamDatabaseTests {
    struct TwoWorkstations {
        let cluster: PostgresCluster
        let team: String
        let roleA: String
        let roleB: String
        let a: CLIRunner
        let b: CLIRunner
        let sandbox: SandboxHarness
    }

    /// Two nurses of one team, each on her own workstation (`ROUNDS_HOME`), both connected to the
    /// same sandbox EHR and the same team database.
    static func twoWorkstations(patients: Int = 10) throws -> TwoWorkstations {
        let cluster = try Self.initialised()
        let team = Self.unique("ward")
        let roleA = Self.unique("nurse")
        let roleB = Self.unique("nurse")
        let passwordA = try cluster.makeRole(roleA)
        let passwordB = try cluster.makeRole(roleB)
        try Self.createTeam(cluster, team, members: [roleA, roleB])
        let sandbox = try SandboxHarness(patients: patients)
        func workstation(_ role: String, _ file: String) throws -> CLIRunner {
            let cli = CLIRunner(home: try TempDir.make("team-ws"))
            #expect(try cli.connect(sandbox).status == 0)
            let connected = try cli.run([
                "team", "connect", cluster.url(role: role), "--team", team, "--password-file", file,
            ])
            #expect(connected.status == 0, "\(connected.stderr)")
            return cli
        }
        return TwoWorkstations(
            cluster: cluster, team: team, roleA: roleA, roleB: roleB, a: try workstation(roleA, passwordA.file),
            b: try workstation(roleB, passwordB.file), sandbox: sandbox)
    }

    static func tui(_ cli: CLIRunner) throws -> TmuxSession {
        let command =
            "env ROUNDS_HOME=\(cli.home) TERM=xterm-256color TZ=UTC LANG=C.UTF-8 \(CLIRunner.binDirectory)/rounds"
        return try TmuxSession(command: command)
    }

    static func listNames(_ cli: CLIRunner) throws -> [String] {
        (try JSONParser.parse(try cli.run(["list", "ls", "--json"]).stdout).array ?? []).compactMap {
            $0["name"]?.string
        }
    }

    @Test func anOpenTUIShowsAnotherWorkstationsChangesWithoutAKeypressAndWhoMadeThem() throws {
        let pair = try Self.twoWorkstations()
        let (a, b) = (pair.a, pair.b)
        #expect(try a.run(["list", "create", "5 North"]).status == 0)
        #expect(try a.run(["list", "add", "5 North", "contos-0001", "contos-0002", "contos-0003"]).status == 0)
        #expect(try b.run(["sync"]).status == 0, "B syncs the team's list from the EHR itself")
        let shown = try JSONParser.parse(try b.run(["list", "show", "5 North", "--json"]).stdout)
        let names = (shown["patients"]?.array ?? []).compactMap { $0["cells"]?["name"]?.string }
        #expect(names.count == 3, "B's own sync fetched the team's patients: \(shown)")
        let tui = try Self.tui(b)
        defer { tui.stop() }
        let opened = try tui.waitFor("5 North (3)")
        #expect(opened.contains("team \(pair.team)"), "the header names the team: \(opened)")
        let family = String(names.first?.split(separator: ",").first ?? "?")
        #expect(opened.contains(family), "\(opened)")

        // Each change made on A reaches B's screen with no key pressed there.
        #expect(try a.run(["list", "add", "5 North", "contos-0004"]).status == 0)
        let added = try tui.waitFor("5 North (4)")
        #expect(added.contains("\(pair.roleA) added a patient to '5 North'"), "who, on the status line: \(added)")

        #expect(try a.run(["list", "remove", "5 North", "contos-0002"]).status == 0)
        let removed = try tui.waitFor("5 North (3)")
        #expect(removed.contains("\(pair.roleA) removed a patient from '5 North'"), "\(removed)")

        #expect(try a.run(["note", "add", "contos-0001", "Family meeting at 15:00"]).status == 0)
        try tui.waitFor("\(pair.roleA) wrote a note")

        #expect(try a.run(["list", "move", "5 North", "contos-0004", "--to", "1"]).status == 0)
        try tui.waitFor("\(pair.roleA) moved a patient on '5 North'")

        #expect(try a.run(["list", "rename", "5 North", "5N high risk"]).status == 0)
        let renamed = try tui.waitFor("5N high risk (3)")
        #expect(renamed.contains("renamed the list '5 North' to '5N high risk'"), "\(renamed)")
        withExtendedLifetime(pair.sandbox) {}
    }

    /// The handoff is team data: another nurse's severity, summary, contingency, to-do, tick and
    /// accept reach the open list and the open patient with no key pressed, with who made them.
    @Test func anOpenTUIShowsAnotherWorkstationsHandoffWithoutAKeypress() throws {
        let pair = try Self.twoWorkstations()
        let (a, b) = (pair.a, pair.b)
        let columns = "name,severity,held-by,delta"
        #expect(try a.run(["list", "create", "Ward", "--columns", columns]).status == 0)
        #expect(try a.run(["list", "add", "Ward", "contos-0001", "contos-0002"]).status == 0)
        #expect(try b.run(["sync"]).status == 0)
        let tui = try Self.tui(b)
        defer { tui.stop() }
        let opened = try tui.waitFor("Ward (2)")
        #expect(opened.contains("severity not set"), "the first patient is open, no handoff yet: \(opened)")
        #expect(!opened.contains("UNSTABLE"), "\(opened)")

        let set = try a.run([
            "handoff", "set", "contos-0001", "--list", "Ward", "--severity", "unstable", "--summary",
            "Urosepsis, second litre running", "--contingency", "If MAP < 65, bolus 500 mL and call the registrar",
        ])
        #expect(set.status == 0, "\(set.stderr)")
        let updated = try tui.waitFor("\(pair.roleA) updated a handoff on 'Ward'")
        #expect(updated.contains("UNSTABLE"), "the open patient's severity, as a word: \(updated)")
        #expect(updated.contains("Summary: Urosepsis, second litre running"), "\(updated)")
        #expect(updated.contains("If: If MAP < 65, bolus 500 mL"), "\(updated)")
        #expect(updated.contains("unstable"), "the list's severity column: \(updated)")

        let todo = ["todo", "add", "contos-0001", "Repeat lactate", "--list", "Ward", "--owner", "registrar"]
        #expect(try a.run(todo + ["--due", "14:00"]).status == 0)
        let added = try tui.waitFor("\(pair.roleA) added a to-do on 'Ward'")
        #expect(added.contains("1. [ ] Repeat lactate"), "\(added)")
        #expect(added.contains("registrar"), "\(added)")

        #expect(try a.run(["todo", "done", "contos-0001", "1", "--list", "Ward"]).status == 0)
        let ticked = try tui.waitFor("\(pair.roleA) ticked off a to-do")
        #expect(ticked.contains("1. [x] Repeat lactate"), "\(ticked)")

        #expect(try a.run(["handoff", "accept", "Ward"]).status == 0)
        let accepted = try tui.waitFor("\(pair.roleA) accepted the handoff of 'Ward'")
        #expect(accepted.contains("held by \(pair.roleA) since"), "the open patient: \(accepted)")
        let heldRows = accepted.split(separator: "\n").filter { $0.contains(String(pair.roleA.prefix(12))) }
        #expect(heldRows.count >= 4, "both rows' held-by column, the detail and the status line name her: \(accepted)")
        withExtendedLifetime(pair.sandbox) {}
    }

    @Test func aDatabaseRestartMidSessionLosesNothingAndTheTUISaysSo() throws {
        let pair = try Self.twoWorkstations()
        let (a, b) = (pair.a, pair.b)
        #expect(try a.run(["list", "create", "Ward"]).status == 0)
        #expect(try a.run(["list", "add", "Ward", "contos-0001", "contos-0002"]).status == 0)
        #expect(try b.run(["sync"]).status == 0)
        let tui = try Self.tui(b)
        defer { tui.stop() }
        try tui.waitFor("Ward (2)")
        try tui.waitFor("team \(pair.team)")

        pair.cluster.stop()
        let offline = try tui.waitFor("team OFFLINE", timeout: 15)
        #expect(offline.contains("Ward (2)"), "the list stays on screen from the local copy: \(offline)")
        // A change made in the TUI meanwhile waits on this workstation.
        try tui.press(":")
        try tui.type("list create Night shift")
        try tui.press("Enter")
        try tui.waitFor("Created list 'Night shift'")
        _ = try tui.waitUntil(what: "a change waiting") { $0.contains("team OFFLINE (") && $0.contains("waiting)") }

        try pair.cluster.start()
        // Back: the TUI reconnects by itself and sends what waited; A sees it.
        try tui.waitFor("The team database is back", timeout: 20)
        var seenByA: [String] = []
        for _ in 0..<40 where !seenByA.contains("Night shift") {
            seenByA = try Self.listNames(a)
            if !seenByA.contains("Night shift") { usleep(250_000) }
        }
        #expect(seenByA.contains("Night shift"), "\(seenByA)")
        // And A's change after the restart reaches B live again.
        #expect(try a.run(["list", "add", "Ward", "contos-0003"]).status == 0)
        try tui.waitFor("\(pair.roleA) added a patient to 'Ward'")
        let creates = try pair.cluster.sql(
            "SELECT count(*) FROM rounds_changes WHERE team = '\(pair.team)' AND kind = 'list.create'")
        #expect(creates == "2", "each list created once, the one made offline included")
        withExtendedLifetime(pair.sandbox) {}
    }
}

extension TeamDatabaseTests {
    /// Runs `rounds team status` (which pushes) `times` times, each killed with SIGKILL at a
    /// random moment of its run.
    static func killedPushes(_ cli: CLIRunner, times: Int, seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        for _ in 0..<times {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CLIRunner.binDirectory + "/rounds")
            process.arguments = ["team", "status"]
            process.environment = ProcessInfo.processInfo.environment.merging(["ROUNDS_HOME": cli.home]) { _, b in b }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32(Int.random(in: 5_000...150_000, using: &random)))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    static func patients(_ cli: CLIRunner, _ list: String) throws -> Set<String> {
        let shown = try cli.run(["list", "show", list, "--json"])
        return Set((try JSONParser.parse(shown.stdout)["patients"]?.array ?? []).compactMap { $0["id"]?.string })
    }

    @Test func offlineEditsOnTwoWorkstationsMergeAndArePushedExactlyOnceThroughKills() throws {
        let pair = try Self.twoWorkstations()
        let (a, b, cluster, team) = (pair.a, pair.b, pair.cluster, pair.team)
        #expect(try a.run(["list", "create", "Ward"]).status == 0)
        #expect(try a.run(["list", "add", "Ward", "contos-0001", "contos-0002", "contos-0003"]).status == 0)
        #expect(try Self.patients(b, "Ward") == ["contos-0001", "contos-0002", "contos-0003"])

        cluster.stop()
        // Both work on, each on its own copy.
        #expect(try a.run(["list", "add", "Ward", "contos-0004", "contos-0005"]).status == 0)
        #expect(try a.run(["list", "remove", "Ward", "contos-0001"]).status == 0)
        for n in 1...30 { #expect(try a.run(["note", "add", "contos-0002", "Obs round \(n)"]).status == 0) }
        #expect(try a.run(["list", "rename", "Ward", "Ward A"]).status == 0)
        usleep(20_000)
        #expect(try b.run(["list", "rename", "Ward", "Ward B"]).status == 0, "B's rename is the later one")
        #expect(try b.run(["list", "add", "Ward B", "contos-0006"]).status == 0)
        #expect(try b.run(["note", "add", "contos-0001", "Daughter phoned"]).status == 0)
        let waiting = try JSONParser.parse(try a.run(["team", "status", "--json"]).stdout)
        #expect(waiting["online"]?.bool == false && (waiting["pendingChanges"]?.double ?? 0) >= 34, "\(waiting)")

        try cluster.start()
        // B's changes reach the database first, A's only after pushes killed at random moments.
        #expect(try b.run(["team", "status"]).status == 0)
        try Self.killedPushes(a, times: 6, seed: 17)
        #expect(try a.run(["team", "status"]).status == 0)
        let told = try a.run(["list", "ls", "--json"])
        #expect(told.stderr.contains("renamed the list 'Ward A' to 'Ward B'"), "A is told: \(told.stderr)")
        #expect(try Self.listNames(a) == ["Ward B"])
        #expect(try Self.listNames(b) == ["Ward B"], "the later name everywhere")
        let merged: Set = ["contos-0002", "contos-0003", "contos-0004", "contos-0005", "contos-0006"]
        #expect(try Self.patients(a, "Ward B") == merged)
        #expect(try Self.patients(b, "Ward B") == merged, "adds and removes of both merge")
        // Every note once: A's thirty on B, B's note on a patient A removed meanwhile on A.
        let notesOnB = try JSONParser.parse(try b.run(["note", "ls", "contos-0002", "--json"]).stdout).array ?? []
        #expect(notesOnB.count == 30, "\(notesOnB.count)")
        #expect(notesOnB.allSatisfy { $0["authorRole"]?.string == pair.roleA })
        let notesOnA = try JSONParser.parse(try a.run(["note", "ls", "contos-0001", "--json"]).stdout).array ?? []
        #expect(notesOnA.compactMap { $0["text"]?.string } == ["Daughter phoned"])
        let counts = try cluster.sql(
            "SELECT count(*), count(DISTINCT change_id) FROM rounds_changes WHERE team = '\(team)'")
        let parts = counts.split(separator: "\t")
        #expect(parts.count == 2 && parts[0] == parts[1], "no change twice: \(counts)")
        let notes = try cluster.sql(
            "SELECT count(*) FROM rounds_changes WHERE team = '\(team)' AND kind = 'note.add' AND actor = "
                + "'\(pair.roleA)'"
        )
        #expect(notes == "30", "A's notes exactly once: \(notes)")
        withExtendedLifetime(pair.sandbox) {}
    }
}
