import Clinical
import FHIRAdapters
import Foundation
import TestSupport
import Testing

/// Named expectations on real corpus files: what a nurse would read off each one.
@Suite struct CorpusExpectationTests {
    struct Expectation: Sendable, CustomTestStringConvertible {
        let name: String
        let file: String
        let read: @Sendable (PatientRecord) -> String?
        let expected: String?
        var testDescription: String { name }
        init(
            _ name: String, _ file: String, _ expected: String?, _ read: @escaping @Sendable (PatientRecord) -> String?
        ) {
            self.name = name
            self.file = file
            self.read = read
            self.expected = expected
        }
    }

    static let d2 = "hl7-spec-dstu2/", s3 = "hl7-spec-stu3/"
    static let smartD2 = "smart-sample-data/DSTU-2/SMART/", smartS3 = "smart-sample-data/STU-3/SMART/"
    static let synD2 = "smart-sample-data/DSTU-2/SYNTHEA/", synS3 = "smart-sample-data/STU-3/SYNTHEA/"

    static func vital(_ k: VitalKind) -> @Sendable (PatientRecord) -> String? { { $0.latest(k)?.formatted } }
    static func vitalTime(_ k: VitalKind) -> @Sendable (PatientRecord) -> String? { { $0.latest(k)?.effective?.raw } }

