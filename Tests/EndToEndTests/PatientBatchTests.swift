import Clinical
import Foundation
import JSONKit
import Sandbox
import Store
import TestSupport
import Testing

/// A sync puts several patients in one batch (each patient's Patient read and six sections),
/// shrinks the batch for a server that refuses its size, and lets an entry's failure fail only
/// that patient's section.
@Suite struct PatientBatchTests {
    static func ward(_ sandbox: SandboxHarness, patients: Int) throws -> (CLIRunner, [String]) {
        let cli = CLIRunner(home: try TempDir.make("batch"))
        #expect(try cli.connect(sandbox).status == 0)
        let ids = (1...patients).map { String(format: "contos-%04d", $0) }
        let cache = try Cache(path: cli.home + "/data/ehr--contoso.sqlite")
        _ = try cache.createList("Ward", columns: [])
        _ = try cache.addPatients(ids, to: "Ward")
        return (cli, ids)
    }

    /// The Patient reads inside the batches the server answered.
    static func patientReads(_ sandbox: SandboxHarness, since: Int) -> [String] {
        sandbox.requests()[since...].filter { $0["status"]?.double == 200 }.flatMap { entry in
            (entry["batch"]?.array ?? []).compactMap(\.string).filter { $0.hasPrefix("GET Patient/") }
        }
    }

    @Test func manyPatientsGoInOneBatchAndTheBatchShrinksForAServerThatRefusesItsSize() throws {
        let sandbox = try SandboxHarness(patients: 30) { $0.maxBatchEntries = 35 }
        let (cli, ids) = try Self.ward(sandbox, patients: 24)
        let before = sandbox.requests().count
        let sync = try cli.run(["sync", "--json"])
        #expect(sync.status == 0, "\(sync.stderr)")
        let summary = try JSONParser.parse(sync.stdout)
        #expect(summary["synced"]?.double == 24, "\(summary)")
        let during = Array(sandbox.requests()[before...])
        let batches = during.filter { !($0["batch"]?.array ?? []).isEmpty }
        let refused = batches.filter { $0["status"]?.double == 413 }
        #expect(!refused.isEmpty, "the first batches (10 patients, 70 entries) are refused")
        #expect(refused.allSatisfy { ($0["batch"]?.array?.count ?? 0) > 35 })
        // Once learned, no batch is larger than the server takes, and each patient is read once.
        let accepted = batches.filter { $0["status"]?.double == 200 }
        #expect(accepted.allSatisfy { ($0["batch"]?.array?.count ?? 0) <= 35 })
        let reads = Self.patientReads(sandbox, since: before)
        #expect(reads.count == 24 && Set(reads).count == 24, "\(reads.count)")
        #expect(batches.count < ids.count, "fewer requests than patients: \(batches.count)")
        // Every record is whole, in the cache.
        let cache = try Cache(path: cli.home + "/data/ehr--contoso.sqlite")
        for id in ids {
            let record = try #require(try cache.record(id))
            #expect(
                ClinicalSection.allCases.allSatisfy {
                    record.state(of: $0).status.name == "ok" || record.state(of: $0).status.name == "empty"
                }, "\(id)")
        }
    }

    @Test func progressSaysWhatIsSlowWhileABatchWaitsOnTheServer() throws {
        let sandbox = try SandboxHarness(patients: 30) { $0.latencyMs = 3600 }
        var (cli, _) = try Self.ward(sandbox, patients: 3)
        cli.environment["ROUNDS_TIMEOUT"] = "20"
        let sync = try cli.run(["sync"])
        #expect(sync.status == 0, "\(sync.stderr)")
        // Before any patient is done, the wait is named; then the count moves.
        #expect(sync.stderr.contains("sync: 0/3 done; 3 patients waiting 3 s for the server"), "\(sync.stderr)")
        #expect(sync.stderr.contains("sync: 3/3 done, 0 failed"), "\(sync.stderr)")
    }

    @Test func anEntryThatFailsFailsOnlyThatSection() throws {
        let sandbox = try SandboxHarness(patients: 30) { $0.statusOverrides = [("Observation", 503)] }
        let (cli, ids) = try Self.ward(sandbox, patients: 12)
        let sync = try cli.run(["sync", "--json"])
        #expect(sync.status == 1)
        let summary = try JSONParser.parse(sync.stdout)
        let failed = summary["failed"]?.array ?? []
        #expect(failed.count == 12, "each patient in part: \(summary)")
        #expect(failed.allSatisfy { ($0["reason"]?.string ?? "").contains("vital signs") }, "\(failed)")
        let cache = try Cache(path: cli.home + "/data/ehr--contoso.sqlite")
        for id in ids {
            let record = try #require(try cache.record(id))
            #expect(record.state(of: .vitals).status.name == "unavailable")
            #expect(record.state(of: .allergies).status.name != "unavailable", "\(id): the other sections stand")
            #expect(record.patient.mrn != nil)
        }
    }
}
