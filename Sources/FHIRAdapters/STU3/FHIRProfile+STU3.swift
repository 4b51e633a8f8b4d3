extension FHIRProfile {
    /// STU3 (3.0.x): string `HumanName.family`, `MedicationRequest` with `requester.agent`,
    /// `_sort=-date`, `assertedDate`, allergy `code` with `clinicalStatus`/`verificationStatus` codes.
    public static let stu3 = FHIRProfile(
        release: .stu3, capabilityResource: "CapabilityStatement", medicationResource: "MedicationRequest",
        sortNewestFirst: ("_sort", "-date"), nameModifier: ":contains", searchesGender: true,
        conditionRecordedKeys: ["assertedDate", "recordedDate", "dateRecorded"],
        allergySubstanceKeys: ["code", "substance"],
        allergyRecordedKeys: ["assertedDate", "recordedDate"],
        medicationAuthoredKeys: ["authoredOn", "dateWritten"])
}
