import Clinical
import Foundation
import JSONKit
import Sandbox
import Store
import TestSupport
import Testing

/// A re-sync asks the server what changed since the last whole read (`_lastUpdated`, conditional
/// Patient reads) and reads whole only the patients with a change; a server that cannot say is
/// read whole every time. Nothing cached is lost or doubled.
@Suite struct IncrementalRefreshTests {
    /// A heart rate no synthetic patient has.
    static let newHeartRate = 173.0

    static func run(_ cli: CLIRunner, _ sandbox: SandboxHarness) throws -> (summary: JSONValue, requests: [JSONValue]) {
        let before = sandbox.requests().count
        let sync = try cli.run(["sync", "--json"])
        #expect(sync.status == 0, "\(sync.stderr)")
        return (try JSONParser.parse(sync.stdout), Array(sandbox.requests()[before...]))
    }

    /// The GETs a run asked for, inside batches and alone.
    static func asked(_ requests: [JSONValue]) -> [String] {
        requests.flatMap { entry -> [String] in
            let inBatch = (entry["batch"]?.array ?? []).compactMap(\.string)
            if !inBatch.isEmpty { return inBatch }
            return ["\(entry["method"]?.string ?? "") \(entry["path"]?.string ?? "")"]
        }
    }

    static func addReadings(_ sandbox: SandboxHarness, _ ids: [String]) {
        let added = sandbox.server.addReadings(
            tenant: sandbox.tenant, patientIds: ids, code: "8867-4", value: newHeartRate, unit: "/min",
            display: "Heart rate")
        #expect(added == ids.count)
    }

