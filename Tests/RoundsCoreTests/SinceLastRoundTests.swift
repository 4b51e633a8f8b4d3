import Clinical
import Foundation
import RoundsCore
import Store
import TestSupport
import Testing

/// What changed since a list's last round, on a real cache file: the list's rows compare each
/// snapshot's brief, and must say exactly what its whole payload says.
@Suite struct SinceLastRoundTests {
    static let now = Date(timeIntervalSince1970: 1_795_000_000)
    static let roundAt = now.addingTimeInterval(-1800)

    func record(_ id: String, location: String, respiration: Double = 16, at: Date, medications: [String] = [])
        -> PatientRecord
    {
        let t = FHIRDate(instant: at)
        let vitals = [
            VitalSign(code: VitalKind.respiratoryRate.loinc, value: respiration, unit: "/min", effective: t),
            VitalSign(code: VitalKind.heartRate.loinc, value: 72, unit: "/min", effective: t),
        ]
        var record = PatientRecord(
            patient: Patient(id: id, name: PersonName(family: "Test", given: [id])), fhirVersion: .r4,
            latestVitals: vitals, vitalHistory: vitals, fetchedAt: at)
        record.lastEncounter = Encounter(status: "in-progress", location: location)
        record.medications = medications.map { Medication(name: $0, status: "active") }
        for section in ClinicalSection.allCases { record.sections[section] = SectionState(.ok, fetchedAt: at) }
        return record
    }

    /// A round half an hour ago; since then `worse` breathes at 25 and moved, `meds` has one more
    /// medication, `same` (whose bed has a `|` in its name, breathing at 25 already then) is as it was.
    func wardAfterARound() throws -> (cache: Cache, path: String) {
        let path = try TempDir.make("since-round") + "/c.sqlite"
        let cache = try Cache(path: path)
        let before = Self.roundAt.addingTimeInterval(-600)
        _ = try cache.save(record("worse", location: "4 West, Bed 1", at: before))
        _ = try cache.save(record("meds", location: "4 West, Bed 2", at: before, medications: ["Metformin"]))
        _ = try cache.save(record("same", location: "Bay 3 | Bed 4", respiration: 25, at: before))
        _ = try cache.createList("Ward", columns: ["name", "news2", "delta"])
        _ = try cache.addPatients(["worse", "meds", "same"], to: "Ward")
        try cache.markRound(list: "Ward", by: "nurse_a", at: Self.roundAt)
        let list = try #require(try cache.list(named: "Ward"))
        _ = try ListBuilder.rows(list, cache: cache, now: Self.roundAt)
        let later = Self.now.addingTimeInterval(-300)
        _ = try cache.save(record("worse", location: "ICU, Bed 9", respiration: 25, at: later))
        _ = try cache.save(
            record("meds", location: "4 West, Bed 2", at: before, medications: ["Metformin", "Furosemide"]))
        return (cache, path)
    }

    func deltas(_ cache: Cache) throws -> [String: String] {
        let list = try #require(try cache.list(named: "Ward"))
        var out: [String: String] = [:]
        for row in try ListBuilder.rows(list, cache: cache, now: Self.now) { out[row.id] = row.sinceRound?.brief }
        return out
    }

    @Test func theListSaysWhatChangedFromEachBrief() throws {
        let (cache, path) = try wardAfterARound()
        let briefs = try RawSQLite(path).strings("SELECT brief FROM round_snapshots ORDER BY patient_id")
        #expect(briefs.count == 3, "each snapshot keeps its brief: \(briefs)")
        #expect(briefs.allSatisfy { $0.hasPrefix("r1|") }, "\(briefs)")
        let deltas = try deltas(cache)
        #expect(deltas["worse"]?.hasSuffix("1 abn moved") == true, "\(deltas)")
        #expect(deltas["meds"] == "+1 med", "\(deltas)")
        #expect(deltas["same"] == "", "the same bed (its name has a '|') and no new reading: \(deltas)")
    }

