import Clinical
import FHIRClient
import Foundation
import Store
import TestSupport
import Testing

/// `rounds sync` killed with SIGKILL at random moments never leaves a half-written patient.
@Suite struct CrashSafetyTests {
    /// A patient's content that must change as a whole: demographics and every section.
    func signature(_ r: PatientRecord) -> String {
        [
            r.patient.mrn ?? "", r.patient.displayName, r.latest(.heartRate)?.value.map { "\($0)" } ?? "",
            r.conditions.map(\.display).joined(separator: ","), r.coverage.first?.plan ?? "",
            r.medications.map(\.name).joined(separator: ","),
            String(r.vitalHistory.count),
        ].joined(separator: "|")
    }

    @Test func killedSyncLeavesEveryPatientOldOrNew() async throws {
        let ids = (1...24).map { String(format: "contos-%04d", $0) }
        // Two partners with different seeds: the same ids, different data ("old" and "new").
        let old = try SandboxHarness(patients: 24) {
            $0.seed = 1
            $0.latencyMs = 15
        }
        let new = try SandboxHarness(patients: 24) {
            $0.seed = 2
            $0.latencyMs = 15
        }
        func expected(_ h: SandboxHarness) async throws -> [String: String] {
            let c = try await FHIRConnection.connect(
                to: h.base("stu3"),
                credentials: ClientCredentials(clientId: h.clientId, secret: h.secret, tenant: h.tenant))
            var out: [String: String] = [:]
            for id in ids { out[id] = signature(try await c.patientRecord(id: id)) }
            return out
        }
        let oldSig = try await expected(old)
        let newSig = try await expected(new)
        #expect(oldSig != newSig)
        let cli = CLIRunner(home: try TempDir.make("crash"))
        try cli.run([
            "connect", old.base("stu3"), "--client-id", old.clientId, "--tenant", old.tenant, "--secret-file",
            old.secretFile, "--name", "sandbox",
        ])
        try cli.run(["list", "create", "Ward"])
        let cachePath = cli.home + "/data/sandbox--contoso.sqlite"
        try Cache(path: cachePath).addPatients(ids, to: "Ward")
        // Kills land inside a sync of this machine's speed: a fixed window outlived faster syncs.
        let started = Date()
        #expect(try cli.run(["sync"]).status == 0)
        let wholeSync = Date().timeIntervalSince(started)
        func connect(_ partner: SandboxHarness) throws {
            try cli.run([
                "connect", partner.base("stu3"), "--client-id", partner.clientId, "--tenant", partner.tenant,
                "--secret-file", partner.secretFile, "--name", "sandbox",
            ])
        }
        var rng = SeededRandom(seed: 2026)
        var killedMidway = 0
        for round in 0..<12 {
            // The connection moves between the partners, and every patient is marked stale (as a
            // failed sync leaves them), so every round reads whole and there is work to kill: a
            // patient the killed round never reached would otherwise be asked only what changed.
            try connect(round.isMultiple(of: 2) ? new : old)
            let before = try Cache(path: cachePath)
            for id in ids { try before.markStale(id, reason: "round \(round)") }
            let p = Process()
            p.executableURL = URL(fileURLWithPath: CLIRunner.binDirectory + "/rounds")
            p.arguments = ["sync", "--concurrency", "4"]
            p.environment = ProcessInfo.processInfo.environment.merging(["ROUNDS_HOME": cli.home]) { _, b in b }
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            let delay = wholeSync * Double.random(in: 0.1...0.8, using: &rng)
            usleep(UInt32(delay * 1_000_000))
            if p.isRunning {
                kill(p.processIdentifier, SIGKILL)
                killedMidway += 1
            }
            p.waitUntilExit()
            let cache = try Cache(path: cachePath)
            #expect(try cache.integrityCheck() == "ok", "round \(round)")
            for id in ids {
                let r = try #require(try cache.record(id), "round \(round): \(id) lost")
                let sig = signature(r)
                #expect(sig == oldSig[id] || sig == newSig[id], "round \(round): \(id) is half old, half new")
            }
        }
        #expect(killedMidway >= 6, "most rounds must actually kill a running sync (\(killedMidway) of 12 did)")
        try connect(new)
        #expect(try cli.run(["sync"]).status == 0, "the next run completes the rest")
        let cache = try Cache(path: cachePath)
        for id in ids { #expect(try signature(#require(try cache.record(id))) == newSig[id]) }
    }
}
