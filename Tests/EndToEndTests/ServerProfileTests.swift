import Clinical
import FHIRAdapters
import Foundation
import RoundsCore
import TestSupport
import Testing

@testable import Sandbox

/// Rounds against the servers it had not seen, played by the sandbox over real HTTP: the bed of the
/// current stay and NEWS2 agree on the patient view, the list, the exports and present mode, on
/// every release, whatever the server's `_sort`, paging and record history.
@Suite(.serialized) struct ServerProfileTests {
    struct Profile: Sendable, CustomTestStringConvertible {
        let name: String
        let release: String
        let configure: @Sendable (inout SandboxConfiguration) -> Void
        var testDescription: String { name }
    }

    static let profiles: [Profile] = [
        Profile(name: "DSTU2 ignoring _sort, strict, with history", release: "dstu2") { c in
            c.history = true
            c.ignoreSort = true
            c.strict = true
        },
        Profile(name: "STU3 honouring _sort, with history, paging at 20", release: "stu3") { c in
            c.history = true
            c.pageSize = 20
        },
        Profile(name: "R4 US Core oxygen, strict, with history, paging at 20", release: "r4") { c in
            c.history = true
            c.usCoreOxygen = true
            c.strict = true
            c.pageSize = 20
        },
    ]

    static let ids = [
        "contos-0001", "contos-0002", "contos-0003", "contos-0004", "contos-0005", "contos-0006", "contos-0007",
        "contos-0008",
    ]

    /// NEWS2 worked out from the synthetic patient itself, not through any of Rounds' mapping:
    /// the latest set of observations, scale 1.
    static func expectedNEWS2(_ p: SyntheticPatient, oxygenKnown: (Double) -> Bool) -> (score: Int, partial: Bool) {
        let latest = p.vitals.filter { $0.code == "8867-4" }.map(\.time).max()!
        func value(_ code: String) -> SyntheticPatient.Vital {
            p.vitals.first { $0.code == code && $0.time == latest }!
        }
        let fio2 = value("3150-0").value
        let systolic = p.pressures.first { $0.time == latest }!.systolic
        var total = NEWS2.respiration(Int(value("9279-1").value))
        total += NEWS2.saturation(Int(value("59408-5").value), scale2: false, onOxygen: fio2 > 21)
        total += NEWS2.systolic(Int(systolic)) + NEWS2.pulse(Int(value("8867-4").value))
        total += value("80288-4").text == "Alert" ? 0 : 3
        total += NEWS2.temperature(value("8310-5").value)
        let known = oxygenKnown(fio2)
        if known, fio2 > 21 { total += 2 }
        return (total, !known)
    }

    @Test(arguments: profiles)
    func theBedAndTheScoreAgreeEverywhere(_ profile: Profile) async throws {
        let h = try SandboxHarness(patients: 30, configure: profile.configure)
        let cli = CLIRunner(home: try TempDir.make("profile"))
        let connect = try cli.run([
            "connect", h.base(profile.release), "--client-id", h.clientId, "--tenant", h.tenant,
            "--secret-file", h.secretFile, "--name", "sandbox",
        ])
        #expect(connect.status == 0, "\(connect.stderr)")
        #expect(try cli.run(["list", "create", "Ward"]).status == 0)
        let before = h.requests().count
        let add = try cli.run(["list", "add", "Ward"] + Self.ids)
        #expect(add.status == 0, "\(add.stderr)")
        let data = h.server.tenantData("contoso")
        // Each payor is read once for the whole command, however many patients it covers.
        let organizationReads = h.requests()[before...].compactMap { $0["path"]?.string }.filter {
            $0.contains("/Organization/")
        }
        let payors = Set(Self.ids.compactMap { data.byId[$0]?.coverage.payor })
        #expect(organizationReads.count == payors.count, "\(organizationReads)")
        // US Core servers without an oxygen component say nothing about air: unknown, not air.
        let oxygenKnown: (Double) -> Bool = { fio2 in !profile.release.hasPrefix("r4") || fio2 > 21 }

        let show = try JSONParser.parse(try cli.run(["list", "show", "Ward", "--json"]).stdout)
        let exportPath = cli.home + "/ward.json"
        #expect(try cli.run(["export", "Ward", "--format", "json", "--output", exportPath]).status == 0)
        let exported = try JSONParser.parse(try String(contentsOfFile: exportPath, encoding: .utf8))
        let csvPath = cli.home + "/ward.csv"
        #expect(try cli.run(["export", "Ward", "--format", "csv", "--output", csvPath]).status == 0)
        let csv = try String(contentsOfFile: csvPath, encoding: .utf8)

        for id in Self.ids {
            let truth = try #require(data.byId[id])
            let expected = Self.expectedNEWS2(truth, oxygenKnown: oxygenKnown)
            let patient = try JSONParser.parse(try cli.run(["patient", id, "--json"]).stdout)
            #expect(patient["lastEncounter"]?["location"]?.string == truth.location, "\(id) patient view")
            #expect(patient["lastEncounter"]?["status"]?.string == "in-progress", "\(id)")
            #expect(patient["mrn"]?.string == truth.mrn, "\(id): the current MRN, not the retired one")
            let vitals = patient["latestVitals"]?.array ?? []
            let heartRate = vitals.first { $0["code"]?.string == "8867-4" }?["value"]?.double
            #expect(heartRate != 190, "\(id): the entered-in-error reading never shows")
            #expect(
                vitals.contains { $0["code"]?.string == "29463-7" },
                "\(id): the weight, on the last page of vital signs")
            #expect(patient["sections"]?["vitals"]?["incomplete"] == nil, "\(id): every page was read")
            #expect(
                patient["coverage"]?[0]?["payor"]?.string == truth.coverage.payor,
                "\(id): a payor sent only by reference is read")
            let medications = (patient["medications"]?.array ?? []).compactMap { $0["name"]?.string }
            #expect(!medications.contains { $0.hasPrefix("Morphine") }, "\(id): the order entered in error never shows")
            #expect(medications.first.map { !$0.hasPrefix("Warfarin") } == true, "\(id): current orders first")

