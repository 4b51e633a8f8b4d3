import FHIRAdapters
import Foundation
import Sandbox
import TestSupport
import Testing

/// The real `rounds` against the sandbox as an adversary (`--chaos`): each profile is stopped
/// with a sentence that names it, the cache keeps what the last sound sync wrote, and nothing is
/// sent to another origin. Peak memory and time to give up per profile are in `make chaos`.
@Suite(.serialized) struct ChaosTests {
    static let ids = ["contos-0001", "contos-0002", "contos-0003"]

    /// A workstation synced from a sound partner, then pointed at the same partner (same seed)
    /// turned adversary.
    struct Scene {
        let cli: CLIRunner
        let sound: SandboxHarness
        let adversary: SandboxHarness
        let before: [JSONValue]

        init(_ profile: ChaosProfile, timeout: Int = 3) throws {
            sound = try SandboxHarness(patients: 10)
            cli = CLIRunner(home: try TempDir.make("chaos"), environment: ["ROUNDS_TIMEOUT": String(timeout)])
            try Scene.connect(cli, sound)
            #expect(try cli.run(["list", "create", "Ward"]).status == 0)
            #expect(try cli.run(["list", "add", "Ward"] + ChaosTests.ids).status == 0)
            #expect(try cli.run(["sync"]).status == 0)
            before = try Scene.rows(cli)
            adversary = try SandboxHarness(patients: 10) { $0.chaos = profile }
        }

        @discardableResult
        static func connect(_ cli: CLIRunner, _ h: SandboxHarness) throws -> CLIRunner.Result {
            let result = try cli.run([
                "connect", h.base("r4"), "--client-id", h.clientId, "--tenant", h.tenant,
                "--secret-file", h.secretFile, "--name", "ehr",
            ])
            return result
        }

        static func rows(_ cli: CLIRunner) throws -> [JSONValue] {
            let shown = try JSONParser.parse(try cli.run(["list", "show", "Ward", "--json"]).stdout)
            return (shown["patients"]?.array ?? []).map { row in
                [
                    "id": row["id"] ?? .null, "name": row["cells"]?["name"] ?? .null,
                    "bed": row["cells"]?["bed"] ?? .null,
                ]
            }
        }

        /// Points the workstation at the adversary (its metadata and tokens are sound).
        func turn() throws {
            #expect(try Scene.connect(cli, adversary).status == 0)
        }

        func expectCacheIntact(_ note: String) throws {
            let after = try Scene.rows(cli)
            #expect(after == before, "\(note): the cache changed")
            #expect(after.count == ChaosTests.ids.count)
        }

        /// Requests that reached the sandbox under another name than the base's (another origin).
        func otherOriginRequests() -> [JSONValue] {
            adversary.requests().filter {
                ($0["host"]?.string ?? "").hasPrefix("localhost") || $0["path"]?.string == "/oauth/elsewhere"
            }
        }
    }

    @Test(arguments: [
        (ChaosProfile.hugeBody, "64 MiB"), (.gzipBomb, "64 MiB"),
        (.deepNesting, "nesting deeper than 512"), (.invalidUTF8, "invalid UTF-8"),
        (.wrongContentType, "it is text/html"),
    ])
    func aBrokenAnswerFailsTheSyncWithItsReasonAndKeepsTheCache(profile: ChaosProfile, reason: String) throws {
        let scene = try Scene(profile)
        try scene.turn()
        let sync = try scene.cli.run(["sync", "--json"])
        #expect(sync.status == 1, "\(profile.rawValue): \(sync.stdout) \(sync.stderr)")
        let summary = try JSONParser.parse(sync.stdout)
        let reasons = (summary["failed"]?.array ?? []).compactMap { $0["reason"]?.string }
        #expect(reasons.count == ChaosTests.ids.count, "\(profile.rawValue): \(sync.stdout)")
        #expect(reasons.allSatisfy { $0.contains(reason) }, "\(profile.rawValue): \(reasons)")
        try scene.expectCacheIntact(profile.rawValue)
        if profile == .hugeBody {
            // Rounds hung up near its 64 MiB limit: what it received was bounded while it arrived,
            // not buffered whole (200 MB each) and measured afterwards.
            let sent = scene.adversary.server.streamed.sent
            #expect(!sent.isEmpty)
            #expect(sent.allSatisfy { $0 < 80 << 20 }, "bytes the sandbox got out per answer: \(sent)")
        }
        // A nurse asking for one patient gets the cached copy, told why.
        let patient = try scene.cli.run(["patient", "contos-0001"])
        #expect(patient.status == 0, "\(profile.rawValue): \(patient.stderr)")
        #expect(patient.stderr.contains("offline: showing data synced"), "\(patient.stderr)")
    }