    static let cases: [Expectation] = [
        // Names and MRNs
        Expectation("DSTU2 spec patient: official name", d2 + "patient-example.json", "Chalmers, Peter James") {
            $0.patient.displayName
        },
        Expectation("STU3 spec patient: official name", s3 + "patient-example.json", "Chalmers, Peter James") {
            $0.patient.displayName
        },
        Expectation("DSTU2 spec patient: MR-typed MRN", d2 + "patient-example.json", "12345") { $0.patient.mrn },
        Expectation("STU3 spec patient: birth date", s3 + "patient-example.json", "1974-12-25") {
            $0.patient.birthDate?.raw
        },
        Expectation("Chinese name given only as text", s3 + "patient-example-chinese.json", "张无忌") {
            $0.patient.displayName
        },
        Expectation("Proband without any name", d2 + "patient-example-proband.json", "(no name)") {
            $0.patient.displayName
        },
        Expectation("Animal with given name only", s3 + "patient-example-animal.json", "Kenzi") {
            $0.patient.displayName
        },
        Expectation("Roel keeps his prefix", d2 + "patient-example-f201-roel.json", "Drs.") {
            $0.patient.name?.prefix.first
        },
        Expectation("DSTU2 careProvider organisation as GP", d2 + "patient-glossy-example.json", "Good Health Clinic") {
            $0.patient.generalPractitioner.first
        },
        Expectation("Patient without birth date", d2 + "patient-example-a.json", nil) { $0.patient.birthDate?.raw },
        Expectation("SMART DSTU2 MRN without type", smartD2 + "patient-1186747.fhir-bundle.json", "1186747") {
            $0.patient.mrn
        },
        Expectation("SMART STU3 MR-typed MRN", smartS3 + "patient-1186747.fhir-bundle.json", "smart-1186747") {
            $0.patient.mrn
        },
        Expectation(
            "Synthea DSTU2: MRN never the SSN", synD2 + "Armstrong_Jeffry_49.json",
            "c88fe185-f98a-4f0d-aabb-c7186e1a4983"
        ) { $0.patient.mrn },
        Expectation(
            "Synthea STU3: MRN never the SSN", synS3 + "Armstrong_Jeffry_49.json",
            "c88fe185-f98a-4f0d-aabb-c7186e1a4983"
        ) { $0.patient.mrn },
        Expectation(
            "Synthea MR-typed MRN wins over the first id", synD2 + "Aufderhar_Azzie_8.json",
            "f30b655a-d9e2-492f-8c03-bf1d7111d7db"
        ) { $0.patient.mrn },
        Expectation("Synthea DSTU2 family array read", synD2 + "Bins_Bertram_20.json", "Bins, Bertram") {
            $0.patient.displayName
        },
        // Versions
        Expectation("SMART DSTU2 bundle detected as DSTU2", smartD2 + "patient-981968.fhir-bundle.json", "DSTU2") {
            $0.fhirVersion?.rawValue
        },
        Expectation("SMART STU3 bundle detected as STU3", smartS3 + "patient-981968.fhir-bundle.json", "STU3") {
            $0.fhirVersion?.rawValue
        },
        Expectation("Synthea STU3 detected as STU3", synS3 + "Bins_Bertram_20.json", "STU3") {
            $0.fhirVersion?.rawValue
        },
        // Vital signs
        Expectation(
            "DSTU2 55284-4 panel gives systolic/diastolic", d2 + "observation-example-bloodpressure.json",
            "107/60 mmHg", vital(.bloodPressure)),
        Expectation(
            "STU3 85354-9 panel gives systolic/diastolic", s3 + "observation-example-bloodpressure.json", "107/60 mmHg",
            vital(.bloodPressure)),
        Expectation(
            "Absent diastolic shows '?'", s3 + "observation-example-bloodpressure-dar.json", "107/? mmHg",
            vital(.bloodPressure)),
        Expectation(
            "Cancelled BP is not a reading", d2 + "observation-example-bloodpressure-cancel.json", nil,
            vital(.bloodPressure)),
        Expectation(
            "DSTU2 SpO2 coded only in MDC", d2 + "observation-example-satO2.json", "95 %", vital(.oxygenSaturation)),
        Expectation(
            "STU3 temperature in Cel", s3 + "observation-example-body-temperature.json", "36.5 °C",
            vital(.bodyTemperature)),
        Expectation("Weight in pounds keeps its unit", d2 + "observation-example.json", "185 lb", vital(.bodyWeight)),
        Expectation("STU3 heart rate", s3 + "observation-example-heart-rate.json", "44 /min", vital(.heartRate)),
        Expectation(
            "STU3 respiratory rate", s3 + "observation-example-respiratory-rate.json", "26 /min",
            vital(.respiratoryRate)),
        Expectation(
            "SMART DSTU2 latest "
                + "BP", smartD2 + "patient-1186747.fhir-bundle.json", "120/73 mmHg", vital(.bloodPressure)),
        Expectation(
            "SMART STU3 latest BP", smartS3 + "patient-1186747.fhir-bundle.json", "120/73 mmHg", vital(.bloodPressure)),
        Expectation(
            "SMART DSTU2 latest BP time", smartD2 + "patient-1186747.fhir-bundle.json", "2009-01-05",
            vitalTime(.bloodPressure)),
        Expectation(
            "SMART STU3 latest vitals time (time-shifted copy)", smartS3 + "patient-1186747.fhir-bundle.json",
            "2012-06-30", vitalTime(.heartRate)),
        Expectation(
            "SMART five-decimal temperature", smartD2 + "patient-1186747.fhir-bundle.json", "36.56 °C",
            vital(.bodyTemperature)),
        Expectation(
            "SMART SpO2 from 2710-2", smartS3 + "patient-981968.fhir-bundle.json", "95 %", vital(.oxygenSaturation)),
        Expectation(
            "SMART respiratory rate", smartD2 + "patient-981968.fhir-bundle.json", "16 /min", vital(.respiratoryRate)),
        Expectation(
            "Synthea STU3 latest BP", synS3 + "Armstrong_Jeffry_49.json", "183/120 mmHg", vital(.bloodPressure)),
        Expectation(
            "Synthea STU3 latest BP time", synS3 + "Armstrong_Jeffry_49.json", "2019-10-25T13:00:00+00:00",
            vitalTime(.bloodPressure)),
        // Encounters
        Expectation(
            "Emergency encounter: current location by status", s3 + "encounter-example-emerg.json",
            "Ward 1, Room 42, Bed 1"
        ) { $0.lastEncounter?.location },
        Expectation("Contained Location resolved", d2 + "encounter-example-home.json", "Client's home") {
            $0.lastEncounter?.location
        },
        Expectation("SMART STU3 latest encounter start", smartS3 + "patient-1186747.fhir-bundle.json", "2012-06-30") {
            $0.lastEncounter?.start?.raw
        },
        Expectation(
            "Synthea STU3 latest encounter type text", synS3 + "Armstrong_Jeffry_49.json", "Outpatient Encounter"
        ) { $0.lastEncounter?.type },
        // Conditions
        Expectation(
            "DSTU2 condition display and dateRecorded", d2 + "condition-example-f001-heart.json",
            "Heart valve disorder 2011-10-05"
        ) { r in r.conditions.first.map { "\($0.display) \($0.recorded?.raw ?? "-")" } },
        Expectation("STU3 condition assertedDate", s3 + "condition-example-f001-heart.json", "2011-10-05") {
            $0.conditions.first?.recorded?.raw
        },
        Expectation("Condition severity", s3 + "condition-example2.json", "Mild") { $0.conditions.first?.severity },
        Expectation("SMART DSTU2 condition count", smartD2 + "patient-981968.fhir-bundle.json", "13") {
            String($0.conditions.count)
        },
        // Allergies
        Expectation("DSTU2 allergy substance", d2 + "allergyintolerance-example.json", "Cashew nuts") {
            $0.allergies.first?.substance
        },
        Expectation("DSTU2 allergy single status", d2 + "allergyintolerance-medication.json", "unconfirmed") {
            $0.allergies.first?.status
        },
        Expectation("STU3 allergy clinical status", s3 + "allergyintolerance-example.json", "active") {
            $0.allergies.first?.clinicalStatus
        },
        Expectation(
            "STU3 allergy reaction manifestation", s3 + "allergyintolerance-example.json", "Anaphylactic reaction"
        ) { $0.allergies.first?.reactions.first?.manifestations.first },
        Expectation("Synthea allergy count", synS3 + "Armstrong_Jeffry_49.json", "7") { String($0.allergies.count) },
        // Medications
        Expectation("DSTU2 MedicationOrder prescriber", d2 + "medicationorderexample1.json", "Patrick Pump") {
            $0.medications.first?.prescriber
        },
        Expectation("DSTU2 MedicationOrder dateWritten", d2 + "medicationorderexample1.json", "2015-01-15") {
            $0.medications.first?.authored?.raw
        },
        Expectation(
            "STU3 contained Medication named", s3 + "medicationrequestexample1.json",
            "Chlorthalidone 50mg tablet (product)"
        ) { $0.medications.first?.name },
        Expectation("STU3 requester.agent as prescriber", s3 + "medicationrequestexample1.json", "Patrick Pump") {
            $0.medications.first?.prescriber
        },
        Expectation("Synthea STU3 urn:uuid Medication resolved", synS3 + "Armstrong_Jeffry_49.json", "false") { r in
            String(r.medications.contains { $0.name.hasPrefix("(") })
        },
        // Coverage
        Expectation("DSTU2 coverage plan", d2 + "coverage-example.json", "CBI35") { $0.coverage.first?.plan },
        Expectation(
            "STU3 coverage plan display", s3 + "coverage-example.json",
            "Full Coverage: Medical, Dental, Pharmacy, Vision, EHC"
        ) { $0.coverage.first?.plan },
        Expectation("STU3 coverage group display", s3 + "coverage-example.json", "Corporate Baker's Inc. Local #35") {
            $0.coverage.first?.group
        },
        Expectation("EHIC payor by identifier only", s3 + "coverage-example-ehic.json", "123456789") {
            $0.coverage.first?.payor
        },
    ]

