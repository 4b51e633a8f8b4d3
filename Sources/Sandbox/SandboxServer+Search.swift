import Foundation
import Clinical
import FHIRAdapters

extension SandboxServer {
    /// The capability statement of one base, with the oauth-uris extension and `batch`.
    func capability(_ release: FHIRRelease, _ req: HTTPRequest) -> JSONValue {
        let profile = FHIRProfile.of(release)
        let types = ["Patient", "Observation", "Encounter", "Condition", "AllergyIntolerance", profile.medicationResource, "Coverage"]
        var rest: JSONObject = [
            "mode": "server",
            "resource": .array(types.map { t in
                ["type": .string(t), "interaction": [["code": "read"], ["code": "search-type"]]]
            }),
        ]
        if !configuration.noBatch { rest["interaction"] = [["code": "batch"]] }
        if configuration.discovery == .extension {
            rest["security"] = [
                "service": [["coding": [["system": "http://hl7.org/fhir/restful-security-service", "code": "SMART-on-FHIR"]]]],
                "extension": [["url": "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris",
                               "extension": [["url": "token", "valueUri": .string(tokenURL(req))]]]],
            ]
        }
        let version: String
        switch release { case .dstu2: version = "1.0.2"; case .stu3: version = "3.0.1"; case .r4: version = "4.0.1" }
        return ["resourceType": .string(profile.capabilityResource), "status": "active", "date": "2026-11-01",
                "kind": "instance", "fhirVersion": .string(version), "format": ["json"],
                "software": ["name": "rounds-sandbox", "version": .string(RoundsSandboxVersion.string)],
                "rest": [.object(rest)]]
    }

    func read(_ type: String, id: String, release: FHIRRelease, data: TenantData) -> (Int, JSONValue) {
        guard type == "Patient" else { return (404, Self.outcomeJSON("not-supported", "read of \(type) is not supported")) }
        guard let p = data.byId[id] else { return (404, Self.outcomeJSON("not-found", "Patient/\(id) is not known")) }
        return (200, ResourceRenderer(release: release).patient(p))
    }

