import Clinical
import Foundation
import Store
import TestSupport
import Testing

/// The per-patient list row written at save time: what a list reads instead of every section.
@Suite struct ListRowTests {
    func fresh() throws -> (Cache, String) {
        let path = try TempDir.make("rows") + "/c.sqlite"
        return (try Cache(path: path), path)
    }

    /// A record with the awkward parts: a blood-pressure panel, a text value, separators and
    /// non-ASCII in names, inactive allergies, several conditions.
    func awkward(_ id: String) -> PatientRecord {
        var r = sampleRecord(id, family: "Ångström\u{1E}O'Brien", given: ["Zoë", "Ruth\u{1F}C."])
        let t = FHIRDate("2026-11-25T08:02:00Z")
        r.latestVitals = [
            VitalSign(code: "8867-4", display: "Heart rate", value: 118, unit: "/min", effective: t),
            VitalSign(
                code: "85354-9", display: "Blood pressure", effective: t,
                components: [
                    VitalComponent(code: "8480-6", display: "Systolic", value: 92, unit: "mm[Hg]"),
                    VitalComponent(code: "8462-4", value: 58.5, unit: "mm[Hg]"),
                ]),
            VitalSign(code: "8310-5", value: 38.9, unit: "Cel", effective: FHIRDate("2026-11-25")),
            VitalSign(code: "80288-4", display: "Consciousness", text: "Confused (new)", effective: t),
        ]
        r.allergies = [
            Allergy(substance: "Latex", clinicalStatus: "resolved"), Allergy(substance: "Penicillin V"),
            Allergy(substance: "Peanut"),
        ]
        r.conditions = [Condition(display: "Sepsis"), Condition(display: "Type 2 diabetes mellitus")]
        r.medications = [Medication(name: "Labetalol 200 mg tablet"), Medication(name: "Paracetamol")]
        r.lastEncounter = Encounter(
            status: "in-progress", type: "Inpatient", encounterClass: "IMP", start: FHIRDate("2026-11-25T13:00:00Z"),
            location: "4 West, Room 412, Bed B")
        return r
    }

    /// Control characters become spaces in the row (the sections keep the exact text).
    func rowView(_ s: String?) -> String? {
        s.map { String($0.unicodeScalars.map { $0.value < 0x20 ? " " : Character($0) }) }
    }

    @Test func rowCarriesWhatTheListShows() throws {
        let (c, _) = try fresh()
        let r = awkward("p1")
        try c.save(r)
        let e = try #require(try c.listEntries(["p1"], sections: [.vitals, .encounter])[0])
        #expect(e.record.patient.name?.family == rowView(r.patient.name?.family))
        #expect(e.record.patient.name?.given == ["Zoë", "Ruth C."])
        #expect(e.record.patient.mrn == r.patient.mrn)
        #expect(e.record.patient.birthDate == r.patient.birthDate)
        #expect(e.record.patient.generalPractitioner == r.patient.generalPractitioner)
        #expect(e.record.latestVitals == r.latestVitals)
        #expect(e.record.lastEncounter == r.lastEncounter)
        #expect(e.record.fhirVersion == .stu3)
        #expect(
            e.digest
                == SectionDigest(
                    activeAllergies: 2, firstAllergy: "Penicillin V", conditions: 2, firstCondition: "Sepsis",
                    medications: 2, payor: "Contoso Health"))
    }

    @Test func patientsSavedBeforeTheRowExistedAreReadFromTheirSections() throws {
        let (c, path) = try fresh()
        let r = awkward("p1")
        try c.save(r)
        try RawSQLite(path).exec("UPDATE patients SET list_row = NULL")
        let e = try #require(try c.listEntries(["p1"], sections: [.vitals, .encounter])[0])
        #expect(e.record.latestVitals == r.latestVitals)
        #expect(e.record.patient == r.patient)
        #expect(e.digest == SectionDigest(record: r))
    }

    @Test func aSectionThatFailedKeepsItsGoodCopyInTheRow() throws {
        let (c, _) = try fresh()
        let good = awkward("p1")
        try c.save(good)
        var failed = good
        failed.latestVitals = []
        failed.allergies = []
        failed.sections[.vitals] = SectionState(.unavailable(reason: "HTTP 500"))
        failed.sections[.allergies] = SectionState(.unavailable(reason: "HTTP 500"))
        failed.lastEncounter = Encounter(status: "finished", location: "Discharge lounge")
        try c.save(failed)
        let e = try #require(try c.listEntries(["p1"], sections: [.vitals])[0])
        #expect(e.record.latestVitals == good.latestVitals)
        #expect(e.digest.activeAllergies == 2)
        #expect(e.record.lastEncounter?.location == "Discharge lounge")
    }
}
