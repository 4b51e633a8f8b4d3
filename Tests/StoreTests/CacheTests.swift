import CSQLite
import Clinical
import Foundation
import Store
import TestSupport
import Testing

func sampleRecord(
    _ id: String, family: String = "Black", given: [String] = ["Ruth"], mrn: String = "1234567",
    birth: String = "1951-08-23", hr: Double = 80, fetched: Date = Date()
) -> PatientRecord {
    let t = FHIRDate(instant: fetched)
    var r = PatientRecord(
        patient: Patient(
            id: id, name: PersonName(family: family, given: given, use: "official"), gender: "female",
            birthDate: FHIRDate(birth), mrn: mrn, generalPractitioner: ["Dr Jane Doe"]),
        fhirVersion: .stu3, fetchedAt: fetched)
    r.latestVitals = [VitalSign(code: "8867-4", display: "Heart rate", value: hr, unit: "/min", effective: t)]
    r.vitalHistory = r.latestVitals
    r.conditions = [Condition(display: "Hypertensive disorder", severity: "Severe")]
    r.allergies = [Allergy(substance: "Penicillin V", reactions: [AllergyReaction(manifestations: ["Anaphylaxis"])])]
    r.coverage = [Coverage(payor: "Contoso Health", plan: "Gold PPO")]
    for s in ClinicalSection.allCases {
        r.sections[s] = SectionState(s == .medications ? .empty : .ok, fetchedAt: fetched)
    }
    r.lastEncounter = Encounter(status: "in-progress", location: "4 West, Room 412, Bed B")
    return r
}

@Suite struct CacheTests {
    func fresh() throws -> Cache { try Cache(path: try TempDir.make("cache") + "/c.sqlite") }

    @Test func saveAndReadBackEverySection() throws {
        let c = try fresh()
        let r = sampleRecord("p1")
        #expect(try c.save(r) == .new)
        let back = try #require(try c.record("p1"))
        #expect(back.patient == r.patient)
        #expect(back.latestVitals == r.latestVitals)
        // The history keeps what trends need: code, time, value or components, unit, text.
        #expect(back.vitalHistory.map(\.code) == r.vitalHistory.map(\.code))
        #expect(back.vitalHistory.map(\.value) == r.vitalHistory.map(\.value))
        #expect(back.vitalHistory.map(\.effective) == r.vitalHistory.map(\.effective))
        #expect(back.conditions == r.conditions)
        #expect(back.allergies == r.allergies)
        #expect(back.coverage == r.coverage)
        #expect(back.lastEncounter == r.lastEncounter)
        #expect(back.state(of: .medications).status == .empty)
        #expect(back.fhirVersion == .stu3)
        #expect(try c.save(r) == .unchanged)
        #expect(try c.save(sampleRecord("p1", hr: 120)) == .updated)
    }

    @Test func failedSectionKeepsTheGoodCopyAndIsStale() throws {
        let c = try fresh()
        try c.save(sampleRecord("p1"))
        var bad = sampleRecord("p1", hr: 99)
        bad.sections[.conditions] = SectionState(.unavailable(reason: "server answered 500"))
        bad.conditions = []
        try c.save(bad)
        let back = try #require(try c.record("p1"))
        #expect(back.conditions.first?.display == "Hypertensive disorder")
        #expect(back.state(of: .conditions).stale)
        #expect(back.state(of: .conditions).staleReason == "server answered 500")
        #expect(back.state(of: .conditions).status == .ok)
        #expect(back.latest(.heartRate)?.value == 99)
        #expect(!back.state(of: .vitals).stale)
    }

    @Test func markStaleKeepsData() throws {
        let c = try fresh()
        try c.save(sampleRecord("p1"))
        try c.markStale("p1", reason: "timed out")
        let back = try #require(try c.record("p1"))
        #expect(ClinicalSection.allCases.allSatisfy { back.state(of: $0).stale })
        #expect(back.allergies.count == 1)
    }

    @Test func offlineSearchIsCaseAndAccentInsensitive() throws {
        let c = try fresh()
        try c.save(sampleRecord("a", family: "Zielińska", given: ["Zoë"], mrn: "4850752", birth: "1939-04-11"))
        try c.save(sampleRecord("b", family: "Ångström", given: ["Maja"], mrn: "5288329", birth: "1996-02-01"))
        try c.save(sampleRecord("c", family: "Søndergaard", given: ["Hugh"], mrn: "4850999", birth: "1939-04-11"))
        #expect(try c.search(OfflineQuery(name: "zoe")).patients.map(\.id) == ["a"])
        #expect(try c.search(OfflineQuery(name: "ZOË")).patients.map(\.id) == ["a"])
        #expect(try c.search(OfflineQuery(family: "angstrom")).patients.map(\.id) == ["b"])
        #expect(try c.search(OfflineQuery(family: "gstr")).patients.map(\.id) == ["b"], "substring inside the name")
        #expect(try c.search(OfflineQuery(family: "sonder")).patients.map(\.id) == ["c"])
        #expect(try c.search(OfflineQuery(given: "ma")).patients.map(\.id) == ["b"], "short parts still match")
        #expect(try c.search(OfflineQuery(mrn: "4850752")).patients.map(\.id) == ["a"])
        #expect(Set(try c.search(OfflineQuery(mrn: "4850")).patients.map(\.id)) == ["a", "c"], "MRN prefix")
        #expect(try c.search(OfflineQuery(mrn: "850")).patients.isEmpty, "MRN is not a substring match")
        #expect(try c.search(OfflineQuery(birthDate: "1939-04-11")).total == 2)
        #expect(try c.search(OfflineQuery(family: "zielinska", birthDate: "1939-04-11")).patients.map(\.id) == ["a"])
        #expect(try c.search(OfflineQuery(gender: "male")).total == 0)
    }

