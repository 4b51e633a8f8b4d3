extension FHIRProfile {
    /// DSTU2 (1.0.x): arrays for `HumanName.family`, `MedicationOrder`, `:contains` name search,
    /// `_sort:desc=date`, `dateRecorded`/`recordedDate`, allergy `substance`.
    public static let dstu2 = FHIRProfile(
        release: .dstu2, capabilityResource: "Conformance", medicationResource: "MedicationOrder",
        sortNewestFirst: ("_sort:desc", "date"), nameModifier: ":contains", searchesGender: false,
        conditionRecordedKeys: ["dateRecorded", "assertedDate", "recordedDate"],
        allergySubstanceKeys: ["substance", "code"],
        allergyRecordedKeys: ["recordedDate", "assertedDate"],
        medicationAuthoredKeys: ["dateWritten", "authoredOn"])
}
