import Clinical

/// What differs on the wire between FHIR releases: resource names, search parameter spellings and
/// the field names a mapper tries first. The per-release values live in `DSTU2/`, `STU3/`, `R4/`.
public struct FHIRProfile: Sendable, Equatable {
    public let release: FHIRRelease
    /// `Conformance` (DSTU2) or `CapabilityStatement`.
    public let capabilityResource: String
    /// `MedicationOrder` (DSTU2) or `MedicationRequest`.
    public let medicationResource: String
    /// Newest first by date: `_sort:desc=date` (DSTU2) or `_sort=-date`.
    public let sortNewestFirst: (name: String, value: String)
    /// `:contains` on every release: plain `family=`/`name=` match only the start of a name part on
    /// standard servers, and a nurse typing `an` expects every name with "an" in it. A server that
    /// refuses the modifier is asked with the plain parameter (see `FHIRConnection.searchPatients`).
    public let nameModifier: String
    /// Gender search exists for STU3 and R4 in the contract.
    public let searchesGender: Bool
    /// Field names tried first for the condition's recorded date.
    public let conditionRecordedKeys: [String]
    /// Field names tried first for the allergy's substance.
    public let allergySubstanceKeys: [String]
    /// Field names tried first for the allergy's recorded date.
    public let allergyRecordedKeys: [String]
    /// Field names tried first for the order's authored date.
    public let medicationAuthoredKeys: [String]

    public static func == (a: FHIRProfile, b: FHIRProfile) -> Bool { a.release == b.release }

    /// The profile of a release.
    public static func of(_ release: FHIRRelease) -> FHIRProfile {
        switch release {
        case .dstu2: return .dstu2
        case .stu3: return .stu3
        case .r4: return .r4
        }
    }

    /// A search parameter name for a name part (`family`, `given`, `name`).
    public func nameParameter(_ part: String) -> String { part + nameModifier }
}