    @Test func aResyncWithNothingChangedAsksOneSmallBatchPerTwentyPatientsAndKeepsEveryRecord() throws {
        let sandbox = try SandboxHarness(patients: 30)
        let (cli, ids) = try PatientBatchTests.ward(sandbox, patients: 24)
        _ = try Self.run(cli, sandbox)
        let cache = try Cache(path: cli.home + "/data/ehr--contoso.sqlite")
        let first = try ids.map { try #require(try cache.record($0)) }
        let (summary, requests) = try Self.run(cli, sandbox)
        #expect(summary["unchanged"]?.double == 24 && summary["synced"]?.double == 0, "\(summary)")
        let batches = requests.filter { !($0["batch"]?.array ?? []).isEmpty }
        // A question is small (`_count=1`), so a refresh batch carries twice a whole read's patients.
        #expect(batches.count == 2, "24 patients, twenty a batch: \(batches.count)")
        let inBatches = batches.flatMap { ($0["batch"]?.array ?? []).compactMap(\.string) }
        let sectionSearches = inBatches.filter { !$0.hasPrefix("GET Patient/") }
        // Six sections: the server lists Coverage by patient, so it is not asked by beneficiary too.
        #expect(sectionSearches.count == 24 * 6, "\(sectionSearches.count)")
        #expect(!sectionSearches.contains { $0.hasPrefix("Coverage?beneficiary=") })
        #expect(
            sectionSearches.allSatisfy { $0.contains("_lastUpdated=gt") && $0.contains("_count=1") },
            "\(sectionSearches.prefix(3))")
        let second = try ids.map { try #require(try cache.record($0)) }
        for (old, new) in zip(first, second) {
            #expect(old.latestVitals == new.latestVitals && old.vitalHistory == new.vitalHistory, "\(old.id)")
            #expect(old.conditions == new.conditions && old.medications == new.medications, "\(old.id)")
            #expect(old.lastEncounter == new.lastEncounter && old.allergies == new.allergies, "\(old.id)")
            #expect(old.patient == new.patient && old.coverage == new.coverage, "\(old.id)")
            let oldTime = try #require(old.state(of: .vitals).fetchedAt)
            let newTime = try #require(new.state(of: .vitals).fetchedAt)
            #expect(newTime > oldTime, "the copy the server confirmed counts as read now")
        }
    }

    @Test func aServerThatListsNoSearchParametersIsAskedForCoverageBothWaysAndNothingIsReadAgain() throws {
        let sandbox = try SandboxHarness(patients: 30) { $0.listsSearchParameters = false }
        let (cli, ids) = try PatientBatchTests.ward(sandbox, patients: 6)
        _ = try Self.run(cli, sandbox)
        let (summary, requests) = try Self.run(cli, sandbox)
        #expect(summary["unchanged"]?.double == 6 && summary["synced"]?.double == 0, "\(summary)")
        let asked = Self.asked(requests)
        for id in ids {
            #expect(asked.contains { $0.hasPrefix("GET Coverage?patient=\(id)&_lastUpdated=gt") }, "\(id)")
            #expect(asked.contains { $0.hasPrefix("GET Coverage?beneficiary=\(id)&_lastUpdated=gt") }, "\(id)")
        }
    }

    @Test func aResyncSpreadsTheCachedPatientsOverTheRequestsInFlightToAskThemAllInOneWave() throws {
        let sandbox = try SandboxHarness(patients: 40)
        let (cli, ids) = try PatientBatchTests.ward(sandbox, patients: 36)
        // Two patients a whole read's batch: a refresh batch carries four to ten.
        try Data(#"{"patientsPerBatch": 2, "concurrency": 6}"#.utf8)
            .write(to: URL(fileURLWithPath: cli.home + "/config.json"))
        _ = try Self.run(cli, sandbox)
        let (summary, requests) = try Self.run(cli, sandbox)
        #expect(summary["unchanged"]?.double == 36, "\(summary)")
        let batches = requests.filter { !($0["batch"]?.array ?? []).isEmpty }
        let patientsPerBatch = batches.map {
            ($0["batch"]?.array ?? []).filter { $0.string?.hasPrefix("GET Patient/") == true }.count
        }
        #expect(patientsPerBatch == [6, 6, 6, 6, 6, 6], "36 patients over six requests: \(patientsPerBatch)")
        let asked = Set(Self.asked(requests).filter { $0.hasPrefix("GET Patient/") })
        #expect(asked.count == ids.count)
    }

    @Test func aRefreshBatchTheServerRefusesForItsSizeIsHalvedAndNoPatientIsReadWhole() throws {
        // Ten patients' whole reads fit (70 entries); twenty patients' questions (seven entries
        // each: the Patient and six sections) do not.
        let sandbox = try SandboxHarness(patients: 30) { $0.maxBatchEntries = 90 }
        let (cli, ids) = try PatientBatchTests.ward(sandbox, patients: 24)
        _ = try Self.run(cli, sandbox)
        let (summary, requests) = try Self.run(cli, sandbox)
        #expect(summary["unchanged"]?.double == 24 && summary["synced"]?.double == 0, "\(summary)")
        let batches = requests.filter { !($0["batch"]?.array ?? []).isEmpty }
        let refused = batches.filter { $0["status"]?.double == 413 }
        #expect(refused.count == 1, "the twenty-patient batch: \(refused.count)")
        let accepted = batches.filter { $0["status"]?.double == 200 }
        #expect(accepted.allSatisfy { ($0["batch"]?.array?.count ?? 0) <= 90 })
        let asked = accepted.flatMap { ($0["batch"]?.array ?? []).compactMap(\.string) }
        #expect(!asked.contains { $0.contains("category=vital-signs") && !$0.contains("_lastUpdated") })
        let questioned = Set(asked.filter { $0.hasPrefix("GET Patient/") })
        #expect(questioned.count == ids.count, "every patient asked once the halves were answered")
    }

    @Test func aReadingAddedSinceTheLastSyncShowsAfterTheResyncOnceAndOnlyForItsPatients() throws {
        let sandbox = try SandboxHarness(patients: 30)
        let (cli, ids) = try PatientBatchTests.ward(sandbox, patients: 24)
        _ = try Self.run(cli, sandbox)
        let cache = try Cache(path: cli.home + "/data/ehr--contoso.sqlite")
        let historyBefore = Dictionary(
            uniqueKeysWithValues: try ids.map { ($0, try #require(try cache.record($0)).vitalHistory.count) })
        let changed = Array(ids.prefix(20))
        Self.addReadings(sandbox, changed)
        let (summary, requests) = try Self.run(cli, sandbox)
        #expect(summary["synced"]?.double == 20 && summary["unchanged"]?.double == 4, "\(summary)")
        // The 20 are read whole after the question; the 4 are not read again.
        let wholeReads = Self.asked(requests).filter {
            $0.contains("category=vital-signs") && !$0.contains("_lastUpdated")
        }
        #expect(wholeReads.count == 20, "\(wholeReads.count)")
        for id in ids {
            let record = try #require(try cache.record(id))
            let heartRate = record.latest(.heartRate)?.value
            if changed.contains(id) {
                #expect(heartRate == Self.newHeartRate, "\(id): \(String(describing: heartRate))")
                #expect(record.vitalHistory.count == (historyBefore[id] ?? 0) + 1, "\(id): one reading more, once")
            } else {
                #expect(heartRate != Self.newHeartRate, "\(id)")
                #expect(record.vitalHistory.count == historyBefore[id], "\(id)")
            }
        }
        // And the list a nurse reads shows it.
        let list = try cli.run(["list", "show", "Ward", "--json"])
        #expect(list.stdout.contains("173"), "\(list.stdout.prefix(300))")
    }

    @Test func aStrictServerIsNeverAskedWhatChangedAndIsReadWholeEachTime() throws {
        let sandbox = try SandboxHarness(patients: 30) { $0.strict = true }
        let (cli, ids) = try PatientBatchTests.ward(sandbox, patients: 12)
        _ = try Self.run(cli, sandbox)
        Self.addReadings(sandbox, Array(ids.prefix(3)))
        let (summary, requests) = try Self.run(cli, sandbox)
        #expect(summary["synced"]?.double == 3 && summary["unchanged"]?.double == 9, "\(summary)")
        let asked = Self.asked(requests)
        #expect(!asked.contains { $0.contains("_lastUpdated") }, "it does not declare _lastUpdated")
        #expect(asked.filter { $0.contains("category=vital-signs") }.count == 12, "every patient read whole")
        let cache = try Cache(path: cli.home + "/data/ehr--contoso.sqlite")
        for id in ids.prefix(3) {
            #expect(try #require(try cache.record(id)).latest(.heartRate)?.value == Self.newHeartRate, "\(id)")
        }
    }

    @Test func aServerThatDeclaresLastUpdatedButIgnoresItIsFoundOutAndReadWhole() throws {
        let sandbox = try SandboxHarness(patients: 30) { $0.ignoreLastUpdated = true }
        let (cli, ids) = try PatientBatchTests.ward(sandbox, patients: 24)
        _ = try Self.run(cli, sandbox)
        Self.addReadings(sandbox, [ids[23]])
        let (summary, requests) = try Self.run(cli, sandbox)
        #expect(summary["synced"]?.double == 1 && summary["unchanged"]?.double == 23, "\(summary)")
        let asked = Self.asked(requests)
        // Asked once (its answers show old matches), then never again on that connection.
        let questions = asked.filter { $0.contains("_lastUpdated") }
        #expect(questions.count <= 24 * 7, "each patient asked once at most: \(questions.count)")
        #expect(asked.filter { $0.contains("category=vital-signs") && !$0.contains("_lastUpdated") }.count == 24)
        let cache = try Cache(path: cli.home + "/data/ehr--contoso.sqlite")
        #expect(try #require(try cache.record(ids[23])).latest(.heartRate)?.value == Self.newHeartRate)
    }

    @Test func aPatientWithAStaleSectionIsReadWholeNotAsked() throws {
        let sandbox = try SandboxHarness(patients: 30)
        let (cli, ids) = try PatientBatchTests.ward(sandbox, patients: 12)
        _ = try Self.run(cli, sandbox)
        let cache = try Cache(path: cli.home + "/data/ehr--contoso.sqlite")
        try cache.markStale(ids[0], reason: "test: the last refresh failed")
        let (_, requests) = try Self.run(cli, sandbox)
        let asked = Self.asked(requests)
        let whole = asked.filter { $0.contains("category=vital-signs") && !$0.contains("_lastUpdated") }
        #expect(whole.count == 1 && whole[0].contains(ids[0]), "\(whole)")
        #expect(try #require(try cache.record(ids[0])).state(of: .vitals).stale == false)
    }
}
