import Clinical
import FHIRAdapters
import Foundation
import RoundsCore
import TestSupport
import Testing

/// The US Core R4 examples (`Tests/Corpus/us-core-r4`, CC0): every field Rounds reads, per file,
/// and the folder read as one chart (its references resolve inside it).
@Suite struct USCoreCorpusTests {
    static let folder = "us-core-r4/"

    struct Expectation: Sendable, CustomTestStringConvertible {
        let file: String
        let field: String
        let expected: String?
        let read: @Sendable (PatientRecord) -> String?
        var testDescription: String { "\(file): \(field)" }
        init(
            _ file: String, _ field: String, _ expected: String?, _ read: @escaping @Sendable (PatientRecord) -> String?
        ) {
            self.file = file
            self.field = field
            self.expected = expected
            self.read = read
        }
    }

    static func vital(_ kind: VitalKind) -> @Sendable (PatientRecord) -> String? { { $0.latest(kind)?.formatted } }
    static func time(_ kind: VitalKind) -> @Sendable (PatientRecord) -> String? { { $0.latest(kind)?.effective?.raw } }

    static let cases: [Expectation] = [
        // Patients: the usual name over the old one, the MR-typed MRN, partial and full birth dates.
        Expectation("patient-example.json", "name (usual over old)", "Baxter, Amy V.") { $0.patient.displayName },
        Expectation("patient-example.json", "MRN", "1032702") { $0.patient.mrn },
        Expectation("patient-example.json", "birth date", "1987-02-20") { $0.patient.birthDate?.raw },
        Expectation("patient-example.json", "suffix", "PharmD") { $0.patient.name?.suffix.first },
        Expectation("patient-child-example.json", "name", "Example, Child") { $0.patient.displayName },
        Expectation("patient-child-example.json", "MRN", "1032704") { $0.patient.mrn },
        Expectation("patient-infant-example.json", "birth date", "2020-06-02") { $0.patient.birthDate?.raw },
        Expectation("patient-deceased-example.json", "name", "Shaw, Mary A.") { $0.patient.displayName },
        Expectation("patient-deceased-example.json", "MRN", "55555555") { $0.patient.mrn },
        // Vital signs
        Expectation("heart-rate.json", "heart rate", "44 /min", vital(.heartRate)),
        Expectation("heart-rate.json", "time", "1999-07-02", time(.heartRate)),
        Expectation("respiratory-rate.json", "respiratory rate", "26 /min", vital(.respiratoryRate)),
        Expectation("blood-pressure.json", "blood pressure", "109/44 mmHg", vital(.bloodPressure)),
        Expectation("bp-data-absent.json", "absent diastolic", "109/? mmHg", vital(.bloodPressure)),
        Expectation("temperature.json", "temperature", "36.56 °C", vital(.bodyTemperature)),
        Expectation("oxygen-saturation.json", "SpO2", "99 %", vital(.oxygenSaturation)),
        Expectation(
            "observation-satO2-fiO2.json", "SpO2 (two LOINC codes and an MDC code)", "95 %", vital(.oxygenSaturation)),
        Expectation("observation-satO2-fiO2.json", "oxygen flow from the component", "6 L/min", vital(.oxygenFlow)),
        Expectation(
            "observation-satO2-fiO2.json", "time with its zone", "2014-12-05T09:30:10+01:00", time(.oxygenFlow)),
        Expectation("weight.json", "weight", "20.09 kg", vital(.bodyWeight)),
        Expectation("height.json", "height", "111.51 cm", vital(.bodyHeight)),
        Expectation("bmi.json", "BMI", "16.2 kg/m2", vital(.bmi)),
        Expectation("vitals-panel.json", "a panel of members only is no reading", "") { r in
            r.latestVitals.map(\.code).joined(separator: ",")
        },
        // Encounters
        Expectation("encounter-1036.json", "location", "Holy Family Hospital") { $0.lastEncounter?.location },
        Expectation("encounter-1036.json", "status", "in-progress") { $0.lastEncounter?.status },
        Expectation("encounter-1036.json", "type (text first)", "Unknown (qualifier value)") { $0.lastEncounter?.type },
        Expectation("encounter-example-1.json", "start", "2015-11-01T17:00:14-05:00") { $0.lastEncounter?.start?.raw },
        Expectation("encounter-example-1.json", "status", "finished") { $0.lastEncounter?.status },
        Expectation("encounter-delivery.json", "location", "Holy Family Hospital") { $0.lastEncounter?.location },
        // Conditions: the clinician's text, statuses
        Expectation("condition-duodenal-ulcer.json", "text over coding", "Active Duodenal Ulcer") {
            $0.conditions.first?.display
        },
        Expectation("condition-duodenal-ulcer.json", "clinical status", "active") {
            $0.conditions.first?.clinicalStatus
        },
        Expectation("condition-duodenal-ulcer-resolved.json", "resolved is marked", "resolved") {
            $0.conditions.first?.inactiveReason
        },
        Expectation("condition-duodenal-ulcer-resolved.json", "recorded", "2016-08-17T07:15:07-08:00") {
            $0.conditions.first?.recorded?.raw
        },
        Expectation("condition-encounter-diagnosis-example1.json", "text", "Burnt Ear") {
            $0.conditions.first?.display
        },
        Expectation("condition-encounter-diagnosis-example2.json", "text", "Single live birth, born in hospital") {
            $0.conditions.first?.display
        },
        Expectation("health-concern-example.json", "text", "Fear of becoming fat") { $0.conditions.first?.display },
        // Allergies
        Expectation("allergyintolerance-example.json", "substance", "sulfonamide antibacterial") {
            $0.allergies.first?.substance
        },
        Expectation("allergyintolerance-example.json", "reaction", "skin rash") {
            $0.allergies.first?.reactions.first?.manifestations.first
        },
        Expectation("allergyintolerance-example.json", "criticality", "high") { $0.allergies.first?.criticality },
        Expectation("allergyintolerance-example.json", "verification", "confirmed") {
            $0.allergies.first?.verificationStatus
        },
        Expectation("allergyintolerance-non-pharmacologic-agent-example.json", "substance", "Latex") {
            $0.allergies.first?.substance
        },
        // Medications: coded, contained and referenced drugs; R4 requester as a Reference
        Expectation("medicationrequest-coded-oral-axid.json", "name", "Nizatidine 15 MG/ML Oral Solution") {
            $0.medications.first?.name
        },
        Expectation("medicationrequest-coded-oral-axid.json", "prescriber", "Ronald Bone, MD") {
            $0.medications.first?.prescriber
        },
        Expectation("medicationrequest-coded-oral-axid.json", "authored", "2008-04-05") {
            $0.medications.first?.authored?.raw
        },
        Expectation("medicationrequest-coded-oral-axid.json", "dosage", "10 mL bid") {
            $0.medications.first?.dosage.first
        },
        Expectation("medicationrequest-coded-oral-axid.json", "status", "active") { $0.medications.first?.status },
        Expectation(
            "medicationrequest-contained-oral-axid.json", "contained drug", "Nizatidine 15 MG/ML Oral Solution [Axid]"
        ) {
            $0.medications.first?.name
        },
        Expectation("medicationrequest-self-tylenol.json", "self-prescribed", "**self-prescribed**") {
            $0.medications.first?.prescriber
        },
        Expectation("medicationrequest-self-tylenol.json", "name", "Tylenol PM Pill") { $0.medications.first?.name },
        // Coverage: R4 class for plan and group, payor display
        Expectation("coverage-example.json", "payor", "Acme Health Plan") { $0.coverage.first?.payor },
        Expectation("coverage-example.json", "plan", "Acme Gold Plan") { $0.coverage.first?.plan },
        Expectation("coverage-example.json", "group", "XYZ employee Group Plan") { $0.coverage.first?.group },
        Expectation("coverage-example.json", "subscriber", "888009335") { $0.coverage.first?.subscriberId },
        Expectation("coverage-example.json", "from", "2020-01-01") { $0.coverage.first?.periodStart?.raw },
    ]