    /// A search with the per-release semantics of interface.md §2–3; unknown parameters are a 400
    /// so a client sending the wrong spelling for a release finds out.
    func search(_ type: String, _ params: [(String, String)], release: FHIRRelease, data: TenantData, req: HTTPRequest) -> (Int, JSONValue) {
        let render = ResourceRenderer(release: release)
        let profile = FHIRProfile.of(release)
        var count: Int? = nil, offset = 0
        var filters: [(String, String)] = []
        var newestFirst: Bool? = nil
        for (k, v) in params {
            switch k {
            case "_count": count = Int(v)
            case "_offset": offset = Int(v) ?? 0
            case "_format": break
            case profile.sortNewestFirst.name where v == profile.sortNewestFirst.value: newestFirst = true
            case "_sort" where v == "date": newestFirst = false
            default: filters.append((k, v))
            }
        }
        func bad(_ m: String) -> (Int, JSONValue) { (400, Self.outcomeJSON("not-supported", m)) }
        var matches: [(Date?, JSONValue)]
        switch type {
        case "Patient":
            var ps = data.patients
            for (k, v) in filters {
                guard let f = PatientFilter(parameter: k, value: v, release: release) else { return bad("Unknown search parameter '\(k)' for Patient") }
                ps = ps.filter(f.matches)
            }
            matches = ps.map { (nil, render.patient($0)) }
        default:
            guard let patientParam = filters.first(where: { ["patient", "subject", "beneficiary", "subscriber"].contains($0.0) }) else {
                return bad("\(type) searches need a patient")
            }
            for (k, v) in filters where k != patientParam.0 {
                let allowed = (type == "Observation" && (k == "category" || k == "code"))
                guard allowed else { return bad("Unknown search parameter '\(k)' for \(type)") }
                if k == "category", v != "vital-signs" { matches = []; return bundle([], total: 0, req: req, release: release, type: type, params: params, offset: 0, count: count) }
                _ = v
            }
            let pid = patientParam.1.replacingOccurrences(of: "Patient/", with: "")
            let supported: Bool
            switch (type, patientParam.0, release) {
            case ("Coverage", "patient", .stu3): supported = false
            case ("Coverage", "beneficiary", .dstu2): supported = false
            case ("Coverage", _, _): supported = true
            case (_, "patient", _), (_, "subject", _): supported = true
            default: supported = false
            }
            guard supported else { return bad("Unknown search parameter '\(patientParam.0)' for \(type) in \(release.rawValue)") }
            guard let p = data.byId[pid] else { return bundle([], total: 0, req: req, release: release, type: type, params: params, offset: 0, count: count) }
            switch type {
            case "Observation":
                var obs = data.observations(p, render)
                if let code = filters.first(where: { $0.0 == "code" })?.1 {
                    obs = obs.filter { $0.1["code"]?["coding"]?[0]?["code"]?.string == code.split(separator: "|").last.map(String.init) }
                }
                matches = obs.map { ($0.0, $0.1) }
            case "Encounter": matches = [(p.encounterStart, render.encounter(p))]
            case "Condition": matches = render.conditions(p).map { (nil, $0) }
            case "AllergyIntolerance": matches = render.allergies(p).map { (nil, $0) }
            case profile.medicationResource: matches = render.medications(p).map { (nil, $0) }
            case "Coverage": matches = [(nil, render.coverage(p))]
            default: return (404, Self.outcomeJSON("not-supported", "Unknown resource type '\(type)' in \(release.rawValue)"))
            }
        }
        if let newestFirst, !configuration.ignoreSort {
            matches.sort { a, b in
                let (x, y) = (a.0 ?? .distantPast, b.0 ?? .distantPast)
                return newestFirst ? x > y : x < y
            }
        } else if newestFirst != nil {
            // --ignore-sort: a server that ignores _sort sends readings oldest first, interleaved.
            matches.sort { ($0.0 ?? .distantPast) < ($1.0 ?? .distantPast) }
        }
        return bundle(matches.map(\.1), total: matches.count, req: req, release: release, type: type, params: params, offset: offset, count: count)
    }

    private func bundle(_ all: [JSONValue], total: Int, req: HTTPRequest, release: FHIRRelease, type: String,
                        params: [(String, String)], offset: Int, count: Int?) -> (Int, JSONValue) {
        let pageSize = max(1, min(count ?? (type == "Patient" ? 50 : 200), 500))
        let page = Array(all.dropFirst(offset).prefix(pageSize))
        let base = baseURL(req, release)
        func url(_ off: Int) -> String {
            var q = params.filter { $0.0 != "_offset" && $0.0 != "_count" }
            q.append(("_count", String(pageSize)))
            if off > 0 { q.append(("_offset", String(off))) }
            let enc = q.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
            return "\(base)/\(type)?\(enc)"
        }
        var links: [JSONValue] = [["relation": "self", "url": .string(url(offset))]]
        if offset + pageSize < all.count { links.append(["relation": "next", "url": .string(url(offset + pageSize))]) }
        let entries: [JSONValue] = page.map { r in
            ["fullUrl": .string("\(base)/\(r["resourceType"]?.string ?? "")/\(r["id"]?.string ?? "")"), "resource": r, "search": ["mode": "match"]]
        }
        return (200, ["resourceType": "Bundle", "id": .string(Digest.randomHex(6)), "type": "searchset",
                      "total": .number(Double(total)), "link": .array(links), "entry": .array(entries)])
    }

    static func encode(_ s: String) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?/")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }

