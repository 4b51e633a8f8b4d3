import Clinical
import FHIRAdapters
import Foundation
import JOSE

/// The partner side in miniature: `/dstu2`, `/stu3`, `/r4` bases, a client-credentials token
/// endpoint routing each token to its tenant's data set, and fault injection for tests.
public final class SandboxServer: @unchecked Sendable {
    public let configuration: SandboxConfiguration
    private let lock = NSLock()
    private var registry: ClientRegistry
    private var registryStamp: Date?
    private var tokens: [String: Token] = [:]
    private var tenants: [String: TenantData] = [:]
    private var warming: Set<String> = []
    /// `jti`s of client assertions already used, with when they expire (replays are refused).
    private var usedAssertions: [String: Date] = [:]
    private var faultRNG: Mix64
    private let anchor: Date
    /// When the synthetic records were last written (`meta.lastUpdated`): before the server
    /// started, so a change made while it runs is always later.
    let dataAsOf: Date
    /// `dataAsOf` as the stamp a resource carries, written once.
    let dataAsOfStamp: String
    private let log: RequestLog?
    private var http: HTTPServer?
    /// What the chaos profiles' streamed answers got out before the client hung up.
    public let streamed = StreamMeter()

    struct Token {
        var clientId: String
        var tenant: String
        var expires: Date
        var generation: Int
    }

    public init(configuration: SandboxConfiguration) throws {
        self.configuration = configuration
        registry = try ClientRegistry(stateDirectory: configuration.stateDirectory)
        faultRNG = Mix64(seed: configuration.seed &+ 7)
        // Vitals end on the last whole hour so data is recent whenever the demo runs.
        let now = Date().timeIntervalSince1970
        anchor = Date(timeIntervalSince1970: (now / 3600).rounded(.down) * 3600)
        dataAsOf = min(anchor, Date(timeIntervalSince1970: now - 60))
        dataAsOfStamp = FHIRTime.string(dataAsOf)
        log = try configuration.logPath.map(RequestLog.init(path:))
    }

    /// Starts listening; returns the port.
    @discardableResult
    public func start(host: String = "127.0.0.1", port: UInt16 = 0) throws -> UInt16 {
        let server = HTTPServer { [self] in handle($0) }
        try server.start(host: host, port: port)
        http = server
        return server.port
    }

    public func stop() { http?.stop() }

    /// Makes every token issued so far expired now, as a server that ends sessions early does:
    /// the next request with one gets a real 401 (tests of renewal, without waiting for a TTL).
    public func expireTokens() {
        lock.lock()
        defer { lock.unlock() }
        for key in tokens.keys { tokens[key]?.expires = Date.distantPast }
    }

    /// Reads the client registry again now (`rounds-sandbox client …` changed it), instead of on
    /// the next request that sees a newer modification time.
    public func reloadRegistry() throws {
        let fresh = try ClientRegistry(stateDirectory: configuration.stateDirectory)
        lock.lock()
        defer { lock.unlock() }
        registry = fresh
        registryStamp = (try? FileManager.default.attributesOfItem(atPath: fresh.path))?[.modificationDate] as? Date
    }

    // MARK: routing

    func handle(_ req: HTTPRequest) -> HTTPResponse {
        if configuration.latencyMs > 0 { usleep(useconds_t(configuration.latencyMs * 1000)) }
        var entry = RequestLog.Entry(request: req)
        let response = route(req, &entry)
        entry.status = response.status
        log?.append(entry)
        return response
    }

