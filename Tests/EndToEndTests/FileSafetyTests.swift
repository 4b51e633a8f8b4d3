import FHIRAdapters
import Foundation
import TestSupport
import Testing

/// Exports that would lose or leak something, and notes nobody would read.
@Suite struct FileSafetyTests {
    func setup() throws -> (SandboxHarness, CLIRunner) {
        let h = try SandboxHarness(patients: 5)
        let cli = CLIRunner(home: try TempDir.make("files"))
        #expect(
            try cli.run([
                "connect", h.base("r4"), "--client-id", h.clientId, "--tenant", h.tenant, "--secret-file", h.secretFile,
                "--name", "sandbox",
            ]).status == 0)
        #expect(try cli.run(["list", "create", "Ward"]).status == 0)
        #expect(try cli.run(["list", "add", "Ward", "contos-0001"]).status == 0)
        return (h, cli)
    }

    @Test func anExportNeverOverwritesSilentlyNorWritesThroughALink() throws {
        let (h, cli) = try setup()
        let path = cli.home + "/ward.csv"
        #expect(try cli.run(["export", "Ward", "--output", path]).status == 0)
        let again = try cli.run(["export", "Ward", "--output", path])
        #expect(again.status == 1)
        #expect(again.stderr.contains("--overwrite"), "\(again.stderr)")
        #expect(try cli.run(["export", "Ward", "--output", path, "--overwrite"]).status == 0)
        let target = cli.home + "/elsewhere.txt"
        try "keep me".write(toFile: target, atomically: true, encoding: .utf8)
        let link = cli.home + "/link.csv"
        #expect(symlink(target, link) == 0)
        let through = try cli.run(["export", "Ward", "--output", link, "--overwrite"])
        #expect(through.status == 1)
        #expect(through.stderr.contains("symbolic link"), "\(through.stderr)")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "keep me")
        let handover = try cli.run(["list", "export", "Ward", "--output", path])
        #expect(handover.status == 1, "the list handover file refuses too")
        withExtendedLifetime(h) {}
    }

    @Test func aNoteForAnUnknownPatientIsRefusedAndReadingNotesIsAudited() throws {
        let (h, cli) = try setup()
        let unknown = try cli.run(["note", "add", "no-such-patient", "check bloods"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("No patient 'no-such-patient'"), "\(unknown.stderr)")
        #expect(try cli.run(["note", "add", "contos-0001", "check bloods"]).status == 0)
        #expect(try cli.run(["note", "ls", "contos-0001"]).stdout.contains("check bloods"))
        let audit =
            try JSONParser.parse(try cli.run(["audit", "--json", "--operation", "PatientNoteView"]).stdout).array ?? []
        #expect(audit.count == 1)
        #expect(audit.first?["patientIds"]?[0]?.string == "contos-0001")
        withExtendedLifetime(h) {}
    }
}

/// Secrets, keys and caches are never read through a link another user owns.
@Suite struct ForeignLinkTests {
    @Test(.enabled(if: getuid() == 0, "giving a link to another user (lchown) needs root; CI runs as root"))
    func aSecretFileLinkOwnedByAnotherUserIsRefused() throws {
        let h = try SandboxHarness(patients: 3)
        let cli = CLIRunner(home: try TempDir.make("links"))
        let link = cli.home + "/secret-link"
        #expect(symlink(h.secretFile, link) == 0)
        #expect(lchown(link, 65534, 65534) == 0)
        let connect = try cli.run([
            "connect", h.base("r4"), "--client-id", h.clientId, "--tenant", h.tenant, "--secret-file", link,
        ])
        #expect(connect.status == 1)
        #expect(connect.stderr.contains("symbolic link owned by another user"), "\(connect.stderr)")
        let keyLink = cli.home + "/key-link"
        #expect(try cli.run(["key", "generate", "--out", cli.home + "/key.pem"]).status == 0)
        #expect(symlink(cli.home + "/key.pem", keyLink) == 0)
        #expect(lchown(keyLink, 65534, 65534) == 0)
        let jwks = try cli.run(["key", "jwks", keyLink])
        #expect(jwks.status == 1)
        #expect(jwks.stderr.contains("symbolic link owned by another user"), "\(jwks.stderr)")
    }
}
