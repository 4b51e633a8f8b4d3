import Clinical

extension Encounter {
    /// Reads an Encounter of any release.
    public init(fhir r: JSONNode, context ctx: MappingContext, index: Int) {
        let path = "Encounter[\(index)]"
        self.init()
        status = Datatypes.code(r["status"]) ?? ctx.string(r["status"], path: "\(path).status")
        type = (r["type"]?.list.first).flatMap(Datatypes.conceptText)
        let classValue = r["class"]
        switch classValue?.kind {
        case .string?: encounterClass = classValue?.string
        case .object?: encounterClass = classValue?["display"]?.string ?? classValue?["code"]?.text
        case .array?: encounterClass = classValue?.list.first.flatMap(Datatypes.conceptText)
        default: break
        }
        start = ctx.date(r["period"]?["start"], path: "\(path).period.start")
        end = ctx.date(r["period"]?["end"], path: "\(path).period.end")
        location = Encounter.currentLocation(r, context: ctx)
    }

    /// Statuses of a stay that is going on now (R4 `triaged` and `onleave` included: the patient
    /// still has a bed).
    static let currentStatuses: Set<String> = ["in-progress", "arrived", "triaged", "onleave"]
    /// Statuses that never say where a patient is: not begun, never happened, or void.
    static let voidStatuses: Set<String> = ["planned", "cancelled", "entered-in-error"]

    /// The location of the current stay: among the current locations (`active`, else those whose
    /// period is open, else all listed), the most specific place — a bed before its room, a room
    /// before its ward — by the physical type sent with the entry or on the resolved Location, or
    /// by one being `partOf` another; then the latest by period start.
    static func currentLocation(_ r: JSONNode, context ctx: MappingContext) -> String? {
        let entries = Array(r["location"]?.list ?? .empty)
        guard !entries.isEmpty else { return nil }
        let active = entries.filter { Datatypes.code($0["status"]) == "active" }
        let open = entries.filter { $0["period"] != nil && $0["period"]?["end"] == nil }
        let notCompleted = entries.filter { Datatypes.code($0["status"]) != "completed" }
        let pool = !active.isEmpty ? active : (!open.isEmpty ? open : notCompleted)
        let candidates = pool.isEmpty ? entries : pool
        let places = candidates.enumerated().map { k, e in
            Place(entry: e, order: k, resolved: ctx.resolve(e["location"], in: r))
        }
        let parents = Set(places.compactMap(\.parentKey))
        let chosen = places.max { a, b in
            // A place that is the parent of another listed place is less specific than its child.
            let aIsParent = a.key.map(parents.contains) ?? false
            let bIsParent = b.key.map(parents.contains) ?? false
            if aIsParent != bIsParent { return aIsParent }
            if a.specificity != b.specificity { return a.specificity < b.specificity }
            if FHIRDate.isEarlier(a.start, b.start) { return true }
            if FHIRDate.isEarlier(b.start, a.start) { return false }
            return a.order < b.order
        }
        guard let chosen else { return nil }
        return Datatypes.referenceDisplay(chosen.entry["location"], in: r, context: ctx)
    }

    /// One listed location with what tells how specific it is.
    struct Place {
        let entry: JSONNode
        let order: Int
        let resolved: JSONNode?

        var start: FHIRDate? { entry["period"]?["start"]?.string.map(FHIRDate.init) }
        var key: String? { entry["location"]?["reference"]?.string.flatMap(MappingContext.typeAndId) }
        var parentKey: String? { resolved?["partOf"]?["reference"]?.string.flatMap(MappingContext.typeAndId) }

        /// Higher is more specific: bed, room, ward, wing/level, building, site; 0 when unknown.
        var specificity: Int {
            let concept = entry["physicalType"] ?? resolved?["physicalType"]
            let codes = (concept?["coding"]?.list ?? .empty).compactMap { $0["code"]?.string?.lowercased() }
            let words = (Datatypes.conceptText(concept) ?? "").lowercased()
            let ranks: [(code: String, word: String, rank: Int)] = [
                ("bd", "bed", 7), ("ro", "room", 6), ("wa", "ward", 5), ("wi", "wing", 4),
                ("lvl", "level", 3), ("bu", "building", 2), ("si", "site", 1),
            ]
            for rank in ranks where codes.contains(rank.code) || words == rank.word { return rank.rank }
            return 0
        }
    }

    /// The encounter that says where the patient is now: a current stay (`in-progress`,
    /// `arrived`…) first, else the latest finished one; planned, cancelled and entered-in-error
    /// encounters never count. Within a group the latest by instant wins (the start, or for a
    /// finished stay its end); a start that cannot be read never outranks one that can, and a
    /// current stay without a period still beats any finished one.
    public static func current(_ encounters: [Encounter]) -> Encounter? {
        let eligible = encounters.enumerated().filter { item in
            !voidStatuses.contains(item.element.status?.lowercased() ?? "")
        }
        return eligible.max { a, b in
            let aCurrent = a.element.isCurrentStay
            let bCurrent = b.element.isCurrentStay
            if aCurrent != bCurrent { return bCurrent }
            let aTime = a.element.rankingTime
            let bTime = b.element.rankingTime
            if FHIRDate.isEarlier(aTime, bTime) { return true }
            if FHIRDate.isEarlier(bTime, aTime) { return false }
            return a.offset > b.offset
        }?.element
    }

    var isCurrentStay: Bool { Encounter.currentStatuses.contains(status?.lowercased() ?? "") }

    /// The instant that orders encounters: a finished stay by when it ended (else began); a
    /// current one by when it began. Text that is not a date counts as no time at all.
    var rankingTime: FHIRDate? {
        let readable = { (d: FHIRDate?) -> FHIRDate? in d?.instant == nil ? nil : d }
        if isCurrentStay { return readable(start) }
        return readable(end) ?? readable(start)
    }
}