    private func route(_ req: HTTPRequest, _ entry: inout RequestLog.Entry) -> HTTPResponse {
        let parts = req.path.split(separator: "/").map(String.init)
        if req.path == "/oauth/token" { return tokenEndpoint(req, &entry) }
        if req.path == "/_admin/readings", req.method == "POST" { return adminReadings(req) }
        guard let first = parts.first, let release = SandboxServer.release(first) else {
            return outcome(404, "not-found", "No FHIR base at '\(req.path)'. Bases: /dstu2, /stu3, /r4.")
        }
        let rest = Array(parts.dropFirst())
        if rest == ["metadata"], req.method == "GET" {
            warmInBackground(release)
            return .json(200, capability(release, req))
        }
        if rest == [".well-known", "smart-configuration"] {
            guard configuration.discovery != .none else { return outcome(404, "not-found", "no SMART configuration") }
            let methods = JSONValue.array(configuration.authMethods.map(JSONValue.string))
            let configuration: JSONValue = [
                "token_endpoint": .string(tokenURL(req)), "grant_types_supported": ["client_credentials"],
                "token_endpoint_auth_methods_supported": methods,
                "token_endpoint_auth_signing_alg_values_supported": ["ES384", "RS384"],
                "scopes_supported": ["system/*.read"], "capabilities": ["client-confidential-asymmetric"],
            ]
            return .json(200, configuration.serialized, contentType: "application/json")
        }
        if let forced = forcedStatus(req.path) {
            return outcome(forced, "transient", "status \(forced) forced by --status for testing")
        }
        // Everything below holds PHI and needs a token.
        let tenant: String
        switch authorize(req) {
        case .success(let t):
            tenant = t
            entry.tenant = t
        case .failure(let r): return r
        }
        if configuration.failRate > 0, roll() < configuration.failRate {
            return outcome(500, "exception", "injected failure (--fail-rate)")
        }
        let data = tenantData(tenant)
        var response: HTTPResponse
        if rest.isEmpty, req.method == "POST" {
            if configuration.noBatch { return outcome(405, "not-supported", "batch is not supported by this server") }
            response = batch(req, release: release, data: data, &entry)
        } else if rest == ["Patient", "_search"], req.method == "POST" {
            let form = HTTPServer.parseForm(String(decoding: req.body, as: UTF8.self))
            entry.form = form
            response = wrap(search("Patient", form, release: release, data: data, req: req))
        } else if rest.count == 1, req.method == "GET" {
            response = wrap(search(rest[0], req.query, release: release, data: data, req: req))
        } else if rest.count == 2, req.method == "GET" {
            response = conditionalRead(req, rest[0], id: rest[1], release: release, data: data)
        } else {
            response = outcome(405, "not-supported", "\(req.method) \(req.path) is not supported")
        }
        if let chaotic = chaosAnswer(response) { response = chaotic }
        if configuration.malformedRate > 0, response.status == 200, roll() < configuration.malformedRate {
            response.body = response.body.prefix(max(1, response.body.count / 2))
        }
        return response
    }

    static func release(_ s: String) -> FHIRRelease? {
        switch s {
        case "dstu2": return .dstu2
        case "stu3": return .stu3
        case "r4": return .r4
        default: return nil
        }
    }

    private func roll() -> Double {
        lock.lock()
        defer { lock.unlock() }
        return Double(faultRNG.next() % 10_000) / 10_000
    }

    func forcedStatus(_ path: String) -> Int? {
        // Asked for every entry of every batch; most runs force nothing.
        guard !configuration.statusOverrides.isEmpty else { return nil }
        let type = path.split(separator: "/").dropFirst().first.map(String.init)
        return configuration.statusOverrides.first { p, _ in path.hasSuffix(p) || type == p }?.1
    }

    func wrap(_ r: (Int, JSONValue)) -> HTTPResponse { .json(r.0, r.1) }

    func outcome(_ status: Int, _ code: String, _ text: String) -> HTTPResponse {
        var r = HTTPResponse.json(status, SandboxServer.outcomeJSON(code, text).serialized)
        if status == 401 { r.headers["WWW-Authenticate"] = "Bearer realm=\"rounds-sandbox\", error=\"invalid_token\"" }
        if status == 429 || status == 503 { r.headers["Retry-After"] = String(configuration.retryAfterSeconds) }
        return r
    }

    static func outcomeJSON(_ code: String, _ text: String) -> JSONValue {
        [
            "resourceType": "OperationOutcome",
            "issue": [["severity": "error", "code": .string(code), "diagnostics": .string(text)]],
        ]
    }

    func baseURL(_ req: HTTPRequest, _ release: FHIRRelease) -> String {
        "http://\(req.header("host") ?? "127.0.0.1")/\(release.rawValue.lowercased())"
    }

