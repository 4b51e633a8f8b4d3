import Foundation

/// Everything Rounds knows about one patient: demographics plus each clinical section, with the
/// state of each section and where the data came from. This is the one model the store, the core
/// and the screens use; no FHIR version shows through it.
public struct PatientRecord: Sendable, Hashable {
    public var patient: Patient
    public var fhirVersion: FHIRRelease?
    /// The latest reading per vital sign, in display order.
    public var latestVitals: [VitalSign]
    /// Every vital-sign reading, oldest first (for trends).
    public var vitalHistory: [VitalSign]
    public var lastEncounter: Encounter?
    public var conditions: [Condition]
    public var allergies: [Allergy]
    public var medications: [Medication]
    public var coverage: [Coverage]
    public var sections: [ClinicalSection: SectionState]
    public var fetchedAt: Date?
    public var warnings: [DataWarning]
    /// Set by a whole read that a later sync can ask "changed since?" about (not in the JSON).
    public var basis: RefreshBasis?

    public init(
        patient: Patient, fhirVersion: FHIRRelease? = nil, latestVitals: [VitalSign] = [],
        vitalHistory: [VitalSign] = [], lastEncounter: Encounter? = nil, conditions: [Condition] = [],
        allergies: [Allergy] = [], medications: [Medication] = [], coverage: [Coverage] = [],
        sections: [ClinicalSection: SectionState] = [:], fetchedAt: Date? = nil, warnings: [DataWarning] = []
    ) {
        self.patient = patient
        self.fhirVersion = fhirVersion
        self.latestVitals = latestVitals
        self.vitalHistory = vitalHistory
        self.lastEncounter = lastEncounter
        self.conditions = conditions
        self.allergies = allergies
        self.medications = medications
        self.coverage = coverage
        self.sections = sections
        self.fetchedAt = fetchedAt
        self.warnings = warnings
    }

    public var id: String { patient.id }

    /// The latest reading of one kind.
    public func latest(_ kind: VitalKind) -> VitalSign? {
        latestVitals.first { $0.kind == kind }
    }

    /// Readings of one kind over time, oldest first.
    public func history(_ kind: VitalKind) -> [VitalSign] {
        vitalHistory.filter { $0.kind == kind }
    }

    /// The state of one section (`unavailable` when it was never fetched).
    public func state(of section: ClinicalSection) -> SectionState {
        sections[section] ?? SectionState(.unavailable(reason: "not fetched"))
    }
}

extension PatientRecord: Codable {
    enum CodingKeys: String, CodingKey {
        case id, fhirVersion, name, gender, birthDate, mrn, generalPractitioner, latestVitals, vitalHistory
        case lastEncounter, conditions, allergies, medications, coverage, sections, fetchedAt, warnings
    }

    private struct NameJSON: Codable {
        var display: String
        var family: String?
        var given: [String]
        var prefix: [String]
        var suffix: [String]?
        var use: String?
        var text: String?
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(display, forKey: .display)
            try c.encode(family, forKey: .family)
            try c.encode(given, forKey: .given)
            try c.encode(prefix, forKey: .prefix)
            try c.encode(suffix ?? [], forKey: .suffix)
            try c.encode(use, forKey: .use)
            try c.encode(text, forKey: .text)
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(patient.id, forKey: .id)
        try c.encode(fhirVersion, forKey: .fhirVersion)
        let n = patient.name
        try c.encode(
            NameJSON(
                display: patient.displayName, family: n?.family, given: n?.given ?? [],
                prefix: n?.prefix ?? [], suffix: n?.suffix, use: n?.use, text: n?.text), forKey: .name)
        try c.encode(patient.gender, forKey: .gender)
        try c.encode(patient.birthDate, forKey: .birthDate)
        try c.encode(patient.mrn, forKey: .mrn)
        try c.encode(patient.generalPractitioner, forKey: .generalPractitioner)
        try c.encode(latestVitals, forKey: .latestVitals)
        try c.encode(vitalHistory, forKey: .vitalHistory)
        try c.encode(lastEncounter, forKey: .lastEncounter)
        try c.encode(conditions, forKey: .conditions)
        try c.encode(allergies, forKey: .allergies)
        try c.encode(medications, forKey: .medications)
        try c.encode(coverage, forKey: .coverage)
        var sec = c.nestedContainer(keyedBy: SectionKey.self, forKey: .sections)
        for (k, v) in sections.sorted(by: { $0.key < $1.key }) {
            try sec.encode(v, forKey: SectionKey(stringValue: k.rawValue))
        }
        try c.encode(fetchedAt.map(FHIRDate.iso8601), forKey: .fetchedAt)
        try c.encode(warnings, forKey: .warnings)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let name = try c.decodeIfPresent(NameJSON.self, forKey: .name)
        let personName = name.flatMap { n -> PersonName? in
            let p = PersonName(
                family: n.family, given: n.given, prefix: n.prefix, suffix: n.suffix ?? [], use: n.use, text: n.text)
            return p.family == nil && p.given.isEmpty && p.text == nil ? nil : p
        }
        patient = Patient(
            id: try c.decode(String.self, forKey: .id), name: personName,
            gender: try c.decodeIfPresent(String.self, forKey: .gender),
            birthDate: try c.decodeIfPresent(FHIRDate.self, forKey: .birthDate),
            mrn: try c.decodeIfPresent(String.self, forKey: .mrn),
            generalPractitioner: try c.decodeIfPresent([String].self, forKey: .generalPractitioner) ?? [])
        fhirVersion = try c.decodeIfPresent(FHIRRelease.self, forKey: .fhirVersion)
        latestVitals = try c.decodeIfPresent([VitalSign].self, forKey: .latestVitals) ?? []
        vitalHistory = try c.decodeIfPresent([VitalSign].self, forKey: .vitalHistory) ?? []
        lastEncounter = try c.decodeIfPresent(Encounter.self, forKey: .lastEncounter)
        conditions = try c.decodeIfPresent([Condition].self, forKey: .conditions) ?? []
        allergies = try c.decodeIfPresent([Allergy].self, forKey: .allergies) ?? []
        medications = try c.decodeIfPresent([Medication].self, forKey: .medications) ?? []
        coverage = try c.decodeIfPresent([Coverage].self, forKey: .coverage) ?? []
        var secs: [ClinicalSection: SectionState] = [:]
        if c.contains(.sections) {
            let sc = try c.nestedContainer(keyedBy: SectionKey.self, forKey: .sections)
            for key in sc.allKeys {
                if let s = ClinicalSection(rawValue: key.stringValue) {
                    secs[s] = try sc.decode(SectionState.self, forKey: key)
                }
            }
        }
        sections = secs
        fetchedAt = try c.decodeIfPresent(String.self, forKey: .fetchedAt).flatMap { FHIRDate($0).instant }
        warnings = try c.decodeIfPresent([DataWarning].self, forKey: .warnings) ?? []
    }

    struct SectionKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

extension PatientRecord {
    /// The JSON form documented in Docs/cli-json.md (sorted keys, ISO dates).
    public static func jsonEncoder(pretty: Bool = true) -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting =
            pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return e
    }
}