            let row = try #require(show["patients"]?.array?.first { $0["id"]?.string == id })
            #expect(row["cells"]?["location"]?.string == truth.location, "\(id) list column")
            #expect(row["news2"]?["score"]?.double == Double(expected.score), "\(id) NEWS2 on the list")
            #expect(row["news2"]?["partial"]?.bool == expected.partial, "\(id) NEWS2 partial")
            let marker = expected.partial ? "?" : ""
            #expect(
                row["cells"]?["news2"]?.string?.hasPrefix("\(expected.score)\(marker)") == true,
                "\(id) NEWS2 cell \(row["cells"]?["news2"]?.string ?? "nil")")

            let exportedRow = try #require(exported["patients"]?.array?.first { $0["id"]?.string == id })
            #expect(exportedRow.serialized.contains(truth.location), "\(id) JSON export has the bed")
            #expect(
                csv.split(separator: "\n").contains { $0.contains(truth.mrn) && $0.contains(truth.location) },
                "\(id) CSV export")
        }

        // Present mode shows the same bed and score, starting from the list's first row.
        let firstId = try #require(show["patients"]?.array?.first?["id"]?.string)
        let first = try #require(data.byId[firstId])
        let score = Self.expectedNEWS2(first, oxygenKnown: oxygenKnown).score
        let command =
            "env ROUNDS_HOME=\(cli.home) TERM=xterm-256color TZ=UTC LANG=C.UTF-8 \(CLIRunner.binDirectory)/rounds"
        let tui = try TmuxSession(command: command)
        defer { tui.stop() }
        try tui.waitFor("Ward (\(Self.ids.count))")
        let browse = try tui.waitFor("Vital signs")
        #expect(browse.contains(first.location), "the detail pane shows the bed:\n\(browse)")
        #expect(browse.contains("NEWS2 \(score)"), "the detail pane shows NEWS2 \(score):\n\(browse)")
        try tui.press("p")
        let present = try tui.waitFor("1 of \(Self.ids.count)")
        #expect(present.contains(first.location), "present mode shows the bed:\n\(present)")
        #expect(present.contains("NEWS2 \(score)"), "present mode shows NEWS2 \(score):\n\(present)")
        #expect(!present.contains("Endoscopy"), "a planned visit never shows")
        #expect(
            !present.contains("Warfarin") && !present.contains("Morphine"),
            "stopped and void orders are not the patient's current ones")
    }

    /// A strict DSTU2 server refuses `Coverage?patient` (DSTU2 does not define it): Rounds asks by
    /// `subscriber` instead and remembers it for the next patient.
    /// A strict DSTU2 server refuses `Coverage?patient` (DSTU2 defines no such search). One that
    /// lists its search parameters is asked by subscriber from the start; one that lists none is
    /// refused once per patient of the first batch, and the fallbacks go in one more batch.
    @Test(arguments: [true, false])
    func strictDSTU2CoverageBySubscriber(_ listsParameters: Bool) throws {
        let h = try SandboxHarness(patients: 10) { c in
            c.strict = true
            c.listsSearchParameters = listsParameters
        }
        let cli = CLIRunner(home: try TempDir.make("coverage"))
        #expect(
            try cli.run([
                "connect", h.base("dstu2"), "--client-id", h.clientId, "--tenant", h.tenant,
                "--secret-file", h.secretFile, "--name", "sandbox",
            ]).status == 0)
        #expect(try cli.run(["list", "create", "Ward"]).status == 0)
        #expect(try cli.run(["list", "add", "Ward", "contos-0001", "contos-0002", "contos-0003"]).status == 0)
        let before = h.requests().count
        let sync = try cli.run(["sync", "--list", "Ward", "--concurrency", "1"])
        #expect(sync.status == 0, "\(sync.stderr)")
        let during = Array(h.requests()[before...])
        let patient = try JSONParser.parse(try cli.run(["patient", "contos-0003", "--json", "--offline"]).stdout)
        #expect(patient["coverage"]?[0]?["payor"]?.string != nil)
        #expect(patient["sections"]?["coverage"]?["status"]?.string == "ok")
        let asked = during.flatMap { entry -> [String] in
            let query = entry.pairs("query").map { "\($0.0)=\($0.1)" }.joined(separator: "&")
            return (entry["batch"]?.list ?? []).compactMap(\.string) + ["\(entry["path"]?.string ?? "")?\(query)"]
        }
        let refused = asked.filter { $0.contains("Coverage?patient=") }
        let bySubscriber = asked.filter { $0.contains("Coverage?subscriber=") }
        if listsParameters {
            #expect(refused.isEmpty, "\(asked)")
        } else {
            // The three patients share one batch: each is refused once in it, then asked by subscriber.
            #expect(refused.count == 3, "\(asked)")
            let fallbackBatches = during.filter { entry in
                let urls = (entry["batch"]?.list ?? []).compactMap(\.string)
                return !urls.isEmpty && urls.allSatisfy { $0.hasPrefix("GET Coverage?subscriber=") }
            }
            #expect(fallbackBatches.count == 1, "\(asked)")
        }
        #expect(bySubscriber.count == 3, "\(asked)")
    }

    /// `:contains` finds every name with the letters anywhere; a server that refuses the modifier
    /// is asked again by the start of names, and the user is told.
    @Test(arguments: ["dstu2", "stu3", "r4"])
    func nameSearchFindsEveryMatchOrSaysItCannot(_ release: String) throws {
        let h = try SandboxHarness(patients: 60)
        let cli = CLIRunner(home: try TempDir.make("search"))
        #expect(
            try cli.run([
                "connect", h.base(release), "--client-id", h.clientId, "--tenant", h.tenant,
                "--secret-file", h.secretFile, "--name", "sandbox",
            ]).status == 0)
        let patients = h.server.tenantData("contoso").patients
        let fold = { (s: String) in s.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil) }
        let containing = patients.filter { p in
            ([p.family] + p.given + (p.prefix.map { [$0] } ?? [])).contains { fold($0).contains("an") }
        }
        let found = try JSONParser.parse(try cli.run(["search", "--name", "an", "--count", "5", "--json"]).stdout)
        #expect(found["total"]?.double == Double(containing.count), "total counts every match, apart from the page")
        #expect(found["patients"]?.array?.count == 5)
        #expect(found["nameMatching"]?.string == "contains")
        #expect(containing.count > 5)

        let strict = try SandboxHarness(patients: 60) { c in c.noContains = true }
        let cli2 = CLIRunner(home: try TempDir.make("search-strict"))
        #expect(
            try cli2.run([
                "connect", strict.base(release), "--client-id", strict.clientId, "--tenant", strict.tenant,
                "--secret-file", strict.secretFile, "--name", "sandbox",
            ]).status == 0)
        let byStart = try cli2.run(["search", "--name", "an"])
        #expect(byStart.status == 0, "\(byStart.stderr)")
        #expect(byStart.stdout.contains("names matched by their start only"))
        let json = try JSONParser.parse(try cli2.run(["search", "--name", "an", "--json"]).stdout)
        #expect(json["nameMatching"]?.string == "starts with")
        let starting = patients.filter { p in
            let fields = [p.family] + p.given + (p.prefix.map { [$0] } ?? [])
            return fields.flatMap { $0.split(separator: " ").map(String.init) + [$0] }.contains {
                fold($0).hasPrefix("an")
            }
        }
        #expect(json["total"]?.double == Double(starting.count))
    }

    /// `rounds inspect A B` with two files of one patient gives one record.
    @Test func inspectReadsFilesOfOnePatientAsOneRecord() throws {
        let dir = try TempDir.make("inspect")
        let patient = #"{"resourceType":"Patient","id":"p1","name":[{"family":"Kim","given":["Hana"]}]}"#
        let observation =
            #"{"resourceType":"Observation","id":"o1","status":"final","#
            + #""category":[{"coding":[{"code":"vital-signs"}]}],"code":{"coding":[{"system":"http://loinc.org","#
            + #""code":"8867-4"}]},"subject":{"reference":"Patient/p1"},"#
            + #""effectiveDateTime":"2026-12-01T08:00:00Z","valueQuantity":{"value":88,"unit":"/min"}}"#
        let bundle = #"{"resourceType":"Bundle","type":"searchset","entry":[{"resource":\#(observation)}]}"#
        try patient.write(toFile: dir + "/patient.json", atomically: true, encoding: .utf8)
        try bundle.write(toFile: dir + "/vitals.json", atomically: true, encoding: .utf8)
        try bundle.write(toFile: dir + "/vitals-again.json", atomically: true, encoding: .utf8)
        let cli = CLIRunner(home: try TempDir.make("inspect-home"))
        let result = try cli.run([
            "inspect", dir + "/patient.json", dir + "/vitals.json", dir + "/vitals-again.json", "--json",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let records = try JSONParser.parse(result.stdout).array ?? []
        #expect(records.count == 1)
        #expect(records.first?["name"]?["display"]?.string == "Kim, Hana")
        #expect(records.first?["latestVitals"]?[0]?["value"]?.double == 88)
        #expect(records.first?["vitalHistory"]?.array?.count == 1, "the same reading in two files counts once")
    }
}