    @Test(arguments: cases)
    func expectation(_ e: Expectation) throws {
        let r = try Corpus.record(Self.folder + e.file)
        #expect(e.read(r) == e.expected, "\(e.file): \(e.field)")
        // Each file names a versioned US Core profile (R4), but for the archived vitals panel,
        // which names only the base vitalsigns profile, shared by STU3 and R4.
        if e.file != "vitals-panel.json" { #expect(r.fhirVersion == .r4, "\(e.file) is R4") }
    }

    /// All 39 files as one chart: one patient per Patient file, Amy's chart whole.
    @Test func theFolderAsOneChart() throws {
        let files = Corpus.allJSONFiles.filter { $0.hasPrefix(Self.folder) }
        #expect(files.count == 39)
        var resources: [FoundResource] = []
        for f in files { resources += try FHIRDocument(data: try Corpus.data(f)).resources }
        let records = RecordAssembler.records(resources: resources, release: .r4)
        #expect(Set(records.map(\.id)) == ["example", "child-example", "infant-example", "deceased-example"])
        let amy = try #require(records.first { $0.id == "example" })
        // The in-progress stay, not the finished visit or the delivery.
        #expect(amy.lastEncounter?.status == "in-progress")
        #expect(amy.lastEncounter?.location == "Holy Family Hospital")
        // The newest SpO2 (2014) over the older one (1999); its oxygen flow with it.
        #expect(amy.latest(.oxygenSaturation)?.formatted == "95 %")
        #expect(amy.latest(.oxygenFlow)?.formatted == "6 L/min")
        // A referenced Medication in the folder names the drug.
        #expect(amy.medications.contains { $0.name == "Nizatidine 15 MG/ML Oral Solution [Axid]" })
        // The resolved ulcer is listed after the current problems.
        #expect(amy.conditions.last?.inactiveReason == "resolved")
        #expect(amy.conditions.filter { !$0.isInactive }.count == 4)
        // Oxygen is read for NEWS2 and named: on 6 L/min it is supplemental oxygen.
        let news = NEWS2.score(amy, now: FHIRDate("2014-12-05T10:00:00+01:00").instant!)
        let air = try #require(news.items.first { $0.parameter == .airOrOxygen })
        #expect(air.points == 2)
        #expect(air.value?.contains("O2 flow 6 L/min") == true)
    }
}
