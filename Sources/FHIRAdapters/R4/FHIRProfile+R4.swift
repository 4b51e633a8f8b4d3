extension FHIRProfile {
    /// R4 (4.0.x): as STU3, but `recordedDate`, `requester` as a plain reference, statuses as
    /// CodeableConcepts and Coverage `class[]` instead of `grouping`.
    public static let r4 = FHIRProfile(
        release: .r4, capabilityResource: "CapabilityStatement", medicationResource: "MedicationRequest",
        sortNewestFirst: ("_sort", "-date"), nameModifier: ":contains", searchesGender: true,
        conditionRecordedKeys: ["recordedDate", "assertedDate", "dateRecorded"],
        allergySubstanceKeys: ["code", "substance"],
        allergyRecordedKeys: ["recordedDate", "assertedDate"],
        medicationAuthoredKeys: ["authoredOn", "dateWritten"])
}
