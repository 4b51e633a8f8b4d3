import Clinical
import Foundation
import JSONKit

/// What lets a client ask "what changed since?": `meta.versionId` and `meta.lastUpdated` on every
/// resource, the `_lastUpdated` search parameter, `ETag` / `Last-Modified` on reads and conditional
/// reads (`If-None-Match`, `If-Modified-Since`, plain and inside a batch), and readings added while
/// the server runs. A strict server (`--strict`) has none of it: it refuses `_lastUpdated` as an
/// unknown parameter and answers every read in full; `--ignore-last-updated` declares the parameter
/// and ignores it, as a server that claims more than it does.
extension SandboxServer {
    /// The server answers conditional reads and `_lastUpdated`.
    var offersIncremental: Bool { !configuration.strict }

    /// A resource with `meta.versionId` and `meta.lastUpdated` (the synthetic records were last
    /// written at `dataAsOf`; a reading added since carries its own).
    func stamped(_ resource: JSONValue) -> JSONValue {
        guard case .object(var object) = resource, object["meta"]?["lastUpdated"] == nil else { return resource }
        var meta: JSONObject = [:]
        meta["versionId"] = "1"
        meta["lastUpdated"] = .string(dataAsOfStamp)
        object["meta"] = .object(meta)
        return .object(object)
    }

    /// The ETag of a read, `W/"versionId"`.
    static func etag(_ resource: JSONValue) -> String? {
        resource["meta"]?["versionId"]?.string.map { "W/\"\($0)\"" }
    }

    static func lastModified(_ resource: JSONValue) -> Date? {
        resource["meta"]?["lastUpdated"]?.string.flatMap { FHIRDate($0).instant }
    }

    /// Whether a conditional read is answered `304 Not Modified`: the client's `If-None-Match`
    /// names this version, or its `If-Modified-Since` is not older than the last change.
    func notModified(_ resource: JSONValue, ifNoneMatch: String?, ifModifiedSince: String?) -> Bool {
        guard offersIncremental else { return false }
        if let ifNoneMatch, let tag = Self.etag(resource) {
            return ifNoneMatch.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == tag }
        }
        // An HTTP date in the header; a FHIR instant in a batch entry's `request.ifModifiedSince`.
        if let ifModifiedSince, let since = HTTPDate.parse(ifModifiedSince) ?? FHIRDate(ifModifiedSince).instant,
            let changed = Self.lastModified(resource)
        {
            return changed.timeIntervalSince1970.rounded(.down) <= since.timeIntervalSince1970
        }
        return false
    }

    /// The headers of a read's answer.
    func readHeaders(_ resource: JSONValue) -> [String: String] {
        guard offersIncremental else { return [:] }
        var headers: [String: String] = [:]
        if let tag = Self.etag(resource) { headers["ETag"] = tag }
        if let changed = Self.lastModified(resource) { headers["Last-Modified"] = HTTPDate.string(changed) }
        return headers
    }

    /// A read over HTTP, answering `If-None-Match` / `If-Modified-Since`.
    func conditionalRead(_ req: HTTPRequest, _ type: String, id: String, release: FHIRRelease, data: TenantData)
        -> HTTPResponse
    {
        let (status, resource) = read(type, id: id, release: release, data: data)
        guard status == 200 else { return wrap((status, resource)) }
        let headers = readHeaders(resource)
        if notModified(
            resource, ifNoneMatch: req.header("If-None-Match"), ifModifiedSince: req.header("If-Modified-Since"))
        {
            return HTTPResponse(status: 304, headers: headers)
        }
        var response = wrap((status, resource))
        for (name, value) in headers { response.headers[name] = value }
        return response
    }

    /// `_lastUpdated=gt2026-12-02T10:00:00Z` (and `ge`, `lt`, `le`, `eq`, none = `eq`) as a rule on
    /// a resource's `meta.lastUpdated`; `nil` when the value is not a date.
    static func lastUpdatedRule(_ value: String) -> ((JSONValue) -> Bool)? {
        let prefixes = ["gt", "ge", "lt", "le", "eq"]
        let prefix = prefixes.first { value.hasPrefix($0) } ?? "eq"
        let text = prefixes.contains(String(value.prefix(2))) ? String(value.dropFirst(2)) : value
        guard let boundDate = FHIRDate(text).instant else { return nil }
        let bound = boundDate.timeIntervalSince1970.rounded(.down)
        // Stamps this server wrote itself are compared as text (same UTC format, same length):
        // parsing each of a ward's readings on every question cost more than the rest.
        let boundText = FHIRTime.string(boundDate)
        return { resource in
            guard let stamp = resource["meta"]?["lastUpdated"]?.string else { return false }
            let changed: Double
            if stamp.utf8.count == boundText.utf8.count, stamp.hasSuffix("Z") {
                changed = stamp < boundText ? bound - 1 : (stamp == boundText ? bound : bound + 1)
            } else if let parsed = FHIRDate(stamp).instant?.timeIntervalSince1970 {
                changed = parsed
            } else {
                return false
            }
            switch prefix {
            case "gt": return changed > bound
            case "ge": return changed >= bound
            case "lt": return changed < bound
            case "le": return changed <= bound
            default: return changed == bound
            }
        }
    }

    /// Adds a vital-sign reading taken now to each of `patientIds` of `tenant` (as a monitor
    /// charting while Rounds runs); the patients not known are left out. Returns how many got one.
    @discardableResult
    public func addReadings(
        tenant: String, patientIds: [String], code: String, value: Double, unit: String, display: String? = nil
    ) -> Int {
        let data = tenantData(tenant)
        var added = 0
        let now = Date()
        for id in patientIds where data.byId[id] != nil {
            let vital = SyntheticPatient.Vital(
                time: now, code: code, display: display ?? code, value: value, unit: unit)
            data.add(vital, to: id, at: now)
            added += 1
        }
        return added
    }

    /// `POST /_admin/readings` with `{"tenant": …, "patients": [ids], "code": LOINC, "value": n,
    /// "unit": …}`: the HTTP way to `addReadings`, for the bench and a person trying the sandbox.
    func adminReadings(_ req: HTTPRequest) -> HTTPResponse {
        let body: JSONValue
        do { body = try JSONParser.parse(req.body) } catch {
            return outcome(400, "structure", "The body is not JSON: \(error.description)")
        }
        guard let tenant = body["tenant"]?.string, let ids = body["patients"]?.array?.compactMap(\.string),
            let code = body["code"]?.string, let value = body["value"]?.double, let unit = body["unit"]?.string
        else {
            return outcome(400, "required", "give tenant, patients (a list of ids), code, value and unit")
        }
        let added = addReadings(
            tenant: tenant, patientIds: ids, code: code, value: value, unit: unit, display: body["display"]?.string)
        return .json(200, ["added": .number(Double(added))])
    }
}

extension TenantData {
    /// Readings added while the server runs, as Observations of one release, each stamped with
    /// the time it was added.
    func addedObservations(_ p: SyntheticPatient, _ render: ResourceRenderer) -> [(Date, JSONValue)] {
        addedReadings(p.id).enumerated().map { index, reading in
            var observation = render.observation(p, reading.vital, id: "\(p.id)-new-\(index)")
            if case .object(var object) = observation {
                object["meta"] = ["versionId": "1", "lastUpdated": .string(FHIRTime.string(reading.added))]
                observation = .object(object)
            }
            return (reading.vital.time, observation)
        }
    }
}
