import Clinical
import FHIRAdapters
import Foundation

/// A live connection to one FHIR base: what it declared, which release it speaks, and the token.
/// Everything above this layer gets `PatientRecord`s and never sees a release's shapes.
public final class FHIRConnection: Sendable {
    public let baseURL: URL
    public let capabilities: ServerCapabilities
    public let release: FHIRRelease
    public let profile: FHIRProfile
    /// The token endpoint, or `nil` for an open server.
    public let tokenURL: URL?
    let transport: HTTPTransport
    let tokens: TokenProvider?
    /// Set once a server refuses `Coverage?patient=` (STU3 has no such parameter): later patients
    /// ask by `beneficiary` straight away instead of paying a failed round trip each.
    let learned = LearnedFallbacks()
    /// Organizations and Locations read to name what records reference.
    let referenceCache = ReferenceCache()

    /// Probes `/metadata` (no token), pivots on the version, finds the token URL (oauth-uris
    /// extension, then `.well-known/smart-configuration`, else open) and fetches a first token.
    /// `pinnedTokenURL` is the token URL saved at `rounds connect`: a server that names another one
    /// later gets nothing (a changed metadata must not receive the secret). A token endpoint on
    /// another origin than the base gets nothing either, unless it is `trustedTokenOrigin`, the
    /// origin the admin named at `rounds connect --token-origin`.
    public static func connect(
        to base: String, credentials: ClientCredentials?, options: ClientOptions = ClientOptions(),
        pinnedTokenURL: String? = nil,
        trustedTokenOrigin: String? = nil
    ) async throws(FHIRClientError) -> FHIRConnection {
        let transport = HTTPTransport(options: options)
        // The token is asked for while /metadata is read, one round trip less per sync, only from
        // the endpoint pinned at `rounds connect` and checked again here; the metadata must still
        // name it (below), else the token is never used.
        let early = earlyTokens(
            pinnedTokenURL, base: base, credentials: credentials, trustedTokenOrigin: trustedTokenOrigin,
            transport: transport)
        let warmUp = early.map { provider in Task { _ = try? await provider.current() } }
        let probe: Probe
        do {
            probe = try await FHIRConnection.probe(base, transport: transport)
        } catch {
            warmUp?.cancel()
            throw error
        }
        var tokens: TokenProvider? = nil
        if let pinnedTokenURL, let now = probe.tokenURL?.absoluteString, now != pinnedTokenURL {
            throw .tokenURLChanged(pinned: pinnedTokenURL, now: now)
        }
        if let tokenURL = probe.tokenURL {
            try checkTransportSecurity(tokenURL, options: options)
            let trusted = trustedTokenOrigin.flatMap(URL.init(string:))
            if !Origin.same(tokenURL, probe.baseURL), !Origin.same(tokenURL, trusted) {
                throw .tokenOnOtherOrigin(base: Origin.text(probe.baseURL), token: tokenURL.absoluteString)
            }
            guard let credentials else {
                throw .missingCredentials("'\(probe.baseURL.absoluteString)' requires a client id, secret and tenant.")
            }
            var extraScopes: [String] = []
            if credentials.method == .privateKeyJWT {
                // What the server says of backend services decides before a key is used.
                var smart = probe.smartConfiguration
                if smart == nil { smart = try await smartConfiguration(probe.baseURL, transport: transport) }
                extraScopes = try checkKeyAuthentication(credentials, smart: smart)
            }
            // The early request joins here: `current()` waits for the one under way.
            let p =
                early
                ?? TokenProvider(
                    tokenURL: tokenURL, credentials: credentials, transport: transport, extraScopes: extraScopes)
            do {
                _ = try await p.current()
            } catch {
                // A refused secret on a server that takes only keys deserves the sentence that says so.
                if case .tokenRejected("invalid_client", _) = error, credentials.method != .privateKeyJWT {
                    var smart = probe.smartConfiguration
                    if smart == nil { smart = try await smartConfiguration(probe.baseURL, transport: transport) }
                    let offered = smart?["token_endpoint_auth_methods_supported"]?.array?.compactMap(\.string) ?? []
                    let secrets = offered.filter { $0.hasPrefix("client_secret_") }
                    if !offered.isEmpty, secrets.isEmpty {
                        throw .authMethodNotOffered(
                            asked: "client_secret_\(credentials.method.rawValue)", offered: offered)
                    }
                }
                throw error
            }
            tokens = p
        }
        return FHIRConnection(
            baseURL: probe.baseURL, capabilities: probe.capabilities, release: probe.release,
            tokenURL: probe.tokenURL, transport: transport, tokens: tokens)
    }

