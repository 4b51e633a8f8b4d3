import Clinical
import FHIRAdapters
import Foundation

extension SandboxServer {
    /// The renderer for one release, with this server's record profile.
    func renderer(_ release: FHIRRelease) -> ResourceRenderer {
        ResourceRenderer(
            release: release, history: configuration.history, usCoreOxygen: configuration.usCoreOxygen,
            dataAsOf: dataAsOf)
    }

    /// The search parameters each resource type understands here (beside `_count`, `_sort`…).
    func searchParameters(_ type: String, _ release: FHIRRelease) -> Set<String> {
        switch type {
        case "Patient": return ["family", "given", "name", "identifier", "birthdate", "gender", "_id"]
        case "Observation": return ["patient", "subject", "category", "code"]
        case "Coverage":
            // DSTU2 defines no patient search on Coverage; the contract asks partners for
            // `patient` anyway, so only a strict DSTU2 server refuses it.
            if release == .dstu2 { return configuration.strict ? ["subscriber"] : ["patient", "subscriber"] }
            return release == .stu3 ? ["beneficiary", "subscriber"] : ["patient", "beneficiary", "subscriber"]
        default: return ["patient", "subject"]
        }
    }

    /// The capability statement of one base, with the oauth-uris extension and `batch`. Only what
    /// this server answers is declared: reads of Patient, Location and Organization, searches of
    /// the section types.
    func capability(_ release: FHIRRelease, _ req: HTTPRequest) -> JSONValue {
        let profile = FHIRProfile.of(release)
        let searched = [
            "Patient", "Observation", "Encounter", "Condition", "AllergyIntolerance", profile.medicationResource,
            "Coverage",
        ]
        let readOnly = ["Location", "Organization"]
        let resources: [JSONValue] =
            searched.map { t in
                var interactions: [JSONValue] = [["code": "search-type"]]
                if t == "Patient" { interactions.insert(["code": "read"], at: 0) }
                var names = configuration.listsSearchParameters ? searchParameters(t, release).sorted() : []
                if offersIncremental { names.append("_lastUpdated") }
                let params = names.map { name -> JSONValue in
                    ["name": .string(name), "type": .string(Self.parameterType(name))]
                }
                return ["type": .string(t), "interaction": .array(interactions), "searchParam": .array(params)]
            } + readOnly.map { t in ["type": .string(t), "interaction": [["code": "read"]]] }
        var rest: JSONObject = ["mode": "server", "resource": .array(resources)]
        if !configuration.noBatch { rest["interaction"] = [["code": "batch"]] }
        if configuration.discovery == .extension {
            rest["security"] = [
                "service": [
                    ["coding": [["system": "http://hl7.org/fhir/restful-security-service", "code": "SMART-on-FHIR"]]]
                ],
                "extension": [
                    [
                        "url": "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris",
                        "extension": [["url": "token", "valueUri": .string(tokenURL(req))]],
                    ]
                ],
            ]
        }
        let version: String
        switch release {
        case .dstu2: version = "1.0.2"
        case .stu3: version = "3.0.1"
        case .r4: version = "4.0.1"
        }
        var statement: JSONObject = [
            "resourceType": .string(profile.capabilityResource), "status": "active", "date": "2026-11-01",
            "kind": "instance", "fhirVersion": .string(version), "format": ["json"],
            "software": ["name": "rounds-sandbox", "version": .string(RoundsSandboxVersion.string)],
            "implementation": ["description": "rounds-sandbox", "url": .string(baseURL(req, release))],
            "rest": [.object(rest)],
        ]
        // DSTU2 and STU3 require it; R4 dropped the element.
        if release != .r4 { statement["acceptUnknown"] = "no" }
        return .object(statement)
    }

    static func parameterType(_ name: String) -> String {
        switch name {
        case "family", "given", "name": return "string"
        case "birthdate", "_lastUpdated": return "date"
        case "patient", "subject", "beneficiary", "subscriber": return "reference"
        default: return "token"
        }
    }

    func read(_ type: String, id: String, release: FHIRRelease, data: TenantData) -> (Int, JSONValue) {
        let (status, resource) = unstampedRead(type, id: id, release: release, data: data)
        return (status, status == 200 ? stamped(resource) : resource)
    }

