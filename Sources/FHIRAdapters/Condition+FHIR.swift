import Clinical

extension Condition {
    /// Reads a Condition of any release; `nil` for one entered in error (it never happened).
    public init?(fhir r: JSONNode, context ctx: MappingContext, index: Int) {
        let path = "Condition[\(index)]"
        let verification = Datatypes.code(r["verificationStatus"])
        let clinical = Datatypes.code(r["clinicalStatus"])
        if verification == "entered-in-error" || clinical == "entered-in-error" { return nil }
        // The clinician's words (`code.text`) before a coding's display, as in every other section.
        let display = Datatypes.conceptText(r["code"]) ?? Datatypes.narrative(r) ?? "(unnamed condition)"
        let key = ctx.profile.conditionRecordedKeys.first { r[$0] != nil }
        self.init(
            display: display,
            recorded: key.flatMap { ctx.date(r[$0], path: "\(path).\($0)") },
            severity: Datatypes.conceptText(r["severity"]),
            clinicalStatus: clinical,
            verificationStatus: verification)
    }
}
