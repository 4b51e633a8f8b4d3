import FHIRAdapters
import Foundation
import Store
import TestSupport
import Testing

/// Each CLI action writes exactly its audit record; the chain verifies; tampering is found.
@Suite struct AuditCLITests {
    @Test func eachActionWritesExactlyItsRecord() throws {
        let h = try SandboxHarness()
        let cli = CLIRunner(home: try TempDir.make("audit"))
        func ops() throws -> [String] {
            let r = try cli.run(["audit", "--json"])
            guard r.status == 0 else { return [] } // not connected yet: no trail
            return (try JSONParser.parse(r.stdout).array ?? []).compactMap { $0["operation"]?.string }
        }
        func expectNext(
            _ args: [String], _ op: String, patients: [String]? = nil, file: String = #filePath, line: Int = #line
        ) throws {
            let before = try ops().count
            let r = try cli.run(args)
            #expect(r.status == 0, "\(args): \(r.stderr)")
            let records = try JSONParser.parse(try cli.run(["audit", "--json"]).stdout).array ?? []
            #expect(records.count == before + 1, "\(args) wrote \(records.count - before) records")
            #expect(records.last?["operation"]?.string == op, "\(args)")
            if let patients { #expect(records.last?["patientIds"]?.array?.compactMap(\.string) == patients, "\(args)") }
        }
        try expectNext(
            [
                "connect", h.base("stu3"), "--client-id", h.clientId, "--tenant", h.tenant, "--secret-file",
                h.secretFile, "--name", "sandbox",
            ], "EHRConnectionSet")
        try expectNext(["list", "create", "Ward"], "PatientListCreate")
        try expectNext(
            ["list", "add", "Ward", "contos-0001", "contos-0002"], "PatientListAddPatient",
            patients: ["contos-0001", "contos-0002"])
        try expectNext(["list", "show", "Ward"], "PatientListView")
        try expectNext(["list", "rename", "Ward", "Ward 4"], "PatientListRename")
        try expectNext(["list", "columns", "Ward 4", "--set", "name,news2"], "PatientListEditColumns")
        try expectNext(["list", "default", "Ward 4"], "PatientListDefaultSet")
        try expectNext(["search", "--mrn", "0000000"], "PatientSearch")
        try expectNext(["patient", "contos-0001"], "PatientView", patients: ["contos-0001"])
        try expectNext(["note", "add", "contos-0001", "seen"], "PatientNoteAdd", patients: ["contos-0001"])
        try expectNext(["export", "Ward 4", "--format", "csv", "--output", cli.home + "/w.csv"], "ExportInitiation")
        try expectNext(["sync"], "SyncRun")
        try expectNext(
            ["list", "remove", "Ward 4", "contos-0002"], "PatientListRemovePatient", patients: ["contos-0002"])
        try expectNext(["cache", "purge"], "CachePurge")
        try expectNext(["list", "delete", "Ward 4", "--yes"], "PatientListDelete")
        // No PHI in the trail: no names, no MRNs, no values.
        let raw = try cli.run(["audit", "--json"]).stdout
        let record = try JSONParser.parse(try cli.run(["patient", "contos-0001", "--json"]).stdout)
        if let name = record["name"]?["family"]?.string { #expect(!raw.contains(name)) }
        if let mrn = record["mrn"]?.string { #expect(!raw.contains(mrn)) }
        #expect(try cli.run(["audit", "--verify"]).status == 0)
        let filtered =
            try JSONParser.parse(try cli.run(["audit", "--json", "--patient", "contos-0002"]).stdout).array ?? []
        #expect(filtered.allSatisfy { $0["patientIds"]?.array?.contains(.string("contos-0002")) == true })
        #expect(!filtered.isEmpty)
    }

    @Test func editedOrDeletedRecordsBreakTheChain() throws {
        let h = try SandboxHarness()
        let cli = CLIRunner(home: try TempDir.make("audit"))
        try cli.connect(h, name: "sandbox")
        for name in ["A", "B", "C", "D"] { try cli.run(["list", "create", name]) }
        #expect(try cli.run(["audit", "--verify"]).stdout.contains("5 records"))
        let path = cli.home + "/data/sandbox--contoso.sqlite"
        let db = try RawSQLite(path)
        try db.exec("UPDATE audit SET os_user = 'mallory' WHERE id = 3")
        let edited = try cli.run(["audit", "--verify"])
        #expect(edited.status == 1)
        #expect(edited.stderr.contains("record 3"))
        #expect(edited.stderr.contains("edited"))
        try db.exec("DELETE FROM audit WHERE id = 3")
        let deleted = try cli.run(["audit", "--verify"])
        #expect(deleted.status == 1)
        #expect(deleted.stderr.contains("record 4"))
        // A deletion with the ids renumbered to close the gap: only the broken link shows it.
        try db.exec("UPDATE audit SET id = id - 1 WHERE id > 3")
        let renumbered = try cli.run(["audit", "--verify"])
        #expect(renumbered.status == 1)
        #expect(renumbered.stderr.contains("does not link"), "\(renumbered.stderr)")
        withExtendedLifetime(h) {}
    }

    /// A record that cannot be written is never dropped in silence: the command says so, and a
    /// read that must be audited (`note ls`) shows nothing.
    @Test func anAuditWriteThatFailsIsSaid() throws {
        let h = try SandboxHarness()
        let cli = CLIRunner(home: try TempDir.make("audit"))
        try cli.connect(h, name: "sandbox")
        #expect(try cli.run(["list", "create", "Ward"]).status == 0)
        #expect(try cli.run(["list", "add", "Ward", "contos-0001"]).status == 0)
        #expect(try cli.run(["note", "add", "contos-0001", "Seen by physio"]).status == 0)
        let db = try RawSQLite(cli.home + "/data/sandbox--contoso.sqlite")
        try db.exec(
            "CREATE TRIGGER no_more BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'disk quota exceeded'); END")
        let shown = try cli.run(["list", "show", "Ward"])
        #expect(shown.status == 0)
        #expect(shown.stderr.contains("the audit record PatientListView could not be written"), "\(shown.stderr)")
        #expect(shown.stderr.contains("disk quota exceeded"), "\(shown.stderr)")
        let notes = try cli.run(["note", "ls", "contos-0001"])
        #expect(notes.status == 1 && !notes.stdout.contains("Seen by physio"), "\(notes.stdout)")
        withExtendedLifetime(h) {}
    }

    /// What the chain alone cannot see: records cut from its end, or all of them, or the cache
    /// file replaced. The mark kept beside the database (last record's number and hash) sees it.
    @Test func aTrailEmptiedCutShortOrReplacedIsFound() throws {
        let h = try SandboxHarness()
        let cli = CLIRunner(home: try TempDir.make("audit"))
        try cli.connect(h, name: "sandbox")
        for name in ["A", "B", "C", "D", "E"] { try cli.run(["list", "create", name]) }
        #expect(try cli.run(["audit", "--verify"]).status == 0)
        let path = cli.home + "/data/sandbox--contoso.sqlite"
        let db = try RawSQLite(path)
        try db.exec("DELETE FROM audit WHERE id > 4")
        let shortened = try cli.run(["audit", "--verify"])
        #expect(shortened.status == 1)
        #expect(shortened.stderr.contains("4 records but 6 were written"), "\(shortened.stderr)")
        try db.exec("DELETE FROM audit")
        let emptied = try cli.run(["audit", "--verify"])
        #expect(emptied.status == 1)
        #expect(emptied.stderr.contains("0 records but 6 were written"), "\(emptied.stderr)")
        // The cache removed and made again by the next command: the new trail starts short.
        try FileManager.default.removeItem(atPath: path)
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let replaced = try cli.run(["audit", "--verify"])
        #expect(replaced.status == 1, "\(replaced.stdout)")
        #expect(replaced.stderr.contains("the cache was replaced"), "\(replaced.stderr)")
        withExtendedLifetime(h) {}
    }
}
