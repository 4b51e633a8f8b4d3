import Clinical
import FHIRAdapters
import Foundation
import Sandbox
import Store
import TestSupport
import Testing

/// Lists, notes, sync and offline reading through the CLI, on a real SQLite file and the sandbox.
@Suite struct OfflineCLITests {
    struct Setup {
        let h: SandboxHarness
        let cli: CLIRunner
        var cachePath: String { cli.home + "/data/sandbox--contoso.sqlite" }
    }

    func setup(_ v: String = "stu3", patients: Int = 30, configure: (inout SandboxConfigurationBox) -> Void = { _ in })
        throws -> Setup
    {
        let h = try SandboxHarness(patients: patients) { c in
            var box = SandboxConfigurationBox(c)
            configure(&box)
            c = box.value
        }
        let cli = CLIRunner(home: try TempDir.make("home"))
        let r = try cli.run([
            "connect", h.base(v), "--client-id", h.clientId, "--tenant", h.tenant, "--secret-file", h.secretFile,
            "--name", "sandbox",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        return Setup(h: h, cli: cli)
    }

    @Test func listsAndNotesEndToEnd() throws {
        let s = try setup()
        let cli = s.cli
        #expect(try cli.run(["list", "create", "4 West high risk"]).status == 0)
        #expect(try cli.run(["list", "create", "ICU step-down", "--columns", "name,news2,hr"]).status == 0)
        #expect(try cli.run(["list", "create", "4 west HIGH risk"]).status == 1)
        let add = try cli.run(["list", "add", "4 West high risk", "contos-0001", "contos-0002", "contos-0003"])
        #expect(add.status == 0, "\(add.stderr)")
        let unknown = try cli.run(["list", "add", "4 West high risk", "contos-0004", "no-such-id"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("no-such-id"))
        #expect(try cli.run(["list", "add", "ICU step-down", "contos-0002"]).status == 0)
        #expect(try cli.run(["list", "move", "4 West high risk", "contos-0003", "--to", "1"]).status == 0)
        let ls = try JSONParser.parse(try cli.run(["list", "ls", "--json"]).stdout)
        #expect(ls[0]?["name"]?.string == "4 West high risk")
        #expect(ls[0]?["patients"]?.double == 3, "the unknown id added nothing")
        #expect(ls[0]?["isDefault"]?.bool == true)
        let show = try JSONParser.parse(
            try cli.run(["list", "show", "4 West high risk", "--json", "--sort", "name"]).stdout)
        #expect(show["patients"]?.array?.count == 3)
        let unsorted = try JSONParser.parse(try cli.run(["list", "show", "ICU step-down", "--json"]).stdout)
        #expect(unsorted["columns"]?.array?.compactMap(\.string) == ["name", "news2", "hr"])
        #expect(try cli.run(["note", "add", "contos-0002", "increasing O2 requirement, reviewed by MET"]).status == 0)
        #expect(try cli.run(["note", "add", "contos-0002", "family updated"]).status == 0)
        let notes = try JSONParser.parse(try cli.run(["note", "ls", "contos-0002", "--json"]).stdout)
        #expect(notes[0]?["text"]?.string == "family updated")
        #expect(notes[0]?["author"]?.string == OSUserName.current)
        #expect(try cli.run(["list", "delete", "ICU step-down"], input: "").status == 1, "no TTY without --yes")
        #expect(try cli.run(["list", "delete", "ICU step-down", "--yes"]).status == 0)
        #expect(try cli.run(["list", "rename", "4 West high risk", "4 West"]).status == 0)
        #expect(try cli.run(["list", "remove", "4 West", "contos-0001"]).status == 0)
        let purge = try cli.run(["cache", "purge"])
        #expect(purge.stdout.contains("Purged 1"), "contos-0001 is on no list now; \(purge.stdout)")
        let cache = try Cache(path: s.cachePath)
        #expect(Set(try cache.cachedPatientIds()) == ["contos-0002", "contos-0003"])
        withExtendedLifetime(s.h) {}
    }

    @Test func ctrlCFinishesThePatientsInFlightAndStops() throws {
        let h = try SandboxHarness(patients: 40) { $0.latencyMs = 60 }
        let cli = CLIRunner(home: try TempDir.make("sigint"))
        try cli.run([
            "connect", h.base("r4"), "--client-id", h.clientId, "--tenant", h.tenant, "--secret-file", h.secretFile,
            "--name", "sandbox",
        ])
        try cli.run(["list", "create", "Ward"])
        let cache = try Cache(path: cli.home + "/data/sandbox--contoso.sqlite")
        try cache.addPatients((1...40).map { String(format: "contos-%04d", $0) }, to: "Ward")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLIRunner.binDirectory + "/rounds")
        p.arguments = ["sync", "--concurrency", "2", "--json"]
        p.environment = ProcessInfo.processInfo.environment.merging(["ROUNDS_HOME": cli.home]) { _, b in b }
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        let before = h.requests().count
        try p.run()
        // Interrupt once the sync is under way (patients in flight, two batches of ten), not after
        // a guessed delay.
        let started = Wait.until(timeout: 20) {
            h.requests().dropFirst(before).contains { !($0["batch"]?.array ?? []).isEmpty }
        }
        #expect(started, "the sync started asking the partner")
        kill(p.processIdentifier, SIGINT)
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 1)
        let summary = try JSONParser.parse(data)
        #expect(summary["interrupted"]?.bool == true)
        let done = (summary["synced"]?.double ?? 0) + (summary["unchanged"]?.double ?? 0)
        #expect(done > 0 && done < 40)
        #expect((summary["remaining"]?.double ?? 0) + done == 40)
        #expect(try cache.integrityCheck() == "ok")
        #expect(try cache.cachedPatientIds().count == Int(done), "every finished patient was saved whole")
    }

    @Test func hypercapnicPatientsUseScale2() throws {
        let s = try setup("r4")
        try s.cli.run(["list", "create", "Ward", "--columns", "name,news2,spo2"])
        try s.cli.run(["list", "add", "Ward", "contos-0002"])
        #expect(try s.cli.run(["patient", "contos-0002", "--hypercapnic", "on"]).status == 0)
        #expect(try Cache(path: s.cachePath).isHypercapnic("contos-0002"))
        #expect(try s.cli.run(["patient", "contos-0002", "--hypercapnic", "maybe"]).status == 2)
        withExtendedLifetime(s.h) {}
    }

    @Test func exportImportRoundTrip() throws {
        let s = try setup()
        try s.cli.run(["list", "create", "Night shift", "--columns", "name,mrn,news2,note"])
        try s.cli.run(["list", "add", "Night shift", "contos-0005", "contos-0006"])
        try s.cli.run(["note", "add", "contos-0006", "watch potassium"])
        let file = s.cli.home + "/night.json"
        let exp = try s.cli.run(["list", "export", "Night shift", "--output", file])
        #expect(exp.status == 0)
        var st = stat()
        stat(file, &st)
        #expect(st.st_mode & 0o777 == 0o600)
        let colleague = CLIRunner(home: try TempDir.make("colleague"))
        try colleague.run([
            "connect", s.h.base("stu3"), "--client-id", s.h.clientId, "--tenant", s.h.tenant, "--secret-file",
            s.h.secretFile, "--name", "sandbox",
        ])
        let imp = try colleague.run(["list", "import", file])
        #expect(imp.status == 0, "\(imp.stderr)")
        let show = try JSONParser.parse(
            try colleague.run(["list", "show", "Night shift", "--json", "--sort", "name"]).stdout)
        #expect(show["columns"]?.array?.compactMap(\.string) == ["name", "mrn", "news2", "note"])
        let ids = Set((show["patients"]?.array ?? []).compactMap { $0["id"]?.string })
        #expect(ids == ["contos-0005", "contos-0006"])
        #expect(try colleague.run(["note", "ls", "contos-0006"]).stdout.contains("watch potassium"))
        // The file's author and time are its word: the note says it was imported, by whom.
        let notes = try JSONParser.parse(try colleague.run(["note", "ls", "contos-0006", "--json"]).stdout)
        let author = notes[0]?["author"]?.string ?? ""
        #expect(
            author.hasPrefix(OSUserName.current) && author.contains("(imported by \(OSUserName.current) "), "\(author)")
        let audit =
            try JSONParser.parse(try colleague.run(["audit", "--json", "--operation", "PatientNoteAdd"]).stdout).array
            ?? []
        #expect(
            audit.contains { ($0["patientIds"]?.array ?? []).contains { $0.string == "contos-0006" } },
            "the import is audited")
        #expect(try colleague.run(["sync", "--list", "Night shift"]).status == 0)
        let synced = try JSONParser.parse(try colleague.run(["list", "show", "Night shift", "--json"]).stdout)
        #expect((synced["patients"]?.array ?? []).allSatisfy { $0["synced"]?.bool == true })
    }

    @Test func syncCachesEveryPatientAndMatchesTheOnlineAnswer() throws {
        let s = try setup("r4")
        try s.cli.run(["list", "create", "Ward"])
        let ids = (1...12).map { String(format: "contos-%04d", $0) }
        try s.cli.run(["list", "add", "Ward"] + Array(ids.prefix(2)))
        let cache = try Cache(path: s.cachePath)
        try cache.addPatients(Array(ids.dropFirst(2)), to: "Ward")
        let sync = try s.cli.run(["sync", "--json"])
        #expect(sync.status == 0, "\(sync.stderr)")
        let summary = try JSONParser.parse(sync.stdout)
        #expect(summary["total"]?.double == 12)
        #expect((summary["synced"]?.double ?? 0) + (summary["unchanged"]?.double ?? 0) == 12)
        #expect(Set(try cache.cachedPatientIds()).isSuperset(of: ids))
        for id in ["contos-0003", "contos-0011"] {
            let online = try JSONParser.parse(try s.cli.run(["patient", id, "--json"]).stdout)
            let offline = try JSONParser.parse(try s.cli.run(["patient", id, "--json", "--offline"]).stdout)
            for key in [
                "name", "mrn", "latestVitals", "lastEncounter", "conditions", "allergies", "medications", "coverage",
            ] {
                #expect(online[key] == offline[key], "\(id) \(key)")
            }
        }
    }

    @Test func failRateLeavesGoodDataAndMarksItStale() throws {
        let good = try setup("stu3")
        try good.cli.run(["list", "create", "Ward"])
        let ids = (1...10).map { String(format: "contos-%04d", $0) }
        #expect(try good.cli.run(["list", "add", "Ward"] + ids).status == 0)
        let before = try Cache(path: good.cachePath)
        let reference = try ids.map { try #require(try before.record($0)) }
        // The same cache against a flaky partner (same seed, so the same patients).
        let flaky = try SandboxHarness(patients: 30) { $0.failRate = 0.5 }
        // Connecting can itself meet an injected failure: try again (each try is a coin flip).
        var connected: CLIRunner.Result?
        for _ in 0..<20 {
            let r = try good.cli.run([
                "connect", flaky.base("stu3"), "--client-id", flaky.clientId, "--tenant", flaky.tenant,
                "--secret-file", flaky.secretFile, "--name", "sandbox",
            ])
            #expect(r.status == 0 || r.stderr.contains("500"), "\(r.stderr)")
            if r.status == 0 {
                connected = r
                break
            }
        }
        try #require(connected != nil, "connect never got through a partner failing half its requests")
        // One patient per request, as a server without batch would be asked: every patient meets
        // the coin flips (batches across patients are tested on their own below).
        try Data(#"{"patientsPerBatch": 1}"#.utf8).write(to: URL(fileURLWithPath: good.cli.home + "/config.json"))
        let sync = try good.cli.run(["sync", "--json"])
        let summary = try JSONParser.parse(sync.stdout)
        let failed = summary["failed"]?.array?.count ?? 0
        #expect(sync.status == (failed > 0 ? 1 : 0))
        let after = try Cache(path: good.cachePath)
        var staleSeen = 0
        for (id, old) in zip(ids, reference) {
            let now = try #require(try after.record(id))
            #expect(now.patient.mrn == old.patient.mrn)
            for sct in ClinicalSection.allCases {
                let st = now.state(of: sct)
                #expect(
                    st.status.name != "unavailable" || old.state(of: sct).status.name == "unavailable",
                    "\(id) \(sct) lost its good copy")
                if st.stale { staleSeen += 1 }
            }
            #expect(now.conditions == old.conditions, "good data kept or refreshed identically")
        }
        #expect(failed > 0 || staleSeen > 0, "a 50 % fail rate shows somewhere")
        withExtendedLifetime(flaky) {}
    }

    @Test func serverStoppedOfflineAndAutomaticFallbackGiveTheSameData() throws {
        var s: Setup? = try setup("stu3")
        let cli = s!.cli
        try cli.run(["list", "create", "Ward"])
        #expect(try cli.run(["list", "add", "Ward", "contos-0007", "contos-0008"]).status == 0)
        let online = try JSONParser.parse(try cli.run(["patient", "contos-0007", "--json"]).stdout)
        let mrn = try #require(online["mrn"]?.string)
        s = nil // stops the sandbox
        let offline = try cli.run(["patient", "contos-0007", "--json", "--offline"])
        let fallback = try cli.run(["patient", "contos-0007", "--json"])
        #expect(offline.status == 0 && fallback.status == 0, "\(fallback.stderr)")
        #expect(fallback.stderr.contains("offline: showing data synced"))
        #expect(fallback.stderr.contains("connection refused"))
        let a = try JSONParser.parse(offline.stdout)
        let b = try JSONParser.parse(fallback.stdout)
        #expect(a == b)
        #expect(a["conditions"] == online["conditions"])
        let text = try cli.run(["patient", "contos-0007", "--offline"])
        #expect(text.stdout.contains("synced"), "offline text says how old each section is")
        let search = try cli.run(["search", "--mrn", mrn, "--json"])
        #expect(search.status == 0)
        #expect(search.stderr.contains("offline: showing data synced"))
        let found = try JSONParser.parse(search.stdout)
        #expect(found["source"]?.string == "cache")
        #expect(found["patients"]?[0]?["id"]?.string == "contos-0007")
        let missing = try cli.run(["patient", "contos-0099", "--offline"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("not in the offline cache"))
    }
}

/// Lets a test tweak the sandbox configuration through a closure of its own type.
public struct SandboxConfigurationBox {
    public var value: Sandbox.SandboxConfiguration
    init(_ v: Sandbox.SandboxConfiguration) { value = v }
}

enum OSUserName {
    static var current: String {
        if let pw = getpwuid(getuid()), let n = pw.pointee.pw_name { return String(cString: n) }
        return ""
    }
}