    @Test(arguments: cases)
    func expectation(_ e: Expectation) throws {
        let r = try Corpus.record(e.file)
        #expect(e.read(r) == e.expected, "\(e.file)")
    }

    /// Each SMART sample patient agrees between its DSTU-2 and STU-3 copies: same name (the STU3
    /// copy drops the initial's full stop) and the same MRN (STU3 prefixes it with `smart-`).
    @Test(arguments: ["1137192", "1186747", "981968", "1685497"])
    func smartCopiesAgree(_ id: String) throws {
        let d2 = try Corpus.records(Self.smartD2 + "patient-\(id).fhir-bundle.json").first {
            $0.patient.id == "smart-\(id)"
        }
        let s3file = id == "1685497" ? "patient-\(id).fhir-bundle.01.json" : "patient-\(id).fhir-bundle.json"
        let s3 = try Corpus.records(Self.smartS3 + s3file).first { $0.patient.id == "smart-\(id)" }
        let a = try #require(d2)
        let b = try #require(s3)
        #expect(
            a.patient.displayName.replacingOccurrences(of: ".", with: "")
                == b.patient.displayName.replacingOccurrences(of: ".", with: ""))
        #expect(b.patient.mrn == "smart-" + (a.patient.mrn ?? ""))
        #expect(a.patient.gender == b.patient.gender)
        #expect(a.conditions.count == b.conditions.count || id == "1685497")
    }

    @Test func syntheaCollectionGroupsIntoOnePatient() throws {
        let rs = try Corpus.records(Self.synS3 + "Armstrong_Jeffry_49.json")
        #expect(rs.count == 1)
        #expect(rs.first?.conditions.count == 9)
        #expect(rs.first?.medications.count == 6)
    }

    @Test func splitPatientIsGroupedByReference() throws {
        // This file holds no Patient resource; its resources refer to `/Patient/smart-1685497`.
        let rs = try Corpus.records(Self.smartS3 + "patient-1685497.fhir-bundle.json")
        #expect(rs.map(\.patient.id) == ["smart-1685497"])
        #expect(rs.first?.patient.displayName == "(no name)")
        #expect(rs.first?.conditions.count == 16)
    }
}