    func tokenURL(_ req: HTTPRequest) -> String {
        chaosTokenURL(req) ?? "http://\(req.header("host") ?? "127.0.0.1")/oauth/token"
    }

    // MARK: tenants and tokens

    func tenantData(_ tenant: String) -> TenantData {
        lock.lock()
        defer { lock.unlock() }
        if let d = tenants[tenant] { return d }
        var patients = SyntheticPopulation.generate(
            tenant: tenant, count: configuration.patientsPerTenant,
            seed: configuration.seed, anchor: anchor)
        if configuration.hostileText, !patients.isEmpty { SyntheticPopulation.makeHostile(&patients[0]) }
        let d = TenantData(patients: patients)
        tenants[tenant] = d
        return d
    }

    /// A client reads a base's metadata before anything else: build every registered tenant's
    /// observations for that release now, on a background thread, so requests find them ready,
    /// as a real server has its data at rest (requests arriving sooner render what they need).
    private func warmInBackground(_ release: FHIRRelease) {
        lock.lock()
        let names = Set(currentRegistry().clients.filter { !$0.revoked }.flatMap(\.tenants))
        let fresh = names.filter { warming.insert($0 + "/" + release.rawValue).inserted }
        lock.unlock()
        guard !fresh.isEmpty else { return }
        Thread.detachNewThread { [self] in
            for t in fresh.sorted() { tenantData(t).warm(renderer(release)) }
        }
    }

    /// Reloads the registry when `rounds-sandbox client …` changed the file.
    private func currentRegistry() -> ClientRegistry {
        let stamp = (try? FileManager.default.attributesOfItem(atPath: registry.path))?[.modificationDate] as? Date
        if stamp != registryStamp, let fresh = try? ClientRegistry(stateDirectory: configuration.stateDirectory) {
            registry = fresh
            registryStamp = stamp
        }
        return registry
    }