    private func unstampedRead(_ type: String, id: String, release: FHIRRelease, data: TenantData) -> (
        Int, JSONValue
    ) {
        let render = renderer(release)
        switch type {
        case "Patient":
            guard let p = data.byId[id] else {
                return (404, Self.outcomeJSON("not-found", "Patient/\(id) is not known"))
            }
            return (200, render.patient(p))
        case "Location":
            if id.hasSuffix("-bed"), let p = data.byId[String(id.dropLast(4))] {
                return (200, render.location(p, ward: false))
            }
            if let p = data.patients.first(where: { SyntheticPopulation.wardId(SyntheticPopulation.unit(of: $0)) == id }
            ) {
                return (200, render.location(p, ward: true))
            }
            return (404, Self.outcomeJSON("not-found", "Location/\(id) is not known"))
        case "Organization":
            let names = SyntheticPopulation.payors.map(\.0)
            guard let name = names.first(where: { SyntheticPopulation.organizationId($0) == id }) else {
                return (404, Self.outcomeJSON("not-found", "Organization/\(id) is not known"))
            }
            return (200, render.organization(id: id, name: name))
        default:
            return (404, Self.outcomeJSON("not-supported", "read of \(type) is not supported"))
        }
    }

    /// A search with the per-release semantics of interface.md §2–3, answering as a server does:
    /// unknown parameters are ignored and left out of the self link (a strict server refuses
    /// them with a 400), `birthdate` takes prefixes and partial dates, tokens take `system|code`.
    func search(_ type: String, _ params: [(String, String)], release: FHIRRelease, data: TenantData, req: HTTPRequest)
        -> (Int, JSONValue)
    {
        let render = renderer(release)
        let profile = FHIRProfile.of(release)
        var count: Int? = nil
        var offset = 0
        var filters: [(String, String)] = []
        var applied: [(String, String)] = []
        var newestFirst: Bool? = nil
        var changedSince: ((JSONValue) -> Bool)? = nil
        func bad(_ m: String) -> (Int, JSONValue) { (400, Self.outcomeJSON("not-supported", m)) }
        let known = searchParameters(type, release)
        for (k, v) in params {
            switch k {
            case "_count": count = Int(v)
            case "_offset": offset = Int(v) ?? 0
            case "_format": break
            case profile.sortNewestFirst.name where v == profile.sortNewestFirst.value:
                newestFirst = true
                applied.append((k, v))
            case "_sort" where v == "date":
                newestFirst = false
                applied.append((k, v))
            case "_lastUpdated" where offersIncremental:
                // `--ignore-last-updated`: declared, not applied, and so left out of the self link.
                if configuration.ignoreLastUpdated { continue }
                guard let rule = Self.lastUpdatedRule(v) else { return bad("'_lastUpdated=\(v)' is not a date") }
                changedSince = rule
                applied.append((k, v))
            default:
                let colon = k.firstIndex(of: ":")
                let name = String(k[..<(colon ?? k.endIndex)])
                let modifier = colon.map { String(k[k.index(after: $0)...]) } ?? ""
                guard known.contains(name) else {
                    if configuration.strict {
                        return bad("Unknown search parameter '\(k)' for \(type) in \(release.rawValue)")
                    }
                    continue
                }
                if modifier == "contains", configuration.noContains {
                    return bad("The ':contains' modifier is not supported for '\(name)'")
                }
                filters.append((k, v))
                applied.append((k, v))
            }
        }
        var matches: [(Date?, JSONValue)]
        switch type {
        case "Patient":
            var ps = data.patients
            for (k, v) in filters {
                guard let f = PatientFilter(parameter: k, value: v, release: release) else {
                    if configuration.strict { return bad("Unsupported search '\(k)=\(v)' for Patient") }
                    continue
                }
                ps = ps.filter(f.matches)
            }
            matches = ps.map { (nil, render.patient($0)) }
        default:
            guard
                let patientParam = filters.first(where: {
                    ["patient", "subject", "beneficiary", "subscriber"].contains($0.0)
                })
            else {
                return bad("\(type) searches need a patient")
            }
            let reference = patientParam.1
            let hasSlash = reference.utf8.contains(UInt8(ascii: "/"))
            let pid = hasSlash ? reference.replacingOccurrences(of: "Patient/", with: "") : reference
            guard let p = data.byId[pid] else {
                return bundle(
                    [], total: 0, req: req, release: release, type: type, params: applied, offset: 0, count: count)
            }
            switch type {
            case "Observation":
                let readings = data.observations(p, render)
                // What changed first (a refresh asks for every patient's readings): no copy of
                // those it leaves out.
                let kept = changedSince.map { rule in readings.filter { rule(stamped($0.1)) } } ?? readings
                matches = kept.map { ($0.0, $0.1) }
            case "Encounter": matches = render.encounters(p)
            case "Condition": matches = render.conditions(p).map { (nil, $0) }
            case "AllergyIntolerance": matches = render.allergies(p).map { (nil, $0) }
            case profile.medicationResource: matches = render.medications(p).map { (nil, $0) }
            case "Coverage": matches = [(nil, render.coverage(p))]
            default:
                return (
                    404, Self.outcomeJSON("not-supported", "Unknown resource type '\(type)' in \(release.rawValue)")
                )
            }
        }
        // What changed first: on a refresh it leaves nothing for the token filters to read, or to
        // stamp (readings were filtered as they were taken).
        if let changedSince, type != "Observation" { matches = matches.filter { changedSince(stamped($0.1)) } }
        matches = matches.map { ($0.0, stamped($0.1)) }
        if type == "Observation" {
            for (k, v) in filters where k == "category" || k == "code" {
                let token = SearchToken(v)
                matches = matches.filter {
                    token.matches(k == "category" ? Self.categories($0.1) : ($0.1["code"]?["coding"]?.list ?? []))
                }
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
        return bundle(
            matches.map(\.1), total: matches.count, req: req, release: release, type: type, params: applied,
            offset: offset, count: count)
    }

    /// The codings of an Observation's category (an object in DSTU2, a list since STU3).
    static func categories(_ r: JSONValue) -> [JSONValue] {
        let concepts = r["category"]?.list ?? []
        return concepts.flatMap { $0["coding"]?.list ?? [] }
    }

    private func bundle(
        _ all: [JSONValue], total: Int, req: HTTPRequest, release: FHIRRelease, type: String,
        params: [(String, String)], offset: Int, count: Int?
    ) -> (Int, JSONValue) {
        let asked = count ?? (type == "Patient" ? 50 : 200)
        let pageSize = max(1, min(asked, configuration.pageSize ?? 500))
        let page = Array(all.dropFirst(offset).prefix(pageSize))
        let base =
            configuration.nextLinkOrigin.map { $0 + "/" + release.rawValue.lowercased() } ?? baseURL(req, release)
        func url(_ off: Int) -> String {
            var q = params.filter { $0.0 != "_offset" && $0.0 != "_count" }
            q.append(("_count", String(pageSize)))
            if off > 0 { q.append(("_offset", String(off))) }
            let enc = q.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
            return "\(base)/\(type)?\(enc)"
        }
        var links: [JSONValue] = [["relation": "self", "url": .string(url(offset))]]
        if configuration.chaos == .endlessNext {
            links.append(["relation": "next", "url": .string(url(offset))])
        } else if offset + pageSize < all.count {
            links.append(["relation": "next", "url": .string(url(offset + pageSize))])
        }
        let entries: [JSONValue] = page.map { r in
            [
                "fullUrl": .string("\(base)/\(r["resourceType"]?.string ?? "")/\(r["id"]?.string ?? "")"),
                "resource": r, "search": ["mode": "match"],
            ]
        }
        var bundle: JSONObject = [
            "resourceType": "Bundle", "id": .string(Digest.randomHex(6)), "type": "searchset",
            "total": .number(Double(total)), "link": .array(links),
        ]
        // An empty searchset has no `entry` (FHIR forbids empty arrays).
        if !entries.isEmpty { bundle["entry"] = .array(entries) }
        return (200, .object(bundle))
    }

    /// A query name or value for a link: what a query allows but the separators `&=+?/`.
    static func encode(_ s: String) -> String { PercentEncoding.encode(s, keeping: queryAllowed) }

    /// RFC 3986's unreserved bytes and the sub-delimiters a query keeps as they are.
    private static let queryAllowed = PercentEncoding.keeping("!$'()*,;:@")

    /// Answers a `batch` Bundle: entry i answers request i.
    func batch(_ req: HTTPRequest, release: FHIRRelease, data: TenantData, _ entry: inout RequestLog.Entry)
        -> HTTPResponse
    {
        let json: JSONValue
        do { json = try JSONParser.parse(req.body) } catch {
            return outcome(400, "structure", "The batch body is not JSON: \(error.description)")
        }
        guard json["resourceType"]?.string == "Bundle", json["type"]?.string == "batch" else {
            return outcome(400, "structure", "POST to the base needs a Bundle of type 'batch'")
        }
        let requested = json["entry"]?.list ?? []
        if let limit = configuration.maxBatchEntries, requested.count > limit {
            entry.batchURLs = requested.map {
                "\($0["request"]?["method"]?.string ?? "") \($0["request"]?["url"]?.string ?? "")"
            }
            return outcome(413, "too-costly", "a batch may hold at most \(limit) entries, not \(requested.count)")
        }
        var out: [JSONValue] = []
        for e in requested {
            let method = e["request"]?["method"]?.string ?? ""
            let url = e["request"]?["url"]?.string ?? ""
            entry.batchURLs.append("\(method) \(url)")
            guard method == "GET" else {
                out.append([
                    "response": ["status": "405 Method Not Allowed"],
                    "resource": Self.outcomeJSON("not-supported", "only GET in a batch"),
                ])
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
                let request = e["request"]
                if result.0 == 200,
                    notModified(
                        result.1, ifNoneMatch: request?["ifNoneMatch"]?.string,
                        ifModifiedSince: request?["ifModifiedSince"]?.string)
                {
                    var response: JSONObject = ["status": "304 Not Modified"]
                    if let tag = Self.etag(result.1) { response["etag"] = .string(tag) }
                    out.append(["response": .object(response)])
                    continue
                }
            } else {
                result = (400, Self.outcomeJSON("not-supported", "cannot answer '\(url)'"))
            }
            out.append([
                "response": ["status": .string("\(result.0) \(HTTPServer.reason(result.0))")], "resource": result.1,
            ])
        }
        return .json(
            200,
            JSONValue.object([
                "resourceType": "Bundle", "id": .string(Digest.randomHex(6)), "type": "batch-response",
                "entry": .array(out),
            ]))
    }
}

/// One Patient search parameter with its matching rule.
struct PatientFilter {
    let matches: (SyntheticPatient) -> Bool

    init?(parameter: String, value: String, release: FHIRRelease) {
        let parts = parameter.split(separator: ":", maxSplits: 1).map(String.init)
        let name = parts[0]
        let modifier = parts.count > 1 ? parts[1] : ""
        let needle = PatientFilter.fold(value)
        func textRule(_ fields: @escaping (SyntheticPatient) -> [String]) -> ((SyntheticPatient) -> Bool)? {
            switch modifier {
            case "":
                return { p in
                    fields(p).flatMap { $0.split(separator: " ").map(String.init) + [$0] }.contains {
                        PatientFilter.fold($0).hasPrefix(needle)
                    }
                }
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
            let parts = value.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let v = parts.last ?? value
            let system = parts.count == 2 && !parts[0].isEmpty ? parts[0] : nil
            rule = { p in
                let mrn = p.mrn == v && (system == nil || system == SyntheticPopulation.mrnSystem)
                let ssn = p.ssn == v && (system == nil || system == "http://hl7.org/fhir/sid/us-ssn")
                return mrn || ssn
            }
        case "birthdate" where modifier.isEmpty:
            guard let match = PatientFilter.dateRule(value) else { return nil }
            rule = { match($0.birthDate) }
        case "gender" where modifier.isEmpty: rule = { $0.gender == value.lowercased() }
        case "_id" where modifier.isEmpty: rule = { $0.id == value }
        default: rule = nil
        }
        guard let rule else { return nil }
        matches = rule
    }

    /// A `date` search: an optional prefix (eq, ne, gt, lt, ge, le) and a year, month or day.
    /// `1996` is the whole year; `ge1996-01-01` every date from it on.
    static func dateRule(_ value: String) -> ((String) -> Bool)? {
        let prefixes = ["eq", "ne", "gt", "lt", "ge", "le"]
        let prefix = prefixes.first { value.hasPrefix($0) } ?? "eq"
        let date = prefixes.contains(String(value.prefix(2))) ? String(value.dropFirst(2)) : value
        guard FHIRDate(date).precision != .unparsed, date.count <= 10 else { return nil }
        return { birth in
            let within = birth.hasPrefix(date)
            switch prefix {
            case "eq": return within
            case "ne": return !within
            case "gt": return !within && birth > date
            case "lt": return !within && birth < date
            case "ge": return within || birth > date
            default: return within || birth < date
            }
        }
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

/// A token search value, `code`, `system|code` or `|code`, split once for all the resources it is
/// matched against.
struct SearchToken {
    let system: String?
    let code: String

    init(_ value: String) {
        let parts = value.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        system = parts.count == 2 ? parts[0] : nil
        code = parts.last ?? value
    }

    func matches(_ codings: [JSONValue]) -> Bool {
        codings.contains { coding in
            guard coding["code"]?.string == code else { return false }
            guard let system else { return true }
            return system.isEmpty ? coding["system"] == nil : coding["system"]?.string == system
        }
    }
}
