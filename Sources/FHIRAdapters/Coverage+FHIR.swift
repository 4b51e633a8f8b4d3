import Clinical

extension Coverage {
    /// Reads a Coverage of any release (DSTU2 `issuer`/`plan`, STU3 `grouping`/`payor`, R4 `class`).
    public init(fhir r: JSONNode, context ctx: MappingContext, index: Int) {
        let path = "Coverage[\(index)]"
        self.init()
        let payors = (r["payor"]?.list ?? .empty) + (r["issuer"].map { [$0] } ?? [])
        payor =
            payors.lazy.compactMap { p in
                Datatypes.referenceDisplay(p, in: r, context: ctx) ?? p["identifier"]?["value"]?.text
            }.first
        if let g = r["grouping"] {
            plan = g["planDisplay"]?.string ?? g["plan"]?.string
            group = g["groupDisplay"]?.string ?? g["group"]?.string
        } else if let classes = r["class"]?.array {
            func value(_ kind: String) -> String? {
                let c = classes.first {
                    ($0["type"]?["coding"]?.list ?? .empty).contains { $0["code"]?.string == kind }
                }
                return c?["name"]?.string ?? c?["value"]?.text
            }
            plan = value("plan")
            group = value("group")
        } else {
            plan = ctx.string(r["plan"], path: "\(path).plan")
            group = ctx.string(r["group"], path: "\(path).group")
        }
        // DSTU2 subscriberId is an Identifier; STU3/R4 a string.
        subscriberId = r["subscriberId"]?.text ?? r["subscriberId"]?["value"]?.text
        periodStart = ctx.date(r["period"]?["start"], path: "\(path).period.start")
        periodEnd = ctx.date(r["period"]?["end"], path: "\(path).period.end")
    }
}
