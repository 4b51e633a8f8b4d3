import Clinical

extension Allergy {
    /// Reads an AllergyIntolerance of any release (DSTU2 `substance` + `status`, STU3/R4 `code` +
    /// `clinicalStatus`/`verificationStatus`); `nil` for one entered in error.
    public init?(fhir r: JSONNode, context ctx: MappingContext, index: Int) {
        let path = "AllergyIntolerance[\(index)]"
        let statuses = [r["status"], r["clinicalStatus"], r["verificationStatus"]].compactMap(Datatypes.code)
        if statuses.contains("entered-in-error") { return nil }
        let substanceKey = ctx.profile.allergySubstanceKeys.first { r[$0] != nil }
        let reactions = (r["reaction"]?.list ?? .empty).map { re in
            AllergyReaction(
                substance: Datatypes.conceptText(re["substance"]),
                manifestations: (re["manifestation"]?.list ?? .empty).compactMap(Datatypes.conceptText),
                severity: re["severity"]?.string)
        }
        let substance =
            substanceKey.flatMap { Datatypes.conceptText(r[$0]) }
            ?? reactions.compactMap(\.substance).first
            ?? Datatypes.narrative(r)
            ?? "(unknown substance)"
        if substanceKey == nil { ctx.warn("\(path).code", nil, "no substance; used the reaction or narrative") }
        let recordedKey = ctx.profile.allergyRecordedKeys.first { r[$0] != nil }
        let notes = (r["note"]?.list ?? .empty).compactMap { $0["text"]?.string }
        self.init(
            substance: substance,
            status: r["status"]?.string,
            clinicalStatus: Datatypes.code(r["clinicalStatus"]),
            verificationStatus: Datatypes.code(r["verificationStatus"]),
            criticality: r["criticality"]?.string,
            recorded: recordedKey.flatMap { ctx.date(r[$0], path: "\(path).\($0)") },
            note: notes.isEmpty ? nil : notes.joined(separator: " "),
            reactions: reactions)
    }
}
