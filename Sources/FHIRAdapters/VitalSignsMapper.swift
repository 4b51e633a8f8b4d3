import Clinical

/// Reads Observations into vital signs and picks the latest of each.
public enum VitalSignsMapper {
    /// The vital-sign readings of one Observation: the reading itself, plus the inhaled-oxygen
    /// flow and concentration a pulse-oximetry reading carries as components (US Core R4 records
    /// supplemental oxygen only there). Empty for a non-vital, void or grouping-only observation.
    public static func readings(_ r: JSONNode, context ctx: MappingContext, index: Int) -> [VitalSign] {
        var out: [VitalSign] = []
        appendReadings(r, context: ctx, index: index, to: &out)
        return out
    }

    /// As `readings`, appended to `out` (a section's readings are gathered in one array).
    public static func appendReadings(_ r: JSONNode, context ctx: MappingContext, index: Int, to out: inout [VitalSign])
    {
        guard let main = reading(r, context: ctx, index: index) else { return }
        out.append(main)
        guard main.kind == .oxygenSaturation else { return }
        for component in main.components {
            guard let kind = VitalKind(loinc: component.code), kind == .oxygenFlow || kind == .inspiredOxygen else {
                continue
            }
            let display = "\(kind.label) (component of the pulse-oximetry reading)"
            out.append(
                VitalSign(
                    code: component.code, display: display, value: component.value, unit: component.unit,
                    text: component.text, effective: main.effective, comparator: component.comparator))
        }
    }

    /// A vital-sign reading from an Observation, or `nil` for a non-vital or void observation.
    public static func reading(_ r: JSONNode, context ctx: MappingContext, index: Int) -> VitalSign? {
        // Formed only for a warning (most readings have none).
        func path() -> String { "Observation[\(index)]" }
        let status = Datatypes.code(r["status"])
        // Void readings never show or score (a nurse charted them by mistake, or they never happened).
        if status == "entered-in-error" || status == "cancelled" { return nil }
        let (code, display) = pickCode(r["code"])
        guard let code else { return nil }
        let isVitalCategory = (r["category"]?.list ?? .empty).contains { cat in
            let coded = (cat["coding"]?.list ?? .empty).contains { $0["code"]?.isString("vital-signs") ?? false }
            return coded || cat["text"]?.string?.lowercased() == "vital signs"
        }
        guard isVitalCategory || VitalKind(loinc: code) != nil else { return nil }
        // A panel that only groups other readings (R4 `hasMember`) has no value of its own; its
        // members arrive as observations of their own.
        let groupsOnly = r["hasMember"] != nil && r["component"] == nil && !hasValue(r)
        if groupsOnly { return nil }
        let effectiveValue =
            r["effectiveDateTime"] ?? r["effectivePeriod"]?["start"] ?? r["effectiveInstant"] ?? r["issued"]
        let effective = ctx.date(effectiveValue, path: "\(path()).effective")
        var value: Double?
        var unit: String?
        var text: String?
        var comparator: String?
        readValue(r, into: &value, unit: &unit, text: &text, comparator: &comparator, path: path(), ctx: ctx)
        var v = VitalSign(
            code: code, display: display, value: value, unit: unit, text: text, effective: effective,
            comparator: comparator, valueCodes: codes(r["valueCodeableConcept"]))
        for (k, c) in (r["component"]?.list ?? .empty).enumerated() {
            let (cc, cd) = pickCode(c["code"])
            guard let cc else { continue }
            var comp = VitalComponent(code: cc, display: cd)
            readValue(
                c, into: &comp.value, unit: &comp.unit, text: &comp.text, comparator: &comp.comparator,
                path: "\(path()).component[\(k)]", ctx: ctx)
            v.components.append(comp)
        }
        return v
    }

    /// `system|code` of each coding of a coded value.
    static func codes(_ concept: JSONNode?) -> [String] {
        (concept?["coding"]?.list ?? .empty).compactMap { coding in
            guard let code = coding["code"]?.text else { return nil }
            return (coding["system"]?.string ?? "") + "|" + code
        }
    }

    static func hasValue(_ r: JSONNode) -> Bool {
        let keys = [
            "valueQuantity", "valueString", "valueCodeableConcept", "valueBoolean", "valueInteger", "valueRange",
        ]
        return keys.contains { r[$0] != nil }
    }

    /// A LOINC coding Rounds knows (an R4 pulse-oximetry reading carries 2708-6 and 59408-5; a
    /// server may put a panel or local code first), else any LOINC coding, else a coding Rounds
    /// knows, else the first coding, else the text.
    static func pickCode(_ c: JSONNode?) -> (String?, String?) {
        let codings = c?["coding"]?.list ?? .empty
        // Each coding is read once, ranked, and the best kept: 3 a LOINC code Rounds knows, 2 any
        // LOINC code, 1 a code Rounds knows, 0 any code; the first of the best rank wins.
        var chosen: (coding: JSONNode, code: String, rank: Int)?
        for coding in codings {
            guard let code = coding["code"]?.text else { continue }
            let isLOINC = coding["system"]?.stringContains("loinc.org") ?? false
            let isKnown = VitalKind(loinc: code) != nil
            let rank = (isLOINC ? 2 : 0) + (isKnown ? 1 : 0)
            if rank > (chosen?.rank ?? -1) { chosen = (coding, code, rank) }
            if rank == 3 { break }
        }
        let display =
            chosen?.coding["display"]?.string ?? c?["text"]?.string
            ?? codings.lazy.compactMap { $0["display"]?.string }.first
        if let code = chosen?.code { return (code, display) }
        if let t = c?["text"]?.string { return (t, t) }
        return (nil, nil)
    }

