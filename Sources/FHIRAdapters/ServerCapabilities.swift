import Clinical

/// What a server declares in its Conformance / CapabilityStatement (`GET /metadata`).
public struct ServerCapabilities: Sendable, Equatable, Codable {
    /// `fhirVersion` exactly as declared (may be empty).
    public var declaredVersion: String
    /// The release Rounds will speak, or `nil` when the declared version is not one Rounds supports.
    public var release: FHIRRelease?
    public var resourceType: String
    public var software: String?
    /// Resource type → interactions declared for it (`read`, `search-type`…).
    public var resources: [String: [String]]
    /// Whole-system interactions (`batch`, `transaction`…).
    public var systemInteractions: [String]
    public var tokenURL: String?
    public var authorizeURL: String?
    public var securityServices: [String]
    /// The resource types whose `searchParam` list `_lastUpdated` ("*" when `rest.searchParam`
    /// lists it for every type). Optional: saved connections from before do not have it.
    public var lastUpdatedTypes: [String]?
    /// Resource type → the search parameters it lists (types listing none are left out).
    /// Optional: saved connections from before do not have it.
    public var searchParams: [String: [String]]?

    public var supportsBatch: Bool { systemInteractions.contains("batch") }

    /// Whether searches of `type` by `parameter` are declared; `nil` when the server lists no
    /// parameters for the type (nothing is known, so nothing is ruled out).
    public func declaresSearch(_ type: String, by parameter: String) -> Bool? {
        guard let listed = searchParams?[type], !listed.isEmpty else { return nil }
        return listed.contains(parameter)
    }

    /// Whether `type` is listed; a server that lists no resources at all is taken at its word
    /// that it lists nothing, i.e. no restriction is known.
    public func supports(_ type: String) -> Bool { resources.isEmpty || resources[type] != nil }

    /// Whether the server declares `_lastUpdated` for searches of `type`.
    public func declaresLastUpdated(_ type: String) -> Bool {
        let types = lastUpdatedTypes ?? []
        return types.contains("*") || types.contains(type)
    }

    /// Reads a capability resource of any release; never throws for a well-formed object.
    public init(json r: JSONNode) {
        declaredVersion = r["fhirVersion"]?.text ?? ""
        resourceType = r["resourceType"]?.string ?? ""
        software = r["software"]?["name"]?.string.map { n in
            [n, r["software"]?["version"]?.string].compactMap { $0 }.joined(separator: " ")
        }
        if let v = VersionDetector.release(declared: declaredVersion) {
            release = v
        } else if declaredVersion.isEmpty {
            // No version at all: the resource's name is the best evidence left.
            release = resourceType == "Conformance" ? .dstu2 : (resourceType == "CapabilityStatement" ? .stu3 : nil)
        } else {
            release = nil
        }
        let rests = r["rest"]?.list ?? .empty
        let rest = rests.first { $0["mode"]?.string == "server" } ?? rests.first
        var res: [String: [String]] = [:]
        var params: [String: [String]] = [:]
        var lastUpdated: [String] = []
        func listsLastUpdated(_ params: JSONNode?) -> Bool {
            (params?.list ?? .empty).contains { $0["name"]?.string == "_lastUpdated" }
        }
        if listsLastUpdated(rest?["searchParam"]) { lastUpdated.append("*") }
        for item in rest?["resource"]?.list ?? .empty {
            guard let t = item["type"]?.string else { continue }
            res[t] = (item["interaction"]?.list ?? .empty).compactMap { $0["code"]?.string }
            if listsLastUpdated(item["searchParam"]) { lastUpdated.append(t) }
            let names = (item["searchParam"]?.list ?? .empty).compactMap { $0["name"]?.string }
            if !names.isEmpty { params[t] = names }
        }
        lastUpdatedTypes = lastUpdated
        searchParams = params
        resources = res
        systemInteractions = (rest?["interaction"]?.list ?? .empty).compactMap { $0["code"]?.string }
        var token: String?
        var authorize: String?
        let security = rest?["security"]
        for ext in security?["extension"]?.list ?? .empty {
            let url = ext["url"]?.string ?? ""
            if url.hasSuffix("/oauth-uris") {
                for sub in ext["extension"]?.list ?? .empty {
                    let u = sub["valueUri"]?.string ?? sub["valueUrl"]?.string
                    switch sub["url"]?.string {
                    case "token": token = token ?? u
                    case "authorize": authorize = authorize ?? u
                    default: break
                    }
                }
            } else if url.hasSuffix("oauth-uris#token") {
                token = token ?? ext["valueUri"]?.string
            } else if url.hasSuffix("oauth-uris#authorize") {
                authorize = authorize ?? ext["valueUri"]?.string
            }
        }
        tokenURL = token
        authorizeURL = authorize
        securityServices = (security?["service"]?.list ?? .empty).compactMap { s in
            s["coding"]?[0]?["code"]?.string ?? s["text"]?.string
        }
    }
}
