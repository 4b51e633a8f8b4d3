import Clinical

extension Medication {
    /// Reads a DSTU2 MedicationOrder or an STU3/R4 MedicationRequest; `nil` for one entered in error.
    public init?(fhir r: JSONNode, context ctx: MappingContext, index: Int) {
        let path = "\(r["resourceType"]?.string ?? "Medication")[\(index)]"
        let status = Datatypes.code(r["status"])
        if status == "entered-in-error" { return nil }
        // A referenced Medication we can read names the drug better than the reference's label.
        let resolved = ctx.resolve(r["medicationReference"], in: r).flatMap(Datatypes.resourceName)
        let name =
            resolved
            ?? r["medicationReference"]?["display"]?.string
            ?? Datatypes.conceptText(r["medicationCodeableConcept"])
            ?? Datatypes.narrative(r)
            ?? "(unnamed medication)"
        let authoredKey = ctx.profile.medicationAuthoredKeys.first { r[$0] != nil }
        // DSTU2 prescriber; STU3 requester.agent; R4 requester itself.
        let prescriberRef = r["prescriber"] ?? r["requester"]?["agent"] ?? r["requester"]
        let dosage = (r["dosageInstruction"]?.list ?? .empty).compactMap { d -> String? in
            d["text"]?.string ?? d["patientInstruction"]?.string
        }
        self.init(
            name: name,
            authored: authoredKey.flatMap { ctx.date(r[$0], path: "\(path).\($0)") },
            prescriber: Datatypes.referenceDisplay(prescriberRef, in: r, context: ctx),
            dosage: dosage,
            ended: ctx.date(
                r["dateEnded"] ?? r["dispenseRequest"]?["validityPeriod"]?["end"], path: "\(path).dateEnded"),
            status: status)
    }
}