    /// The token provider to start before /metadata answers: a client secret (a key waits for
    /// what the server says of backend services) and a pinned endpoint that passes the checks a
    /// discovered one must pass (plain HTTP only to this machine, the base's origin or the one
    /// the admin trusted). Otherwise `nil`, and the token waits for the metadata.
    private static func earlyTokens(
        _ pinnedTokenURL: String?, base: String, credentials: ClientCredentials?, trustedTokenOrigin: String?,
        transport: HTTPTransport
    ) -> TokenProvider? {
        guard let credentials, credentials.method != .privateKeyJWT, let pinnedTokenURL,
            let tokenURL = URL(string: pinnedTokenURL), let baseURL = URL(string: base),
            (try? checkTransportSecurity(tokenURL, options: transport.options)) != nil,
            Origin.same(tokenURL, baseURL) || Origin.same(tokenURL, trustedTokenOrigin.flatMap(URL.init(string:)))
        else { return nil }
        return TokenProvider(tokenURL: tokenURL, credentials: credentials, transport: transport)
    }

    /// What `/metadata` (and, failing the extension, the SMART configuration) says, without a token.
    public struct Probe: Sendable {
        public let baseURL: URL
        public let capabilities: ServerCapabilities
        public let release: FHIRRelease
        public let tokenURL: URL?
        /// `.well-known/smart-configuration`, when it was read (the token URL was only there).
        public var smartConfiguration: JSONNode? = nil
    }

    /// Plain `http://` only to this machine, unless the admin says otherwise for a test network.
    static func checkTransportSecurity(_ url: URL, options: ClientOptions) throws(FHIRClientError) {
        guard url.scheme?.lowercased() == "http", !Origin.isLoopback(url) else { return }
        guard options.allowPlainHTTP else { throw .insecureURL(url.absoluteString) }
    }

    /// `{base}/.well-known/smart-configuration`, or `nil` when the server has none.
    static func smartConfiguration(_ base: URL, transport: HTTPTransport) async throws(FHIRClientError) -> JSONNode? {
        let url = base.appendingPathComponent(".well-known").appendingPathComponent("smart-configuration")
        guard let answer = try? await transport.send("GET", url, idempotent: true), answer.status == 200 else {
            return nil
        }
        return try? answer.json()
    }

    /// Checks a key against what the server offers (`private_key_jwt`, its signing algorithms)
    /// and returns the system read scopes it lists, to ask for beside the tenant.
    static func checkKeyAuthentication(_ credentials: ClientCredentials, smart: JSONNode?) throws(FHIRClientError)
        -> [String]
    {
        let methods = smart?["token_endpoint_auth_methods_supported"]?.array?.compactMap(\.string) ?? []
        if !methods.isEmpty, !methods.contains("private_key_jwt") {
            throw .authMethodNotOffered(asked: "private_key_jwt", offered: methods)
        }
        let algorithms = smart?["token_endpoint_auth_signing_alg_values_supported"]?.array?.compactMap(\.string) ?? []
        if let key = credentials.signingKey, !algorithms.isEmpty, !algorithms.contains(key.algorithm.rawValue) {
            throw .signingAlgorithmNotOffered(algorithm: key.algorithm.rawValue, offered: algorithms)
        }
        let scopes = smart?["scopes_supported"]?.array?.compactMap(\.string) ?? []
        return scopes.filter { $0.hasPrefix("system/") && ($0.hasSuffix(".read") || $0.hasSuffix(".rs")) }
    }

    public static func probe(_ base: String, options: ClientOptions = ClientOptions()) async throws(FHIRClientError)
        -> Probe
    {
        try await probe(base, transport: HTTPTransport(options: options))
    }

    static func probe(_ base: String, transport: HTTPTransport) async throws(FHIRClientError) -> Probe {
        let trimmed = base.hasSuffix("/") ? String(base.dropLast()) : base
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(),
            ["http", "https"].contains(scheme), url.host != nil
        else {
            throw .invalidURL(base)
        }
        try checkTransportSecurity(url, options: transport.options)
        let answer = try await transport.send("GET", url.appendingPathComponent("metadata"), idempotent: true)
        guard answer.status == 200 else { throw FHIRConnection.error(for: answer) }
        let json = try answer.json()
        guard ["Conformance", "CapabilityStatement"].contains(json["resourceType"]?.string) else {
            throw .notFHIRJSON(
                url: answer.url,
                detail:
                    "expected a Conformance or CapabilityStatement, got "
                    + "'\(json["resourceType"]?.string ?? json.typeName)'"
            )
        }
        let caps = ServerCapabilities(json: json)
        guard let release = caps.release else {
            throw .unsupportedVersion(declared: caps.declaredVersion, url: trimmed)
        }
        var tokenURL = caps.tokenURL.flatMap(URL.init(string:))
        var smart: JSONNode? = nil
        if tokenURL == nil {
            smart = try await smartConfiguration(url, transport: transport)
            tokenURL = smart?["token_endpoint"]?.string.flatMap(URL.init(string:))
        }
        var probe = Probe(baseURL: url, capabilities: caps, release: release, tokenURL: tokenURL)
        probe.smartConfiguration = smart
        return probe
    }

