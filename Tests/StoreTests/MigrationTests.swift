import Clinical
import Foundation
import Store
import TestSupport
import Testing

@Suite struct MigrationTests {
    @Test func olderSchemaIsMigratedForwardKeepingData() throws {
        let path = try TempDir.make("mig") + "/c.sqlite"
        do {
            let v1 = try Cache(path: path, upToVersion: 1)
            #expect(v1.schemaVersion == 1)
        }
        // Data as Rounds with schema 1 wrote it.
        let raw = try RawSQLite(path)
        try raw.exec(
            """
            INSERT INTO patients(id, fhir_version, display_name, family_folded, given_folded, mrn, demographics, \
            fetched_at)
              VALUES('p1', 'STU3', 'Black, Ruth', 'black', 'ruth', '1234567', \
            '{"id":"p1","mrn":"1234567","name":{"family":"Black","given":["Ruth"]}}', 1795000000);
            INSERT INTO patient_names(rowid, family, given) SELECT rowid, family_folded, given_folded FROM patients;
            INSERT INTO lists(name, position, is_default, columns, created_at) VALUES('A', 0, 1, '["name"]', \
            1795000000);
            INSERT INTO list_members(list_id, patient_id, position, added_at) VALUES(1, 'p1', 0, 1795000000);
            """)
        #expect(try raw.strings("SELECT name FROM sqlite_master WHERE name = 'patient_settings'").isEmpty)
        let now = try Cache(path: path)
        #expect(now.schemaVersion == Cache.latestSchemaVersion)
        #expect(try now.record("p1")?.patient.displayName == "Black, Ruth")
        #expect(try now.list(named: "A")?.patientIds == ["p1"])
        #expect(try now.search(OfflineQuery(name: "black")).patients.map(\.id) == ["p1"], "the name index was rebuilt")
        try now.save(sampleRecord("p2", family: "Blackwood"))
        #expect(try now.search(OfflineQuery(family: "blac")).total == 2)
        try now.setHypercapnic("p1", true)
        #expect(try now.isHypercapnic("p1"))
    }

    @Test func schema4HistoryRowsMoveToTheirOwnTable() throws {
        let path = try TempDir.make("mig") + "/c.sqlite"
        do { _ = try Cache(path: path, upToVersion: 4) }
        // A patient as schema 4 stored it: the vital-sign history as a section row.
        try RawSQLite(path).exec(
            """
            INSERT INTO patients(id, fhir_version, display_name, demographics, fetched_at)
              VALUES('p1', 'STU3', 'Black, Ruth', '{"id":"p1","name":{"family":"Black","given":["Ruth"]}}', 1795000000);
            INSERT INTO sections(patient_id, section, status, payload, fetched_at) VALUES
              ('p1', 'vitals', 'ok', \
            '{"latestVitals":[{"code":"8867-4","value":118,"unit":"/min","effective":"2026-11-25T08:00:00Z"}]}', \
            1795000000),
              ('p1', 'vitals_history', 'ok', \
            '[{"c":"8867-4","t":"2026-11-25T04:00:00Z","v":96},{"c":"8867-4","t":"2026-11-25T08:00:00Z","v":118}]', \
            1795000000);
            """)
        let c = try Cache(path: path)
        #expect(c.schemaVersion == Cache.latestSchemaVersion)
        let r = try #require(try c.record("p1"))
        #expect(r.vitalHistory.compactMap(\.value) == [96, 118])
        #expect(r.latestVitals.first?.value == 118)
        #expect(try c.record("p1", history: false)?.vitalHistory.isEmpty == true)
        let raw = try RawSQLite(path)
        #expect(try raw.strings("SELECT section FROM sections WHERE patient_id = 'p1'") == ["vitals"])
        #expect(try raw.strings("SELECT patient_id FROM vitals_history") == ["p1"])
        #expect(try c.integrityCheck() == "ok")
    }

    @Test func newerSchemaIsRefusedClearly() throws {
        let path = try TempDir.make("mig") + "/c.sqlite"
        _ = try Cache(path: path)
        try RawSQLite(path).exec("PRAGMA user_version = 99")
        do {
            _ = try Cache(path: path)
            Issue.record("opened a newer cache")
        } catch {
            #expect(error == .newerSchema(path: path, found: 99, supported: Cache.latestSchemaVersion))
            // Its words are pinned with every other message in ErrorTextTests.
        }
    }

    @Test func groupReadableCacheIsRefusedWithTheFix() throws {
        let dir = try TempDir.make("perm")
        let path = dir + "/c.sqlite"
        _ = try Cache(path: path)
        var st = stat()
        stat(path, &st)
        #expect(st.st_mode & 0o777 == 0o600)
        chmod(path, 0o644)
        do {
            _ = try Cache(path: path)
            Issue.record("opened a readable cache")
        } catch {
            #expect(error == .insecurePermissions(path: path, mode: "644", fix: "chmod 600 \(path)"))
        }
        chmod(path, 0o600)
        chmod(dir, 0o755)
        do {
            _ = try Cache(path: path)
            Issue.record("opened in an open directory")
        } catch {
            #expect(error == .insecurePermissions(path: dir, mode: "755", fix: "chmod 700 \(dir)"))
        }
    }

    @Test func walModeAndForeignKeys() throws {
        let path = try TempDir.make("wal") + "/c.sqlite"
        let c = try Cache(path: path)
        try c.save(sampleRecord("p1"))
        let raw = try RawSQLite(path)
        #expect(try raw.strings("PRAGMA journal_mode") == ["wal"])
        #expect(try c.integrityCheck() == "ok")
        var st = stat()
        if stat(path + "-wal", &st) == 0 { #expect(st.st_mode & 0o077 == 0) }
    }

    @Test func twoHandlesOnOneFileWorkSideBySide() async throws {
        let path = try TempDir.make("two") + "/c.sqlite"
        let a = try Cache(path: path)
        let b = try Cache(path: path)
        await withTaskGroup(of: Void.self) { g in
            g.addTask { for i in 0..<50 { _ = try? a.save(sampleRecord("a\(i)")) } }
            g.addTask { for i in 0..<50 { _ = try? b.save(sampleRecord("b\(i)")) } }
        }
        #expect(try a.cachedPatientIds().count == 100)
        #expect(try b.integrityCheck() == "ok")
    }
}
