import Clinical
import Foundation

/// Turns resources into `PatientRecord`s: groups them by the patient they refer to and maps each
/// section. One unreadable field becomes a warning; it never loses the patient or the section.
public enum RecordAssembler {
    /// The section a resource type belongs to.
    public static func section(of type: String) -> ClinicalSection? {
        switch type {
        case "Observation": return .vitals
        case "Encounter": return .encounter
        case "Condition": return .conditions
        case "AllergyIntolerance": return .allergies
        case "MedicationOrder", "MedicationRequest": return .medications
        case "Coverage": return .coverage
        default: return nil
        }
    }

    /// Every patient in a document (a Bundle of any type, or a single resource).
    public static func records(from doc: FHIRDocument, fetchedAt: Date? = nil) -> [PatientRecord] {
        records(resources: doc.resources, release: doc.release, documentWarnings: doc.warnings, fetchedAt: fetchedAt)
    }

    public static func records(
        resources: [FoundResource], release: FHIRRelease?, documentWarnings: [DataWarning] = [],
        fetchedAt: Date? = nil
    ) -> [PatientRecord] {
        let profile = FHIRProfile.of(release ?? .stu3)
        var order: [String] = []
        var patients: [String: FoundResource] = [:]
        var keyByFullUrl: [String: String] = [:]
        for (k, r) in resources.enumerated() where r.type == "Patient" {
            let key = r.id ?? r.fullUrl ?? "patient-\(k + 1)"
            if patients[key] == nil { order.append(key) }
            patients[key] = r
            if let u = r.fullUrl { keyByFullUrl[u] = key }
        }
        var members: [String: [FoundResource]] = [:]
        for r in resources where section(of: r.type) != nil {
            guard
                let key = patientKey(
                    of: r.resource, keyByFullUrl: keyByFullUrl, onlyPatient: order.count == 1 ? order.first : nil)
            else { continue }
            if members[key] == nil, patients[key] == nil, !order.contains(key) { order.append(key) }
            members[key, default: []].append(r)
        }
        return order.map { key in
            let ctx = MappingContext(profile: profile, resources: resources)
            let patient =
                patients[key].map { Patient(fhir: $0.resource, fallbackId: key, context: ctx) } ?? Patient(id: key)
            if patients[key]?.id == nil, patients[key] != nil {
                ctx.warn("Patient.id", nil, "patient without id; named '\(key)'")
            }
            var record = PatientRecord(patient: patient, fhirVersion: release, fetchedAt: fetchedAt)
            let mine = members[key] ?? []
            for s in ClinicalSection.allCases {
                apply(
                    s, resources: mine.filter { section(of: $0.type) == s }, to: &record, context: ctx,
                    fetchedAt: fetchedAt)
            }
            record.warnings = documentWarnings + ctx.warnings
            return record
        }
    }

    /// Fills one section of `record` from that section's resources (a search result), marking it
    /// `ok` or `empty`. Resources of other types (an OperationOutcome in a searchset) are ignored.
    public static func apply(
        _ s: ClinicalSection, resources: [FoundResource], to record: inout PatientRecord,
        context ctx: MappingContext, fetchedAt: Date?
    ) {
        let rs = resources.filter { section(of: $0.type) == s }.map(\.resource)
        var count = 0
        switch s {
        case .vitals:
            var readings: [VitalSign] = []
            readings.reserveCapacity(rs.count)
            for (index, observation) in rs.enumerated() {
                VitalSignsMapper.appendReadings(observation, context: ctx, index: index, to: &readings)
            }
            let (latest, history) = VitalSignsMapper.summarize(readings)
            record.latestVitals = latest
            record.vitalHistory = history
            count = latest.count
        case .encounter:
            let encounters = rs.enumerated().map { Encounter(fhir: $0.element, context: ctx, index: $0.offset) }
            record.lastEncounter = Encounter.current(encounters)
            count = record.lastEncounter == nil ? 0 : 1
        case .conditions:
            let conditions = rs.enumerated().compactMap { Condition(fhir: $0.element, context: ctx, index: $0.offset) }
            record.conditions = Condition.ordered(conditions)
            count = record.conditions.count
        case .allergies:
            record.allergies = rs.enumerated().compactMap { Allergy(fhir: $0.element, context: ctx, index: $0.offset) }
            count = record.allergies.count
        case .medications:
            let medications = rs.enumerated().compactMap {
                Medication(fhir: $0.element, context: ctx, index: $0.offset)
            }
            record.medications = Medication.ordered(medications)
            count = record.medications.count
        case .coverage:
            record.coverage = rs.enumerated().map { Coverage(fhir: $0.element, context: ctx, index: $0.offset) }
            count = record.coverage.count
        }
        record.sections[s] = SectionState(count > 0 ? .ok : .empty, fetchedAt: fetchedAt)
    }

    /// The patient a resource belongs to, from `patient`, `subject`, `beneficiary` or `subscriber`.
    static func patientKey(of r: JSONNode, keyByFullUrl: [String: String], onlyPatient: String?) -> String? {
        for field in ["patient", "subject", "beneficiary", "subscriber"] {
            guard let ref = r[field]?["reference"]?.string, !ref.isEmpty else { continue }
            if let k = keyByFullUrl[ref] { return k }
            if ref.hasPrefix("urn:uuid:") { return onlyPatient ?? ref }
            if let tid = MappingContext.typeAndId(ref), tid.hasPrefix("Patient/") {
                return String(tid.dropFirst("Patient/".count))
            }
            if !ref.contains("/") { return ref }
        }
        return onlyPatient
    }
}
