import Clinical
import Foundation
import RoundsCore
import Store
import TUI

/// Deterministic synthetic patients and states for reducer and view tests.
enum Fixtures {
    static let now = FHIRDate("2026-11-25T10:00:00Z").instant!

    static func record(
        _ id: String, family: String, given: [String], mrn: String, birth: String, gender: String = "female",
        hr: Double, sys: Double, rr: Double, spo2: Double, temp: Double, avpu: String = "Alert", location: String
    ) -> PatientRecord {
        var r = PatientRecord(
            patient: Patient(
                id: id, name: PersonName(family: family, given: given, use: "official"), gender: gender,
                birthDate: FHIRDate(birth), mrn: mrn, generalPractitioner: ["Dr Jane Doe"]),
            fhirVersion: .stu3, fetchedAt: now.addingTimeInterval(-180))
        var history: [VitalSign] = []
        for k in 0..<6 {
            let t = FHIRDate(instant: now.addingTimeInterval(-Double(5 - k) * 4 * 3600 - 600))
            let f = Double(k) / 5
            history.append(
                VitalSign(
                    code: "8867-4", display: "Heart rate", value: (hr - 20 + 20 * f).rounded(), unit: "/min",
                    effective: t))
            history.append(
                VitalSign(
                    code: "85354-9", display: "Blood pressure", effective: t,
                    components: [
                        VitalComponent(code: "8480-6", value: (sys + 20 - 20 * f).rounded(), unit: "mm[Hg]"),
                        VitalComponent(code: "8462-4", value: 60, unit: "mm[Hg]"),
                    ]))
        }
        let t = FHIRDate(instant: now.addingTimeInterval(-600))
        history += [
            VitalSign(code: "9279-1", display: "Respiratory rate", value: rr, unit: "/min", effective: t),
            VitalSign(code: "59408-5", display: "SpO2", value: spo2, unit: "%", effective: t),
            VitalSign(code: "3150-0", display: "FiO2", value: 21, unit: "%", effective: t),
            VitalSign(code: "8310-5", display: "Body temperature", value: temp, unit: "Cel", effective: t),
            VitalSign(code: "80288-4", display: "Level of consciousness", text: avpu, effective: t),
        ]
        r.vitalHistory = history
        var latest: [String: VitalSign] = [:]
        for v in history { latest[v.code] = v }
        r.latestVitals = latest.values.sorted { ($0.kind?.displayOrder ?? 99) < ($1.kind?.displayOrder ?? 99) }
        r.lastEncounter = Encounter(
            status: "in-progress", type: "Hospital admission", start: FHIRDate("2026-11-24T13:00:00Z"),
            location: location)
        r.conditions = [Condition(display: "Hypertensive disorder", severity: "Severe")]
        r.allergies = [
            Allergy(substance: "Penicillin V", reactions: [AllergyReaction(manifestations: ["Anaphylaxis"])])
        ]
        r.medications = [
            Medication(
                name: "Labetalol 200 mg tablet", authored: FHIRDate("2026-11-24T09:00:00Z"), prescriber: "Dr A. Nwosu",
                dosage: ["200 mg twice daily"],
                status: "active")
        ]
        r.coverage = [Coverage(payor: "Contoso Health", plan: "Gold PPO")]
        for s in ClinicalSection.allCases { r.sections[s] = SectionState(.ok, fetchedAt: r.fetchedAt) }
        return r
    }

    static let records: [PatientRecord] = [
        record(
            "p1", family: "Black", given: ["Ruth", "C."], mrn: "1234567", birth: "1951-08-23", hr: 118, sys: 92, rr: 24,
            spo2: 91, temp: 38.9, location: "4 West, Room 412, Bed B"),
        record(
            "p2", family: "Chau", given: ["Hugh"], mrn: "7654321", birth: "1958-03-02", gender: "male", hr: 72,
            sys: 128, rr: 16, spo2: 97, temp: 36.8, location: "ENT clinic"),
        record(
            "p3", family: "Zielińska", given: ["Zoë"], mrn: "4850752", birth: "1939-04-11", hr: 88, sys: 105, rr: 21,
            spo2: 95, temp: 37.4, avpu: "Alert", location: "4 West, Room 401, Bed A"),
    ]

    static func rows(_ records: [PatientRecord] = records) -> [ListRow] {
        records.map { ListRow(id: $0.id, record: $0, news2: NEWS2.score($0, now: now), latestNote: nil) }
    }

    /// A state as the app shows it after start: lists loaded, rows loaded, the first patient open.
    static func state(width: Int = 120, height: Int = 40) -> AppState {
        var s = AppState(width: width, height: height, now: now)
        s.status.connection = "contoso"
        s.status.fhirVersion = "STU3"
        s.status.tenant = "contoso"
        s.status.online = true
        s.status.lastSync = now.addingTimeInterval(-180)
        _ = Reducer.reduce(
            &s,
            .listsLoaded(
                [
                    .init(name: "4 West high risk", count: 3, isDefault: true),
                    .init(name: "ICU step-down", count: 0, isDefault: false),
                ], select: nil))
        _ = Reducer.reduce(&s, .rowsLoaded(list: "4 West high risk", rows: rows(), columns: Column.defaults))
        let first = s.rows[0].record!
        _ = Reducer.reduce(
            &s,
            .detailLoaded(
                .init(
                    record: first,
                    notes: [
                        Note(
                            id: 1, patientId: first.id, author: "RN Jones", createdAt: now.addingTimeInterval(-1800),
                            text: "increasing O2 requirement, reviewed by MET")
                    ],
                    news2: NEWS2.score(first, now: now))))
        return s
    }
}