    @Test func aPatientWithNoKnownBedThenSaysSoAndOneGivenABedHasMoved() throws {
        let (cache, path) = try wardAfterARound()
        var nowhere = record("nowhere", location: "", at: Self.roundAt.addingTimeInterval(-600))
        nowhere.lastEncounter = nil
        var placed = nowhere
        placed.patient.id = "placed"
        _ = try cache.save(nowhere)
        _ = try cache.save(placed)
        _ = try cache.addPatients(["nowhere", "placed"], to: "Ward")
        try cache.markRound(list: "Ward", by: "nurse_a", at: Self.roundAt.addingTimeInterval(1))
        let list = try #require(try cache.list(named: "Ward"))
        _ = try ListBuilder.rows(list, cache: cache, now: Self.roundAt.addingTimeInterval(1))
        placed.lastEncounter = Encounter(status: "in-progress", location: "4 West, Bed 7")
        _ = try cache.save(placed)
        let briefs = try RawSQLite(path).strings("SELECT brief FROM round_snapshots WHERE patient_id = 'nowhere'")
        #expect(briefs.count == 1 && briefs.first?.hasSuffix("|") == false, "no location field: \(briefs)")
        let deltas = try deltas(cache)
        #expect(deltas["nowhere"] == "", "\(deltas)")
        #expect(deltas["placed"] == "moved", "\(deltas)")
    }

    @Test func theBriefAndTheWholePayloadSayTheSame() throws {
        let (cache, _) = try wardAfterARound()
        let list = try #require(try cache.list(named: "Ward"))
        let rows = try ListBuilder.rows(list, cache: cache, now: Self.now)
        // With no baseline given, the changes are read from each snapshot's whole payload.
        let fromPayload = try SinceLastRound.changes(list: "Ward", rows: rows, cache: cache, whole: false)
        for row in rows {
            #expect(row.sinceRound != nil, "\(row.id) has a snapshot")
            #expect(row.sinceRound == fromPayload[row.id], "\(row.id)")
        }
    }

    @Test func aSnapshotWithoutABriefIsReadFromItsPayload() throws {
        let (cache, path) = try wardAfterARound()
        let expected = try deltas(cache)
        // As a cache of schema 12 kept them: no brief.
        try RawSQLite(path).exec("UPDATE round_snapshots SET brief = NULL")
        #expect(try deltas(cache) == expected)
    }

    @Test func aBriefThisVersionCannotReadShowsNoChangeRatherThanAWrongOne() throws {
        let (cache, path) = try wardAfterARound()
        try RawSQLite(path).exec("UPDATE round_snapshots SET brief = 'r9|whatever' WHERE patient_id = 'worse'")
        let deltas = try deltas(cache)
        #expect(deltas["worse"] == nil, "\(deltas)")
        #expect(deltas["meds"] == "+1 med", "\(deltas)")
    }

    @Test func aCacheOfSchema12KeepsItsRoundAndItsSnapshots() throws {
        let path = try TempDir.make("since-round-12") + "/c.sqlite"
        do { _ = try Cache(path: path, upToVersion: 12) }
        try RawSQLite(path).exec(
            """
            INSERT INTO lists(name, position, is_default, columns, created_at)
              VALUES('Ward', 0, 1, '["name","delta"]', 1794990000);
            INSERT INTO list_members(list_id, patient_id, position, added_at) VALUES(1, 'worse', 0, 1794990000);
            INSERT INTO list_rounds(list_id, marked_at, marked_by) VALUES(1, \
            \(Self.roundAt.timeIntervalSince1970), 'a');
            INSERT INTO round_snapshots(list_id, patient_id, round_at, payload) VALUES(1, 'worse', \
            \(Self.roundAt.timeIntervalSince1970), '{"news2":0,"location":"4 West, Bed 1","medications":[],\
            "allergies":[],"conditions":[],"medicationCount":0,"allergyCount":0,"conditionCount":0,\
            "latestReadings":{"respiratoryRate":\(Self.roundAt.timeIntervalSince1970 - 600)}}');
            """)
        let cache = try Cache(path: path)
        #expect(cache.schemaVersion == Cache.latestSchemaVersion)
        _ = try cache.save(
            record("worse", location: "ICU, Bed 9", respiration: 25, at: Self.now.addingTimeInterval(-300)))
        let deltas = try deltas(cache)
        #expect(deltas["worse"]?.hasSuffix("1 abn moved") == true, "\(deltas)")
    }
}
