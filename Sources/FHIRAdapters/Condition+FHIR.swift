import Clinical

extension Condition {
    /// Reads a Condition of any release; `nil` for one entered in error.
    public init?(fhir r: JSONValue, context ctx: MappingContext, index: Int) {
        let path = "Condition[\(index)]"
        let verification = Datatypes.code(r["verificationStatus"])
        if verification == "entered-in-error" { return nil }
        let display = Datatypes.codingFirstText(r["code"]) ?? Datatypes.narrative(r) ?? "(unnamed condition)"
        let key = ctx.profile.conditionRecordedKeys.first { r[$0] != nil }
        self.init(display: display,
                  recorded: key.flatMap { ctx.date(r[$0], path: "\(path).\($0)") },
                  severity: Datatypes.codingFirstText(r["severity"]),
                  clinicalStatus: Datatypes.code(r["clinicalStatus"]))
    }
}