    @Test func aSlowDripIsAbandonedAtTheDeadlineAndTheCacheAnswers() throws {
        let scene = try Scene(.slowDrip, timeout: 1)
        try scene.turn()
        let started = Date()
        let patient = try scene.cli.run(["patient", "contos-0002"], timeout: 120)
        #expect(patient.status == 0, "\(patient.stderr)")
        #expect(patient.stderr.contains("timed out after"), "\(patient.stderr)")
        #expect(patient.stderr.contains("offline: showing data synced"))
        let sync = try scene.cli.run(["sync", "--json"], timeout: 120)
        #expect(sync.status == 1)
        let summary = try JSONParser.parse(sync.stdout)
        #expect((summary["stoppedBecause"]?.string ?? "").contains("stopped answering"), "\(sync.stdout)")
        // A drip of one byte a second would take minutes per answer; both commands gave up in seconds.
        #expect(Date().timeIntervalSince(started) < 60)
        try scene.expectCacheIntact("slow-drip")
    }

    @Test func anEndlessNextLoopIsNotFollowedAndNothingIsCountedTwice() throws {
        let scene = try Scene(.endlessNext)
        try scene.turn()
        let sync = try scene.cli.run(["sync"])
        #expect(sync.status == 0, "\(sync.stdout) \(sync.stderr)")
        let pages = scene.adversary.requests().filter { ($0["path"]?.string ?? "").hasSuffix("/Observation") }
        #expect(pages.count <= ChaosTests.ids.count * 2, "a page repeated is not read again: \(pages.count) reads")
        let patient = try scene.cli.run(["patient", "contos-0001", "--offline", "--json"])
        let record = try JSONParser.parse(patient.stdout)
        let ids = (record["conditions"]?.array ?? []).compactMap { $0["id"]?.string }
        #expect(ids.count == Set(ids).count, "a resource on a repeated page is kept once: \(ids)")
        try scene.expectCacheIntact("endless-next")
    }

    @Test(arguments: [
        (ChaosProfile.tokenRedirect, "redirected to another origin"),
        (.tokenOtherOrigin, "--token-origin"), (.tokenPlainHTTP, "plain http:// to another machine"),
    ])
    func theSecretNeverLeavesTheOrigin(profile: ChaosProfile, sentence: String) throws {
        let scene = try Scene(profile)
        let connect = try Scene.connect(scene.cli, scene.adversary)
        #expect(connect.status != 0)
        #expect(connect.stderr.contains(sentence), "\(profile.rawValue): \(connect.stderr)")
        #expect(scene.otherOriginRequests().isEmpty, "\(profile.rawValue) reached \(scene.otherOriginRequests())")
        let secrets = scene.adversary.requests().filter {
            $0["path"]?.string != "/oauth/token" && $0["auth"]?.string == "basic"
        }
        #expect(secrets.isEmpty)
        try scene.expectCacheIntact(profile.rawValue)
    }

    @Test func aTokenEndpointTheAdminNamedOnAnotherOriginIsUsed() throws {
        let scene = try Scene(.tokenOtherOrigin)
        let h = scene.adversary
        let connect = try scene.cli.run([
            "connect", h.base("r4"), "--client-id", h.clientId, "--tenant", h.tenant,
            "--secret-file", h.secretFile, "--name", "ehr",
            "--token-origin", "http://localhost:\(h.port)",
        ])
        #expect(connect.status == 0, "\(connect.stderr)")
        #expect(scene.otherOriginRequests().contains { $0["path"]?.string == "/oauth/token" })
        #expect(try scene.cli.run(["sync"]).status == 0)
    }

    @Test func plainHTTPOffThisMachineIsAllowedOnlyByTheAdminsFlag() throws {
        let scene = try Scene(.tokenPlainHTTP)
        let h = scene.adversary
        let connect = [
            "connect", h.base("r4"), "--client-id", h.clientId, "--tenant", h.tenant,
            "--secret-file", h.secretFile, "--name", "ehr",
        ]
        let refused = try scene.cli.run(connect)
        #expect(refused.stderr.contains("connect with --allow-plain-http"), "\(refused.stderr)")
        // Allowed: the token host is tried (and, being .example, does not resolve).
        let allowed = try scene.cli.run(connect + ["--allow-plain-http"])
        #expect(allowed.status != 0)
        #expect(!allowed.stderr.contains("plain http://"), "\(allowed.stderr)")
        #expect(allowed.stderr.contains("token.rounds-sandbox.example"), "\(allowed.stderr)")
    }
}
