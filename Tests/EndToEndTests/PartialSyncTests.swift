import FHIRAdapters
import Foundation
import Sandbox
import TestSupport
import Testing

/// Only the observation query failing (503): the sync is a partial failure of every patient, and
/// the old vital signs are marked stale everywhere a nurse reads them.
@Suite(.serialized) struct PartialSyncTests {
    @Test func aFailedSectionIsCountedListedAndMarkedStaleOnTheRow() throws {
        let good = try SandboxHarness(patients: 10)
        let cli = CLIRunner(home: try TempDir.make("partial"))
        #expect(
            try cli.run([
                "connect", good.base("stu3"), "--client-id", good.clientId, "--tenant", good.tenant,
                "--secret-file", good.secretFile, "--name", "sandbox",
            ]).status == 0)
        #expect(try cli.run(["list", "create", "Ward"]).status == 0)
        let ids = ["contos-0001", "contos-0002", "contos-0003"]
        #expect(try cli.run(["list", "add", "Ward"] + ids).status == 0)
        let before = try JSONParser.parse(try cli.run(["list", "show", "Ward", "--json"]).stdout)
        #expect(before["patients"]?.array?.allSatisfy { !($0["cells"]?["news2"]?.string ?? "").contains("~") } == true)

        // The same partner (same seed), now failing the observation search only.
        let failing = try SandboxHarness(patients: 10) { $0.statusOverrides = [("Observation", 503)] }
        #expect(
            try cli.run([
                "connect", failing.base("stu3"), "--client-id", failing.clientId, "--tenant", failing.tenant,
                "--secret-file", failing.secretFile, "--name", "sandbox",
            ]).status == 0)
        let sync = try cli.run(["sync", "--json"])
        #expect(sync.status == 1, "a partial failure is a failure")
        let summary = try JSONParser.parse(sync.stdout)
        let failed = summary["failed"]?.array ?? []
        #expect(Set(failed.compactMap { $0["id"]?.string }) == Set(ids))
        #expect(failed.allSatisfy { ($0["reason"]?.string ?? "").contains("vital signs") }, "\(failed)")
        #expect(summary["synced"]?.double == 0)
        let plain = try cli.run(["sync"])
        #expect(plain.status == 1)
        #expect(
            plain.stdout.contains("failed 3") || plain.stderr.contains("failed 3"), "\(plain.stdout)\(plain.stderr)")

        // The rows keep the old scores, marked as the previous copy; the exports too.
        let after = try JSONParser.parse(try cli.run(["list", "show", "Ward", "--json"]).stdout)
        for row in after["patients"]?.array ?? [] {
            let cell = row["cells"]?["news2"]?.string ?? ""
            #expect(cell.contains("~"), "row \(row["id"]?.string ?? "?") shows \(cell)")
        }
        let csvPath = cli.home + "/ward.csv"
        #expect(try cli.run(["export", "Ward", "--format", "csv", "--output", csvPath]).status == 0)
        let csv = try String(contentsOfFile: csvPath, encoding: .utf8)
        #expect(csv.split(separator: "\n").dropFirst().allSatisfy { $0.contains("~") }, "\(csv)")
        let patient = try cli.run(["patient", "contos-0001", "--offline"])
        #expect(patient.stdout.contains("Vital signs [stale"), "\(patient.stdout)")
        withExtendedLifetime(good) {}
    }
}
