import Foundation
import JSONKit
import Sandbox
import Store
import TestSupport
import Testing

/// `rounds handoff` and `rounds todo`: I-PASS per patient on a list, from the command line, with
/// `--json`, clear refusals, and an audit record of each.
@Suite struct HandoffCLITests {
    static func ward() throws -> (SandboxHarness, CLIRunner) {
        let sandbox = try SandboxHarness(patients: 10)
        let (cli, _) = try PatientBatchTests.ward(sandbox, patients: 3)
        #expect(try cli.run(["sync"]).status == 0)
        return (sandbox, cli)
    }

    static func json(_ cli: CLIRunner, _ args: [String]) throws -> JSONValue {
        let run = try cli.run(args)
        #expect(run.status == 0, "\(args): \(run.stderr)")
        return try JSONParser.parse(run.stdout)
    }

    @Test func aHandoffIsWrittenShownAsJSONAndAccepted() throws {
        let (sandbox, cli) = try Self.ward()
        defer { withExtendedLifetime(sandbox) {} }
        let set = try cli.run([
            "handoff", "set", "contos-0001", "--list", "Ward", "--severity", "unstable", "--summary",
            "Day 2 urosepsis, on IV abx", "--contingency", "If MAP < 65, bolus 500 mL and call the registrar",
        ])
        #expect(set.status == 0 && set.stdout.contains("updated"), "\(set.stderr)")
        #expect(
            try cli.run(["handoff", "set", "contos-0002", "--list", "Ward", "--severity", "watcher"]).status == 0)
        #expect(
            try cli.run([
                "todo", "add", "contos-0001", "Repeat", "lactate", "--list", "Ward", "--owner", "registrar", "--due",
                "10:00",
            ]).stdout.contains("To-do 1 added"))
        #expect(try cli.run(["todo", "add", "contos-0001", "Chase cultures", "--list", "Ward"]).stdout.contains("2"))
        let done = try Self.json(cli, ["todo", "done", "contos-0001", "2", "--list", "Ward", "--json"])
        #expect(done["number"]?.double == 2 && done["done"]?.bool == true && done["doneBy"]?.string != nil)
        let accepted = try Self.json(cli, ["handoff", "accept", "Ward", "contos-0001", "--json"])
        #expect(accepted["patientIds"]?.array?.compactMap(\.string) == ["contos-0001"] && accepted["at"] != nil)
        let edited = try Self.json(
            cli,
            [
                "handoff", "set", "contos-0003", "--list", "Ward", "--severity", "stable", "--json",
            ])
        #expect(edited["id"]?.string == "contos-0003" && edited["severity"]?.string == "stable")
        let added = try Self.json(cli, ["todo", "add", "contos-0003", "Walk", "--list", "Ward", "--json"])
        #expect(added["number"]?.double == 1 && added["text"]?.string == "Walk" && added["done"]?.bool == false)

        let shown = try Self.json(cli, ["handoff", "show", "Ward", "--json"])
        #expect(shown["list"]?.string == "Ward")
        let patients = shown["patients"]?.array ?? []
        #expect(patients.compactMap { $0["id"]?.string } == ["contos-0001", "contos-0002", "contos-0003"])
        let first = try #require(patients.first)
        #expect(first["severity"]?.string == "unstable" && first["name"]?.string?.isEmpty == false)
        #expect(first["summary"]?.string == "Day 2 urosepsis, on IV abx")
        #expect(first["contingency"]?.string == "If MAP < 65, bolus 500 mL and call the registrar")
        let todos = first["todos"]?.array ?? []
        #expect(todos.compactMap { $0["number"]?.double } == [1, 2])
        #expect(todos.first?["text"]?.string == "Repeat lactate" && todos.first?["due"]?.string == "10:00")
        #expect(todos.first?["owner"]?.string == "registrar" && todos.first?["done"]?.bool == false)
        #expect(todos.last?["done"]?.bool == true && todos.last?["doneBy"]?.string?.isEmpty == false)
        #expect(first["acceptedBy"]?.string?.isEmpty == false && first["acceptedAt"]?.string != nil)
        #expect(patients[1]["severity"]?.string == "watcher" && patients[1]["acceptedBy"] == nil)

        let text = try cli.run(["handoff", "show", "Ward"]).stdout
        #expect(text.contains("UNSTABLE") && text.contains("WATCHER"), "\(text)")
        #expect(text.contains("1. [ ] Repeat lactate — registrar, due 10:00"), "\(text)")
        #expect(text.contains("Held by") && text.contains("Not accepted yet"), "\(text)")

        // Reopened, it is open again; `todo ls --open` lists the open ones of every list.
        #expect(try cli.run(["todo", "undo", "contos-0001", "2", "--list", "Ward"]).stdout.contains("open again"))
        let open = try Self.json(cli, ["todo", "ls", "--open", "--json"]).array ?? []
        let hers = open.filter { $0["patientId"]?.string == "contos-0001" }
        #expect(hers.compactMap { $0["number"]?.double } == [1, 2] && hers.allSatisfy { $0["list"]?.string == "Ward" })
        #expect(open.contains { $0["patientId"]?.string == "contos-0003" && $0["text"]?.string == "Walk" })
        let mine = try Self.json(cli, ["todo", "ls", "--mine", "--json"])
        #expect(mine.array?.isEmpty == true, "no to-do is owned by this user")
        #expect(
            try cli.run(["todo", "add", "contos-0003", "Stand", "--list", "Ward", "--owner", NSUserName()]).status == 0)
        #expect(try Self.json(cli, ["todo", "ls", "--mine", "--json"]).array?.count == 1)

        // Everything is audited, with the new operations.
        for operation in ["HandoffEdit", "TodoAdd", "TodoComplete", "TodoReopen", "HandoffAccept", "HandoffView"] {
            let records = try Self.json(cli, ["audit", "--json", "--operation", operation]).array ?? []
            #expect(!records.isEmpty, "\(operation)")
        }
    }

    @Test func whatChangedSinceTheLastRoundShowsInTheHandoffAndTheDeltaColumn() throws {
        let (sandbox, cli) = try Self.ward()
        defer { withExtendedLifetime(sandbox) {} }
        let before = try Self.json(cli, ["handoff", "show", "Ward", "--json"])
        #expect(before["lastRoundAt"] == nil)
        #expect((before["patients"]?.array ?? []).allSatisfy { $0["sinceLastRound"] == nil }, "no round yet")
        #expect(try cli.run(["handoff", "accept", "Ward"]).status == 0)
        let calm = try Self.json(cli, ["handoff", "show", "Ward", "--json"])
        #expect(calm["lastRoundAt"]?.string != nil && calm["lastRoundBy"]?.string?.isEmpty == false)
        let unchanged = try #require(calm["patients"]?[0]?["sinceLastRound"])
        #expect(unchanged["news2From"] == unchanged["news2To"] && unchanged["abnormalVitals"]?.array?.isEmpty == true)
        // The monitor charts a heart rate of 173 for the first patient; the next sync brings it.
        sandbox.server.addReadings(
            tenant: sandbox.tenant, patientIds: ["contos-0001"], code: "8867-4", value: 173, unit: "/min",
            display: "Heart rate")
        #expect(try cli.run(["sync"]).status == 0)
        let after = try Self.json(cli, ["handoff", "show", "Ward", "--json"])
        let changed = try #require(after["patients"]?[0]?["sinceLastRound"])
        let from = try #require(changed["news2From"]?.double)
        let to = try #require(changed["news2To"]?.double)
        #expect(to >= from + 3, "a pulse of 173 scores 3: \(from) → \(to)")
        #expect(changed["abnormalVitals"]?.array?.first?.string?.hasPrefix("HR 173 at ") == true, "\(changed)")
        let other = try #require(after["patients"]?[1]?["sinceLastRound"])
        #expect(other["abnormalVitals"]?.array?.isEmpty == true && other["news2From"] == other["news2To"])
        let text = try cli.run(["handoff", "show", "Ward"]).stdout
        #expect(
            text.contains("NEWS2 up: \(Int(from)) → \(Int(to))") && text.contains("New abnormal: HR 173"), "\(text)")
        #expect(text.contains("no change"), "\(text)")
        // The list's Δ column says it in brief; a patient with nothing new shows "·".
        #expect(try cli.run(["list", "columns", "Ward", "--set", "name,news2,delta,severity,held-by"]).status == 0)
        #expect(try cli.run(["handoff", "set", "contos-0002", "--list", "Ward", "--severity", "watcher"]).status == 0)
        let list = try Self.json(cli, ["list", "show", "Ward", "--json"])
        let rows = list["patients"]?.array ?? []
        let delta = rows.compactMap { $0["delta"]?.string ?? $0["cells"]?["delta"]?.string }
        #expect(delta.contains { $0.contains("\(Int(from))→\(Int(to))▲") && $0.contains("1 abn") }, "\(list)")
        #expect(delta.contains("·"), "\(delta)")
        let severities = rows.compactMap { $0["severity"]?.string ?? $0["cells"]?["severity"]?.string }
        #expect(severities.contains("watcher") && severities.contains("—"), "\(severities)")
        let held = rows.compactMap { $0["held-by"]?.string ?? $0["cells"]?["held-by"]?.string }
        #expect(held.count == 3 && held.allSatisfy { $0 != "—" }, "every patient's handoff was accepted: \(held)")
        // Marking the round done starts the count again.
        #expect(try cli.run(["handoff", "round-done", "Ward"]).stdout.contains("counted from now"))
        let fresh = try Self.json(cli, ["handoff", "show", "Ward", "--json"])
        let reset = try #require(fresh["patients"]?[0]?["sinceLastRound"])
        #expect(reset["news2From"] == reset["news2To"] && reset["abnormalVitals"]?.array?.isEmpty == true)
        #expect(!(try Self.json(cli, ["audit", "--json", "--operation", "RoundDone"]).array ?? []).isEmpty)
    }

    @Test func mistakesAreRefusedWithASentenceAndChangeNothing() throws {
        let (sandbox, cli) = try Self.ward()
        defer { withExtendedLifetime(sandbox) {} }
        let severity = try cli.run(["handoff", "set", "contos-0001", "--list", "Ward", "--severity", "critical"])
        #expect(severity.status == 2 && severity.stderr.contains("stable, watcher or unstable"), "\(severity.stderr)")
        let offList = try cli.run(["handoff", "set", "contos-0009", "--list", "Ward", "--summary", "x"])
        #expect(offList.status == 1 && offList.stderr.contains("not on the list 'Ward'"), "\(offList.stderr)")
        let noList = try cli.run(["todo", "add", "contos-0001", "x", "--list", "Nowhere"])
        #expect(noList.status == 1 && noList.stderr.contains("No list named 'Nowhere'"), "\(noList.stderr)")
        let due = try cli.run(["todo", "add", "contos-0001", "x", "--list", "Ward", "--due", "25:00"])
        #expect(due.status == 2 && due.stderr.contains("HH:MM"), "\(due.stderr)")
        let number = try cli.run(["todo", "done", "contos-0001", "3", "--list", "Ward"])
        #expect(number.status == 1 && number.stderr.contains("no to-do 3"), "\(number.stderr)")
        let nothing = try cli.run(["handoff", "set", "contos-0001", "--list", "Ward"])
        #expect(nothing.status == 2, "\(nothing.stderr)")
        let shown = try Self.json(cli, ["handoff", "show", "Ward", "--json"])
        #expect(
            (shown["patients"]?.array ?? []).allSatisfy {
                $0["severity"] == nil && $0["summary"] == nil && ($0["todos"]?.array ?? []).isEmpty
            })
    }
}
