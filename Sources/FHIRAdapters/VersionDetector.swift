import Clinical

/// Tells DSTU2, STU3 and R4 apart. The declared `fhirVersion` is not trusted alone: the STU3 spec
/// examples declare `1.0.0`, sandboxes declare ballot versions. Shapes decide when they can.
public enum VersionDetector {
    /// The release a declared version string names (`1.0.2` → DSTU2), or `nil` for any other.
    public static func release(declared: String) -> FHIRRelease? {
        let v = declared.trimmingCharacters(in: .whitespaces)
        if v.hasPrefix("1.0.") || v == "1.0" { return .dstu2 }
        if v.hasPrefix("3.0.") || v == "3.0" { return .stu3 }
        if v.hasPrefix("4.0.") || v == "4.0" { return .r4 }
        return nil
    }

    /// Votes from resource shapes; falls back to the declared version, then `nil`.
    public static func detect(_ resources: [JSONNode], declared: String?) -> FHIRRelease? {
        var votes: [FHIRRelease: Int] = [:]
        for r in resources { if let v = vote(r) { votes[v, default: 0] += 1 } }
        if let best = votes.max(by: {
            $0.value < $1.value || ($0.value == $1.value && $0.key.rawValue > $1.key.rawValue)
        }) {
            return best.key
        }
        return declared.flatMap(release(declared:))
    }

    /// What one resource's shape says, if anything.
    public static func vote(_ r: JSONNode) -> FHIRRelease? {
        if let byProfile = profileVote(r) { return byProfile }
        switch r["resourceType"]?.string {
        case "Conformance", "MedicationOrder": return .dstu2
        case "Patient":
            // A string family is STU3 and R4 alike: only the DSTU2 array says anything.
            for n in r["name"]?.list ?? .empty {
                if n["family"]?.kind == .array { return .dstu2 }
            }
            if r["careProvider"] != nil { return .dstu2 }
            return nil
        case "AllergyIntolerance":
            if r["substance"] != nil { return .dstu2 }
            if r["clinicalStatus"]?.kind == .object { return .r4 }
            if r["assertedDate"] != nil { return .stu3 }
            return nil
        case "Condition":
            if r["patient"] != nil || r["dateRecorded"] != nil { return .dstu2 }
            if r["clinicalStatus"]?.kind == .object { return .r4 }
            if r["recordedDate"] != nil { return .r4 }
            if r["assertedDate"] != nil || r["context"] != nil { return .stu3 }
            return nil
        case "Observation":
            if r["category"]?.kind == .object { return .dstu2 }
            if r["context"] != nil { return .stu3 }
            return nil
        case "Encounter":
            if r["patient"] != nil { return .dstu2 }
            if r["class"]?.kind == .string { return .dstu2 }
            return nil
        case "MedicationRequest":
            if r["requester"]?["agent"] != nil || r["context"] != nil { return .stu3 }
            if r["requester"]?["reference"] != nil || r["requester"]?["display"] != nil { return .r4 }
            return nil
        case "Coverage":
            if r["issuer"] != nil || r["plan"] != nil { return .dstu2 }
            if r["grouping"] != nil { return .stu3 }
            if r["class"]?.array != nil { return .r4 }
            return nil
        case "CapabilityStatement":
            return r["fhirVersion"]?.string.flatMap(release(declared:)) ?? .stu3
        default: return nil
        }
    }

    /// A versioned US Core profile in `meta.profile`: US Core 3.0 and later are R4 (`…|9.0.0`).
    static func profileVote(_ r: JSONNode) -> FHIRRelease? {
        for profile in r["meta"]?["profile"]?.list ?? .empty {
            guard let url = profile.string, url.contains("hl7.org/fhir/us/core/"), let bar = url.firstIndex(of: "|")
            else { continue }
            let version = url[url.index(after: bar)...]
            if let major = Int(version.prefix { $0.isNumber }), major >= 3 { return .r4 }
        }
        return nil
    }
}