    /// The plans of the statements `Cache.search` itself runs: an index for each kind of search,
    /// never a scan of every patient.
    @Test func searchUsesIndexesNotAScan() throws {
        let c = try fresh()
        let cases: [(OfflineQuery, String)] = [
            (OfflineQuery(mrn: "4850"), "patients_mrn"),
            (OfflineQuery(birthDate: "1951-08-23"), "patients_birth_date"),
            (OfflineQuery(family: "zielinska"), "VIRTUAL TABLE INDEX"),
            (OfflineQuery(family: "zielinska", birthDate: "1939-04-11"), "patients_birth_date"),
        ]
        for (query, expected) in cases {
            let plan = try c.explainSearch(query)
            #expect(plan.contains { $0.contains(expected) }, "\(query) → \(plan)")
            // A full scan of the patients table reads "SCAN p" (or "SCAN patients"); the name
            // index's virtual table is searched through its index even when SQLite says SCAN.
            let scansPatients = plan.contains {
                $0 == "SCAN p" || $0.hasPrefix("SCAN p ") || $0.hasPrefix("SCAN patients")
            }
            #expect(!scansPatients, "\(query) scans: \(plan)")
        }
    }

    @Test func listsAndMembership() throws {
        let c = try fresh()
        let a = try c.createList("4 West high risk", columns: ["name", "news2"])
        #expect(a.isDefault)
        try c.createList("ICU step-down", columns: ["name"])
        #expect(throws: StoreError.self) { try c.createList("4 WEST HIGH RISK", columns: []) }
        try c.addPatients(["p1", "p2", "p3"], to: "4 West high risk")
        #expect(try c.addPatients(["p2", "p4"], to: "4 West high risk") == ["p4"])
        try c.movePatient("p4", in: "4 West high risk", to: 1)
        #expect(try c.list(named: "4 west high risk")?.patientIds == ["p4", "p1", "p2", "p3"])
        try c.removePatients(["p1"], from: "4 West high risk")
        #expect(try c.list(named: "4 West high risk")?.patientIds == ["p4", "p2", "p3"])
        try c.setDefaultList("ICU step-down")
        #expect(try c.lists().filter(\.isDefault).map(\.name) == ["ICU step-down"])
        try c.renameList("ICU step-down", to: "My patients")
        try c.deleteList("My patients")
        #expect(try c.lists().map(\.name) == ["4 West high risk"])
        #expect(try c.lists().first?.isDefault == true, "the remaining list becomes default")
        try c.setColumns(["name", "mrn"], for: "4 West high risk")
        #expect(try c.list(named: "4 West high risk")?.columns == ["name", "mrn"])
    }

    @Test func purgeKeepsPatientsOnAnyList() throws {
        let c = try fresh()
        for id in ["p1", "p2", "p3"] { try c.save(sampleRecord(id)) }
        try c.createList("A", columns: [])
        try c.createList("B", columns: [])
        try c.addPatients(["p1"], to: "A")
        try c.addPatients(["p1", "p2"], to: "B")
        try c.addNote(patientId: "p3", author: "RN", text: "x")
        try c.deleteList("B")
        #expect(try c.purge() == 2)
        #expect(try c.cachedPatientIds() == ["p1"])
        #expect(try c.notes(patientId: "p3").isEmpty)
        #expect(try c.search(OfflineQuery(name: "black")).total == 1)
    }

    @Test func purgeOlderThan() throws {
        let c = try fresh()
        try c.save(sampleRecord("old", fetched: Date().addingTimeInterval(-40 * 86400)))
        try c.save(sampleRecord("new"))
        #expect(try c.purge(olderThan: Date().addingTimeInterval(-30 * 86400)) == 1)
        #expect(try c.cachedPatientIds() == ["new"])
    }

    @Test func notesNewestFirst() throws {
        let clock = TestClock()
        let c = try Cache(path: try TempDir.make("cache") + "/c.sqlite", now: clock.now)
        try c.addNote(patientId: "p1", author: "RN Jones", text: "first")
        clock.advance(60)
        try c.addNote(patientId: "p1", author: "RN Lee", text: "second")
        #expect(try c.notes(patientId: "p1").map(\.text) == ["second", "first"])
        #expect(try c.notes(patientId: "p1").first?.author == "RN Lee")
        #expect(throws: StoreError.self) { try c.addNote(patientId: "p1", author: "x", text: "   ") }
    }
}

/// A settable clock for tests.
final class TestClock: @unchecked Sendable {
    private var t = Date(timeIntervalSince1970: 1_795_000_000)
    private let lock = NSLock()
    var now: @Sendable () -> Date {
        { [self] in
            lock.lock()
            defer { lock.unlock() }
            return t
        }
    }
    func advance(_ s: TimeInterval) {
        lock.lock()
        t += s
        lock.unlock()
    }
}
