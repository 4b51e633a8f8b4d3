import Clinical

extension Encounter {
    /// Reads an Encounter of any release.
    public init(fhir r: JSONValue, context ctx: MappingContext, index: Int) {
        let path = "Encounter[\(index)]"
        self.init()
        status = ctx.string(r["status"], path: "\(path).status")
        type = (r["type"]?.list.first).flatMap(Datatypes.codingFirstText)
        switch r["class"] {
        case .string(let s)?: encounterClass = s
        case .object?: encounterClass = r["class"]?["display"]?.string ?? r["class"]?["code"]?.text
        case .array(let a)?: encounterClass = a.first.flatMap(Datatypes.conceptText)
        default: break
        }
        start = ctx.date(r["period"]?["start"], path: "\(path).period.start")
        end = ctx.date(r["period"]?["end"], path: "\(path).period.end")
        location = Encounter.currentLocation(r, context: ctx)
    }

    /// The current location: an `active` one, else one whose period is open, else the last listed.
    /// Chosen by status and period, not by position (the emergency example lists three over time).
    static func currentLocation(_ r: JSONValue, context ctx: MappingContext) -> String? {
        let entries = r["location"]?.list ?? []
        guard !entries.isEmpty else { return nil }
        func start(_ e: JSONValue) -> FHIRDate? { e["period"]?["start"]?.string.map(FHIRDate.init) }
        func latest(_ es: [JSONValue]) -> JSONValue? {
            es.enumerated().max { a, b in
                FHIRDate.isEarlier(start(a.element), start(b.element)) || (!FHIRDate.isEarlier(start(b.element), start(a.element)) && a.offset < b.offset)
            }?.element
        }
        let active = entries.filter { $0["status"]?.string == "active" }
        let open = entries.filter { $0["period"] != nil && $0["period"]?["end"] == nil }
        let chosen = latest(active) ?? latest(open) ?? entries.last
        guard let chosen else { return nil }
        return Datatypes.referenceDisplay(chosen["location"], in: r, context: ctx)
    }

    /// The encounter with the latest start; unparsable or missing starts sort last.
    public static func latest(_ encounters: [Encounter]) -> Encounter? {
        encounters.enumerated().max { a, b in
            if FHIRDate.isEarlier(a.element.start, b.element.start) { return true }
            if FHIRDate.isEarlier(b.element.start, a.element.start) { return false }
            return a.offset > b.offset
        }?.element
    }
}
