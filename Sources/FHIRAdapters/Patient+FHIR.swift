import Clinical
import Foundation

extension Patient {
    /// Reads a Patient resource of any release. `fallbackId` names a patient that came without `id`.
    public init(fhir r: JSONNode, fallbackId: String, context ctx: MappingContext) {
        let id = r["id"]?.text ?? fallbackId
        self.init(id: id)
        name = Patient.chooseName(r["name"], context: ctx)
        if let g = r["gender"] {
            gender = ctx.string(g, path: "Patient.gender")
        }
        birthDate = ctx.date(r["birthDate"], path: "Patient.birthDate")
        mrn = Patient.mrn(Array(r["identifier"]?.list ?? .empty), now: ctx.now)
        let gp = r["generalPractitioner"] ?? r["careProvider"]
        generalPractitioner = (gp?.list ?? .empty).compactMap { Datatypes.referenceDisplay($0, in: r, context: ctx) }
    }

    /// `official`, then `usual`, then the first name that has any content.
    static func chooseName(_ v: JSONNode?, context ctx: MappingContext) -> PersonName? {
        let names = (v?.list ?? .empty).compactMap { n -> PersonName? in
            guard n.kind == .object else {
                ctx.warn("Patient.name", n, "a name must be an object")
                return nil
            }
            return personName(n, context: ctx)
        }.filter { $0.family != nil || !$0.given.isEmpty || $0.text != nil }
        // A name no longer used (`old`, as a maiden name is, or a period that ended) only when
        // nothing current is left.
        let ended = Set(
            (v?.list ?? .empty).compactMap { n -> String? in
                guard isRetired(n, now: ctx.now) else { return nil }
                return personName(n, context: ctx).displayKey
            })
        let current = names.filter { $0.use != "old" && $0.use != "maiden" && !ended.contains($0.displayKey) }
        let pool = current.isEmpty ? names : current
        return pool.first { $0.use == "official" } ?? pool.first { $0.use == "usual" } ?? pool.first
    }

    static func personName(_ n: JSONNode, context ctx: MappingContext) -> PersonName {
        // DSTU2 family is an array of strings; STU3/R4 a single string. Read either in any release.
        let family: String?
        let familyValue = n["family"]
        switch familyValue?.kind {
        case .array?: family = familyValue?.list.compactMap(\.string).joined(separator: " ").nilIfEmpty
        case .string?: family = familyValue?.string?.nilIfEmpty
        case nil, .null?: family = nil
        default:
            ctx.warn("Patient.name.family", familyValue, "expected text")
            family = nil
        }
        func strings(_ key: String) -> [String] { (n[key]?.list ?? .empty).compactMap { $0.string?.nilIfEmpty } }
        return PersonName(
            family: family, given: strings("given"), prefix: strings("prefix"), suffix: strings("suffix"),
            use: n["use"]?.string, text: n["text"]?.string?.nilIfEmpty)
    }

    /// The medical record number: an identifier typed `MR`, else one whose system or type says
    /// MRN / medical record, else the first identifier with a value. Never an SSN when an MR exists,
    /// and never a retired number (`use: old`, or a `period` that has ended): a nurse reading an
    /// old MRN aloud identifies nobody, or the wrong patient.
    static func mrn(_ allIds: [JSONNode], now: Date) -> String? {
        let ids = allIds.filter { !isRetired($0, now: now) }
        func value(_ i: JSONNode) -> String? {
            // Cerner sends a zero-padded rendering in a primitive extension next to the value.
            i["value"]?.text?.nilIfEmpty
        }
        let typed = ids.first { i in
            (i["type"]?["coding"]?.list ?? .empty).contains { $0["code"]?.string == "MR" } && value(i) != nil
        }
        if let typed { return value(typed) }
        let named = ids.first { i in
            let hay = [i["system"]?.string, Datatypes.conceptText(i["type"])].compactMap { $0?.lowercased() }.joined(
                separator: " ")
            return (hay.contains("mrn") || hay.contains("medical record") || hay.contains("medical-record"))
                && value(i) != nil
        }
        if let named { return value(named) }
        let notSSN = ids.first { i in
            let codes = (i["type"]?["coding"]?.list ?? .empty).compactMap { $0["code"]?.string }
            let system = i["system"]?.string ?? ""
            return value(i) != nil && !codes.contains("SS") && !codes.contains("SB") && !system.contains("us-ssn")
        }
        return notSSN.flatMap(value) ?? ids.first.flatMap(value)
    }

    static func isRetired(_ identifier: JSONNode, now: Date) -> Bool {
        if identifier["use"]?.string == "old" { return true }
        guard let end = identifier["period"]?["end"]?.string.map(FHIRDate.init), let instant = end.instant else {
            return false
        }
        return instant < now
    }
}

extension PersonName {
    /// Identity of a name's parts, to match a mapped name with its JSON.
    var displayKey: String {
        [family ?? "", given.joined(separator: " "), text ?? "", use ?? ""].joined(separator: "|")
    }
}

extension String {
    var nilIfEmpty: String? {
        // Most values start with a visible ASCII character: no need to trim (Foundation's
        // trimming showed up in the sync profile).
        if let b = utf8.first, b > 0x20, b < 0x7F { return self }
        let t = trimmingCharacters(in: .whitespacesAndNewlines)
        return t.isEmpty ? nil : self
    }

    /// Substring test on UTF-8 bytes, without Foundation's locale-aware search. For the short
    /// ASCII markers mappers look for in code systems ("loinc.org", "unitsofmeasure").
    func containsBytes(_ needle: String) -> Bool {
        let h = Array(utf8)
        let n = Array(needle.utf8)
        guard !n.isEmpty else { return true }
        guard h.count >= n.count else { return false }
        for start in 0...(h.count - n.count) where h[start] == n[0] {
            var k = 1
            while k < n.count, h[start + k] == n[k] { k += 1 }
            if k == n.count { return true }
        }
        return false
    }
}