    private func authorize(_ req: HTTPRequest) -> Result<String, HTTPResponse> {
        guard let h = req.header("authorization"), h.lowercased().hasPrefix("bearer ") else {
            return .failure(outcome(401, "login", "This request needs a bearer token; get one from /oauth/token."))
        }
        let value = String(h.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        lock.lock()
        defer { lock.unlock() }
        guard let t = tokens[value] else {
            return .failure(outcome(401, "login", "The access token is not known to this server."))
        }
        guard t.expires > Date() else { return .failure(outcome(401, "expired", "The access token has expired.")) }
        guard let c = currentRegistry().client(id: t.clientId), !c.revoked, c.generation == t.generation else {
            return .failure(
                outcome(401, "login", "The client's credentials were rotated or revoked; the token is no longer valid.")
            )
        }
        return .success(t.tenant)
    }

    private func tokenEndpoint(_ req: HTTPRequest, _ entry: inout RequestLog.Entry) -> HTTPResponse {
        func oauthError(_ status: Int, _ error: String, _ description: String) -> HTTPResponse {
            var r = HTTPResponse.json(
                status,
                JSONValue.object(["error": .string(error), "error_description": .string(description)]).serialized,
                contentType: "application/json")
            if status == 401 { r.headers["WWW-Authenticate"] = "Basic realm=\"rounds-sandbox\"" }
            return r
        }
        if let target = configuration.tokenRedirect ?? chaosTokenRedirect(req) {
            var redirect = HTTPResponse.json(307, "{}", contentType: "application/json")
            redirect.headers["Location"] = target
            return redirect
        }
        guard req.method == "POST" else { return oauthError(405, "invalid_request", "use POST") }
        guard (req.header("content-type") ?? "").lowercased().hasPrefix("application/x-www-form-urlencoded") else {
            return oauthError(400, "invalid_request", "the body must be application/x-www-form-urlencoded")
        }
        let form = HTTPServer.parseForm(String(decoding: req.body, as: UTF8.self))
        entry.form = form
        let f = Dictionary(form, uniquingKeysWith: { a, _ in a })
        guard f["grant_type"] == "client_credentials" else {
            return oauthError(400, "unsupported_grant_type", "only grant_type=client_credentials is supported")
        }
        lock.lock()
        defer { lock.unlock() }
        let reg = currentRegistry()
        let client: ClientRegistry.Client
        if f["client_assertion_type"] != nil || f["client_assertion"] != nil {
            entry.authMethod = "private_key_jwt"
            switch verifyAssertion(f, tokenURL: tokenURL(req), registry: reg) {
            case .success(let c): client = c
            // 400, as RFC 6749 §5.2 allows when the client did not use the Authorization header
            // (and as EHRs answer a bad assertion): no Basic challenge for a key.
            case .failure(let refusal): return oauthError(400, "invalid_client", refusal.reason)
            }
        } else {
            var id = f["client_id"]
            var secret = f["client_secret"]
            var method = "post"
            if let h = req.header("authorization"), h.lowercased().hasPrefix("basic "),
                let decoded = Data(base64Encoded: String(h.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
                let pair = String(data: decoded, encoding: .utf8), let colon = pair.firstIndex(of: ":")
            {
                id = String(pair[..<colon]).removingPercentEncoding
                secret = String(pair[pair.index(after: colon)...]).removingPercentEncoding
                method = "basic"
            }
            entry.authMethod = method
            guard configuration.authMethods.contains("client_secret_\(method)") else {
                let accepted = configuration.authMethods.joined(separator: ", ")
                return oauthError(
                    401, "invalid_client", "this server does not accept client_secret_\(method); it accepts \(accepted)"
                )
            }
            guard let id, let secret, let found = reg.authenticate(id: id, secret: secret) else {
                return oauthError(401, "invalid_client", "unknown client, wrong secret, or a revoked client")
            }
            guard found.auth == "any" || found.auth == method else {
                let required = found.auth == "key" ? "private_key_jwt" : "client_secret_\(found.auth)"
                return oauthError(401, "invalid_client", "this client must authenticate with \(required)")
            }
            client = found
        }
        guard let scope = f["scope"], !scope.isEmpty else {
            return oauthError(400, "invalid_scope", "scope must name the tenant")
        }
        let tenant = scope.split(separator: " ").map(String.init).first { client.tenants.contains($0) }
        guard let tenant else { return oauthError(400, "invalid_scope", "this client may not use tenant '\(scope)'") }
        entry.tenant = tenant
        let token = Digest.randomHex(24)
        tokens[token] = Token(
            clientId: client.clientId, tenant: tenant, expires: Date().addingTimeInterval(configuration.tokenTTL),
            generation: client.generation)
        return .json(
            200,
            JSONValue.object([
                "access_token": .string(token), "token_type": "Bearer",
                "expires_in": .number(configuration.tokenTTL.rounded()), "scope": .string(tenant),
            ]).serialized,
            contentType: "application/json")
    }
}

/// One tenant's patients, indexed by id, with their rendered observations kept (the data never
/// changes while the sandbox runs, and rendering ~150 observations per request would dominate).
final class TenantData: @unchecked Sendable {
    let patients: [SyntheticPatient]
    let byId: [String: SyntheticPatient]
    private let lock = NSLock()
    private var observations: [String: [(Date, JSONValue)]] = [:]
    /// Readings added while the server runs, by patient id.
    private var added: [String: [(vital: SyntheticPatient.Vital, added: Date)]] = [:]

    init(patients: [SyntheticPatient]) {
        self.patients = patients
        byId = Dictionary(patients.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    func warm(_ render: ResourceRenderer) {
        for p in patients { _ = observations(p, render) }
    }

    func observations(_ p: SyntheticPatient, _ render: ResourceRenderer) -> [(Date, JSONValue)] {
        let key = render.release.rawValue + "/" + p.id
        lock.lock()
        defer { lock.unlock() }
        if let o = observations[key] { return o + addedObservations(p, render) }
        let o = render.observations(p)
        observations[key] = o
        return o + addedObservations(p, render)
    }

    func add(_ vital: SyntheticPatient.Vital, to id: String, at time: Date) {
        lock.lock()
        defer { lock.unlock() }
        added[id, default: []].append((vital, time))
    }

    /// Called with the lock held (from `observations`).
    func addedReadings(_ id: String) -> [(vital: SyntheticPatient.Vital, added: Date)] {
        added[id] ?? []
    }
}

extension SandboxServer {
    static let jwtBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

    /// Checks a SMART Backend Services client assertion (RFC 7523): its type, a registered client
    /// with keys, the signature under one of them, `iss` = `sub` = client id, `aud` = this token
    /// URL, `exp` in the future and at most five minutes ahead, and a `jti` never used before.
    /// Called with the lock held. The failure is a sentence for `error_description`.
    func verifyAssertion(_ form: [String: String], tokenURL: String, registry: ClientRegistry) -> Result<
        ClientRegistry.Client, AssertionRefusal
    > {
        guard configuration.authMethods.contains("private_key_jwt") else {
            return .failure(
                AssertionRefusal(
                    "this server does not accept private_key_jwt; it accepts "
                        + "\(configuration.authMethods.joined(separator: ", "))"
                ))
        }
        guard form["client_assertion_type"] == Self.jwtBearer else {
            return .failure(AssertionRefusal("client_assertion_type must be \(Self.jwtBearer)"))
        }
        guard let assertion = form["client_assertion"], let jwt = JWT.parse(assertion) else {
            return .failure(AssertionRefusal("client_assertion is not a signed JWT"))
        }
        guard let alg = jwt.header["alg"]?.string.flatMap(SigningAlgorithm.init(rawValue:)) else {
            return .failure(AssertionRefusal("the assertion's alg must be ES384 or RS384"))
        }
        guard let issuer = jwt.claims["iss"]?.string, jwt.claims["sub"]?.string == issuer else {
            return .failure(AssertionRefusal("iss and sub must both be the client id"))
        }
        guard let client = registry.client(id: issuer), !client.revoked else {
            return .failure(AssertionRefusal("unknown or revoked client '\(issuer)'"))
        }
        guard client.auth == "any" || client.auth == "key", let jwks = client.jwks,
            let keys = (try? JSONParser.parse(jwks))?["keys"]?.array
        else {
            return .failure(
                AssertionRefusal(
                    "client '\(issuer)' has no public keys registered (rounds-sandbox client add NAME --jwks FILE)"))
        }
        let kid = jwt.header["kid"]?.string
        let candidates = keys.compactMap(VerifyingKey.from(jwk:)).filter {
            $0.algorithm == alg && (kid == nil || $0.keyId == kid)
        }
        guard candidates.contains(where: { $0.verify(jwt.signature, of: Data(jwt.signingInput.utf8)) }) else {
            return .failure(
                AssertionRefusal(
                    "the assertion's signature does not verify with the keys registered for '\(issuer)' (kid "
                        + "\(kid ?? "none"))"
                ))
        }
        let audiences = jwt.claims["aud"]?.string.map { [$0] } ?? (jwt.claims["aud"]?.array ?? []).compactMap(\.string)
        guard audiences.contains(tokenURL) else {
            return .failure(AssertionRefusal("aud must be the token URL \(tokenURL)"))
        }
        let now = Date()
        guard let exp = jwt.claims["exp"]?.double.map(Date.init(timeIntervalSince1970:)) else {
            return .failure(AssertionRefusal("the assertion has no exp"))
        }
        guard exp > now else {
            return .failure(
                AssertionRefusal("the assertion expired at \(FHIRTime.string(exp)); check the client's clock"))
        }
        guard exp <= now.addingTimeInterval(5 * 60 + 30) else {
            return .failure(AssertionRefusal("exp must be at most 5 minutes ahead"))
        }
        guard let jti = jwt.claims["jti"]?.string, !jti.isEmpty else {
            return .failure(AssertionRefusal("the assertion has no jti"))
        }
        usedAssertions = usedAssertions.filter { $0.value > now }
        guard usedAssertions[jti] == nil else {
            return .failure(AssertionRefusal("jti '\(jti)' was already used: an assertion is good for one request"))
        }
        usedAssertions[jti] = exp
        return .success(client)
    }
}

/// Why a client assertion was refused, for the token endpoint's `error_description`.
struct AssertionRefusal: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}
