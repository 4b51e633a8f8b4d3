import Clinical
import Foundation
import RoundsCore
import Store
import TestSupport
import Testing

/// The list's NEWS2 on a real cache file: the hypercapnic mark and the partial marker.
@Suite struct ListNEWS2Tests {
    static let now = Date(timeIntervalSince1970: 1_795_000_000)

    /// SpO2 88 % on air: 3 points on scale 1, 0 on scale 2 (the target range of a hypercapnic patient).
    func record(_ id: String, withConsciousness: Bool = true) -> PatientRecord {
        let t = FHIRDate(instant: Self.now.addingTimeInterval(-600))
        var vitals = [
            VitalSign(code: VitalKind.respiratoryRate.loinc, value: 16, unit: "/min", effective: t),
            VitalSign(code: VitalKind.oxygenSaturation.loinc, value: 88, unit: "%", effective: t),
            VitalSign(code: VitalKind.inspiredOxygen.loinc, value: 21, unit: "%", effective: t),
            VitalSign(code: VitalKind.heartRate.loinc, value: 70, unit: "/min", effective: t),
            VitalSign(code: VitalKind.bodyTemperature.loinc, value: 37, unit: "Cel", effective: t),
            VitalSign(
                code: VitalKind.bloodPressure.loinc, effective: t,
                components: [VitalComponent(code: "8480-6", value: 120)]),
        ]
        if withConsciousness {
            vitals.append(VitalSign(code: VitalKind.consciousness.loinc, text: "Alert", effective: t))
        }
        var r = PatientRecord(
            patient: Patient(id: id, name: PersonName(family: "Test", given: [id])), fhirVersion: .r4,
            latestVitals: vitals, vitalHistory: vitals, fetchedAt: Self.now)
        for s in ClinicalSection.allCases { r.sections[s] = SectionState(.ok, fetchedAt: Self.now) }
        return r
    }

    func cacheWithList() throws -> Cache {
        let cache = try Cache(path: try TempDir.make("list-news2") + "/c.sqlite")
        for r in [record("copd"), record("other"), record("partial", withConsciousness: false)] {
            _ = try cache.save(r)
        }
        _ = try cache.createList("Ward", columns: ["name", "news2"])
        _ = try cache.addPatients(["copd", "other", "partial"], to: "Ward")
        return cache
    }

    @Test func theHypercapnicMarkChangesTheListScore() throws {
        let cache = try cacheWithList()
        try cache.setHypercapnic("copd", true)
        let list = try #require(try cache.list(named: "Ward"))
        let rows = try ListBuilder.rows(list, cache: cache, now: Self.now)
        let byId = Dictionary(uniqueKeysWithValues: rows.map { ($0.id, $0) })
        #expect(byId["copd"]?.news2?.scale == 2)
        #expect(byId["copd"]?.news2?.total == 0, "88 % is the target on scale 2")
        #expect(byId["other"]?.news2?.scale == 1)
        #expect(byId["other"]?.news2?.total == 3, "88 % scores 3 on scale 1")
        try cache.setHypercapnic("copd", false)
        let again = try ListBuilder.rows(list, cache: cache, now: Self.now)
        #expect(again.first { $0.id == "copd" }?.news2?.total == 3)
    }

    @Test func aPartialScoreCarriesItsMarkOnTheList() throws {
        let cache = try cacheWithList()
        let list = try #require(try cache.list(named: "Ward"))
        let rows = try ListBuilder.rows(list, cache: cache, now: Self.now)
        let partial = try #require(rows.first { $0.id == "partial" })
        let complete = try #require(rows.first { $0.id == "other" })
        #expect(
            Column.news2.value(partial, now: Self.now).text.hasPrefix("3?"),
            "\(Column.news2.value(partial, now: Self.now).text)")
        let completeText = Column.news2.value(complete, now: Self.now).text
        #expect(completeText.hasPrefix("3") && !completeText.contains("?"), "\(completeText)")
    }
}