    /// Answers a `batch` Bundle: entry i answers request i.
    func batch(_ req: HTTPRequest, release: FHIRRelease, data: TenantData, _ entry: inout RequestLog.Entry) -> HTTPResponse {
        let json: JSONValue
        do { json = try JSONParser.parse(req.body) } catch { return outcome(400, "structure", "The batch body is not JSON: \(error.description)") }
        guard json["resourceType"]?.string == "Bundle", json["type"]?.string == "batch" else {
            return outcome(400, "structure", "POST to the base needs a Bundle of type 'batch'")
        }
        var out: [JSONValue] = []
        for e in json["entry"]?.list ?? [] {
            let method = e["request"]?["method"]?.string ?? ""
            let url = e["request"]?["url"]?.string ?? ""
            entry.batchURLs.append("\(method) \(url)")
            guard method == "GET" else {
                out.append(["response": ["status": "405 Method Not Allowed"], "resource": Self.outcomeJSON("not-supported", "only GET in a batch")])
                continue
            }
            let (path, query) = HTTPServer.splitTarget(url)
            let segs = path.split(separator: "/").map(String.init)
            let result: (Int, JSONValue)
            if let forced = forcedStatus("/" + release.rawValue.lowercased() + "/" + path) {
                result = (forced, Self.outcomeJSON("transient", "status \(forced) forced by --status for testing"))
            } else if segs.count == 1 {
                result = search(segs[0], query, release: release, data: data, req: req)
            } else if segs.count == 2 {
                result = read(segs[0], id: segs[1], release: release, data: data)
            } else {
                result = (400, Self.outcomeJSON("not-supported", "cannot answer '\(url)'"))
            }
            out.append(["response": ["status": .string("\(result.0) \(HTTPServer.reason(result.0))")], "resource": result.1])
        }
        return .json(200, JSONValue.object(["resourceType": "Bundle", "id": .string(Digest.randomHex(6)), "type": "batch-response", "entry": .array(out)]))
    }
}

/// One Patient search parameter with its matching rule.
struct PatientFilter {
    let matches: (SyntheticPatient) -> Bool

    init?(parameter: String, value: String, release: FHIRRelease) {
        let parts = parameter.split(separator: ":", maxSplits: 1).map(String.init)
        let name = parts[0], modifier = parts.count > 1 ? parts[1] : ""
        let needle = PatientFilter.fold(value)
        func textRule(_ fields: @escaping (SyntheticPatient) -> [String]) -> ((SyntheticPatient) -> Bool)? {
            switch modifier {
            case "": return { p in fields(p).flatMap { $0.split(separator: " ").map(String.init) + [$0] }.contains { PatientFilter.fold($0).hasPrefix(needle) } }
            case "contains": return { p in fields(p).contains { PatientFilter.fold($0).contains(needle) } }
            case "exact": return { p in fields(p).contains { $0 == value } }
            default: return nil
            }
        }
        let rule: ((SyntheticPatient) -> Bool)?
        switch name {
        case "family": rule = textRule { [$0.family] }
        case "given": rule = textRule { $0.given }
        case "name": rule = textRule { [$0.family] + $0.given + ($0.prefix.map { [$0] } ?? []) }
        case "identifier" where modifier.isEmpty:
            let v = value.split(separator: "|").last.map(String.init) ?? value
            rule = { $0.mrn == v || $0.ssn == v }
        case "birthdate" where modifier.isEmpty:
            let v = value.hasPrefix("eq") ? String(value.dropFirst(2)) : value
            rule = { $0.birthDate == v }
        case "gender" where modifier.isEmpty: rule = { $0.gender == value.lowercased() }
        case "_id" where modifier.isEmpty: rule = { $0.id == value }
        default: rule = nil
        }
        guard let rule else { return nil }
        matches = rule
    }

    /// Case- and accent-insensitive form (FHIR string search).
    static func fold(_ s: String) -> String {
        s.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: Locale(identifier: "en_US_POSIX"))
    }
}

/// The sandbox's version, in its capability statement.
public enum RoundsSandboxVersion {
    public static let string = "0.1.0"
}