    init(
        baseURL: URL, capabilities: ServerCapabilities, release: FHIRRelease, tokenURL: URL?, transport: HTTPTransport,
        tokens: TokenProvider?
    ) {
        self.baseURL = baseURL
        self.capabilities = capabilities
        self.release = release
        profile = FHIRProfile.of(release)
        self.tokenURL = tokenURL
        self.transport = transport
        self.tokens = tokens
    }

    /// The client authentication that worked (post, or basic after an `invalid_client`).
    public var authMethod: ClientAuthMethod? { get async { await tokens?.method } }

    /// `base/relative`, keeping any path the base carries (`/api/FHIR/DSTU2`).
    func url(_ relative: String) throws(FHIRClientError) -> URL {
        if relative.hasPrefix("http://") || relative.hasPrefix("https://") {
            guard let u = URL(string: relative) else { throw .invalidURL(relative) }
            return u
        }
        guard let u = URL(string: baseURL.absoluteString + "/" + relative) else { throw .invalidURL(relative) }
        return u
    }

    /// Sends an authorised request; on a 401 renews the token once and tries again.
    func send(_ method: String, _ url: URL, body: Data? = nil, contentType: String? = nil, idempotent: Bool = true)
        async throws(FHIRClientError) -> HTTPAnswer
    {
        var headers: [String: String] = [:]
        if let contentType { headers["Content-Type"] = contentType }
        var token: String? = nil
        if let tokens {
            token = try await tokens.current()
            headers["Authorization"] = "Bearer \(token!)"
        }
        let answer = try await transport.send(method, url, headers: headers, body: body, idempotent: idempotent)
        guard answer.status == 401, let tokens, let old = token else { return answer }
        await tokens.invalidate(old)
        headers["Authorization"] = "Bearer \(try await tokens.current())"
        let second = try await transport.send(method, url, headers: headers, body: body, idempotent: idempotent)
        if second.status == 401 { throw .unauthorized(url: second.url, diagnostics: second.diagnostics) }
        return second
    }

    /// GET returning JSON, with HTTP errors turned into `FHIRClientError`.
    func getJSON(_ relative: String) async throws(FHIRClientError) -> JSONNode {
        let answer = try await send("GET", try url(relative))
        guard answer.status == 200 else { throw FHIRConnection.error(for: answer) }
        return try answer.json()
    }

    static func error(for a: HTTPAnswer) -> FHIRClientError {
        if (300..<400).contains(a.status) {
            return .redirectRefused(from: a.url, to: a.header("Location") ?? "elsewhere")
        }
        switch a.status {
        case 401: return .unauthorized(url: a.url, diagnostics: a.diagnostics)
        case 403: return .forbidden(url: a.url, diagnostics: a.diagnostics)
        case 404: return .notFound(url: a.url, diagnostics: a.diagnostics)
        default: return .server(status: a.status, url: a.url, diagnostics: a.diagnostics)
        }
    }
}

/// What this connection learned about the server's search support.
final class LearnedFallbacks: @unchecked Sendable {
    private let lock = NSLock()
    private var coverageByBeneficiary = false
    private var containsModifierRefused = false
    private var batchLimit: Int?
    private var lastUpdatedRefusedOrIgnored = false

    /// The server refused `Coverage?patient=`: ask by the fallback (`beneficiary`, DSTU2 `subscriber`).
    var useBeneficiaryForCoverage: Bool {
        get { locked { coverageByBeneficiary } }
        set { locked { coverageByBeneficiary = newValue } }
    }

    /// The most patients a batch of this server may carry: set when it refused a larger one.
    var patientsPerBatchLimit: Int? {
        get { locked { batchLimit } }
        set { locked { batchLimit = newValue } }
    }

    /// The server refused `_lastUpdated`, or answered as if it had not been asked.
    var lastUpdatedUnusable: Bool {
        get { locked { lastUpdatedRefusedOrIgnored } }
        set { locked { lastUpdatedRefusedOrIgnored = newValue } }
    }

    /// The server refused `:contains` on name parameters.
    var containsRefused: Bool {
        get { locked { containsModifierRefused } }
        set { locked { containsModifierRefused = newValue } }
    }

    private func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }
}