    static func readValue(
        _ r: JSONNode, into value: inout Double?, unit: inout String?, text: inout String?,
        comparator: inout String?, path: @autoclosure () -> String, ctx: MappingContext
    ) {
        if let q = r["valueQuantity"] {
            // A bound (`<85`) is kept with the value: showing "85 %" would claim a reading the
            // device never made.
            if let c = q["comparator"]?.string, ["<", "<=", ">=", ">"].contains(c) { comparator = c }
            let quantity = q["value"]
            switch quantity?.kind {
            case .number?: value = quantity?.double
            case .string?:
                let s = quantity?.string ?? ""
                if let n = Double(s) {
                    value = n
                    ctx.warn("\(path()).valueQuantity.value", q["value"], "number sent as text")
                } else {
                    text = s
                    ctx.warn("\(path()).valueQuantity.value", q["value"], "not a number; shown as sent")
                }
            case nil, .null?: break
            default: ctx.warn("\(path()).valueQuantity.value", quantity, "expected a number")
            }
            // The code is UCUM only when the system says so (DSTU2 SpO2 sends an MDC unit code).
            let system = q["system"]
            let systemIsUCUM = system?.kind != .string || system?.stringContains("unitsofmeasure") == true
            let ucum = systemIsUCUM ? q["code"]?.string?.nilIfEmpty : nil
            unit = ucum ?? q["unit"]?.string?.nilIfEmpty ?? q["code"]?.string?.nilIfEmpty
        } else if let s = r["valueString"]?.string {
            text = s
        } else if let cc = r["valueCodeableConcept"] {
            text = Datatypes.conceptText(cc)
        } else if let b = r["valueBoolean"]?.bool {
            text = b ? "yes" : "no"
        } else if let n = r["valueInteger"]?.double {
            value = n
        } else if let d = r["valueDateTime"]?.string {
            text = d
        } else if let range = r["valueRange"] {
            text = [range["low"]?["value"]?.text, range["high"]?["value"]?.text].compactMap { $0 }.joined(
                separator: "–")
        }
        if value == nil, text == nil, let absent = r["dataAbsentReason"] {
            text = "absent: " + (Datatypes.conceptText(absent) ?? "no reason given")
        }
    }

    /// The latest reading per kind (by effective time, whatever order they came in), and the
    /// history. Separate systolic/diastolic readings become one blood-pressure reading.
    public static func summarize(_ readings: [VitalSign]) -> (latest: [VitalSign], history: [VitalSign]) {
        let hasParts = readings.contains { $0.kind == .systolic || $0.kind == .diastolic }
        // Without parts to merge the readings are kept as they came (no copy).
        var merged: [VitalSign] = hasParts ? [] : readings
        var pressureParts: [String: VitalSign] = [:]
        var partOrder: [String] = []
        for r in readings where hasParts {
            if r.kind == .systolic || r.kind == .diastolic {
                let key = r.effective?.raw ?? "?"
                var bp =
                    pressureParts[key]
                    ?? VitalSign(code: VitalKind.bloodPressure.loinc, display: "Blood pressure", effective: r.effective)
                if pressureParts[key] == nil { partOrder.append(key) }
                bp.components.append(
                    VitalComponent(code: r.kind!.loinc, display: r.display, value: r.value, unit: r.unit, text: r.text))
                pressureParts[key] = bp
            } else {
                merged.append(r)
            }
        }
        // A panel at the same time already carries these parts (SMART DSTU2 sends both).
        let panelTimes = Set(merged.filter { $0.kind == .bloodPressure }.compactMap { $0.effective?.raw })
        for key in partOrder where !panelTimes.contains(key) { merged.append(pressureParts[key]!) }
        // Positions are sorted by instant, not the readings: a reading is large, and a sync sorts
        // tens of thousands. A reading without a readable time sorts first (`FHIRDate.isEarlier`).
        let instants = merged.map { $0.effective?.instant?.timeIntervalSince1970 }
        let order = merged.indices.sorted { a, b in
            switch (instants[a], instants[b]) {
            case (let x?, let y?) where x != y: return x < y
            case (nil, _?): return true
            case (_?, nil): return false
            default: return a < b
            }
        }
        let history = order.map { merged[$0] }
        var latest: [String: Int] = [:]
        for (position, r) in history.enumerated() {
            let key = r.kind?.rawValue ?? r.code
            // history is oldest first, so a later entry replaces an earlier one; an entry without
            // a readable time never replaces one that has it.
            if let current = latest[key], instants[order[position]] == nil, instants[order[current]] != nil {
                continue
            }
            latest[key] = position
        }
        let ordered = latest.values.map { history[$0] }.sorted { a, b in
            let oa = a.kind?.displayOrder ?? 99
            let ob = b.kind?.displayOrder ?? 99
            return oa != ob ? oa < ob : a.code < b.code
        }
        return (ordered, history)
    }
}
