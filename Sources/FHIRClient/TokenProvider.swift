import Clinical
import FHIRAdapters
import Foundation
import JOSE

/// Client-credentials tokens, kept in memory only: fetched on first use, renewed shortly before
/// `expires_in` runs out, and renewed once when the server answers 401.
actor TokenProvider {
    private let tokenURL: URL
    private var credentials: ClientCredentials
    private let transport: HTTPTransport
    private var token: String?
    private var expires: Date = .distantPast
    private var lifetime: TimeInterval = 0
    private let now: @Sendable () -> Date
    /// System scopes the server lists (SMART Backend Services), asked for beside the tenant.
    private let extraScopes: [String]

    init(
        tokenURL: URL, credentials: ClientCredentials, transport: HTTPTransport, extraScopes: [String] = [],
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.tokenURL = tokenURL
        self.credentials = credentials
        self.transport = transport
        self.extraScopes = extraScopes
        self.now = now
    }

    /// The method that worked (it can switch from post to basic).
    var method: ClientAuthMethod { credentials.method }

    /// A refusal of the credentials themselves (a rotated secret, an unregistered key): asking
    /// again cannot succeed, so every later request gets the same error without a token request.
    private var refusal: FHIRClientError?

    /// The token request under way: callers arriving meanwhile wait for it rather than asking the
    /// token endpoint too (a sync has several patients in flight when the token expires).
    private var fetching: Task<Result<String, FHIRClientError>, Never>?

    /// A valid token, fetching one when none is held or the held one is about to expire.
    func current() async throws(FHIRClientError) -> String {
        let margin = min(60, lifetime * 0.1)
        if let token, now() < expires.addingTimeInterval(-margin) { return token }
        if let refusal { throw refusal }
        let task = fetching ?? Task { await self.fetchResult() }
        fetching = task
        let result = await task.value
        if fetching == task { fetching = nil }
        switch result {
        case .success(let fresh): return fresh
        case .failure(let error):
            if error.isCredentialRefusal { refusal = error }
            throw error
        }
    }

    /// `fetch` as a value, for the shared task (typed throws inside task closures crashed release builds).
    private func fetchResult() async -> Result<String, FHIRClientError> {
        do { return .success(try await fetch()) } catch { return .failure(error) }
    }

    /// Drops the held token (after a 401) so the next call fetches a new one.
    func invalidate(_ rejected: String) {
        if token == rejected { token = nil }
    }

    private func fetch() async throws(FHIRClientError) -> String {
        var answer = try await request(credentials.method)
        if answer.status == 400 || answer.status == 401, credentials.method == .post,
            TokenProvider.oauthError(answer)?.error == "invalid_client"
        {
            // Some partners accept only HTTP Basic client authentication.
            let retry = try await request(.basic)
            if retry.status == 200 { credentials.method = .basic }
            answer = retry
        }
        guard answer.status == 200 else {
            if (300..<400).contains(answer.status) { throw FHIRConnection.error(for: answer) }
            if let e = TokenProvider.oauthError(answer) {
                if credentials.method == .privateKeyJWT {
                    throw .assertionRejected(clientId: credentials.clientId, error: e.error, detail: e.description)
                }
                throw .tokenRejected(error: e.error, detail: e.description)
            }
            throw .tokenEndpointFailed(url: answer.url, status: answer.status, detail: answer.diagnostics)
        }
        let json = try answer.json()
        guard let t = json["access_token"]?.string, !t.isEmpty else {
            throw .tokenEndpointFailed(url: answer.url, status: 200, detail: "the answer has no access_token")
        }
        lifetime = json["expires_in"]?.double ?? json["expires_in"]?.string.flatMap(Double.init) ?? 3600
        expires = now().addingTimeInterval(lifetime)
        token = t
        return t
    }

    private func request(_ method: ClientAuthMethod) async throws(FHIRClientError) -> HTTPAnswer {
        let scope = ([credentials.tenant] + extraScopes).joined(separator: " ")
        var form = [("grant_type", "client_credentials"), ("scope", scope)]
        var headers = ["Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"]
        switch method {
        case .privateKeyJWT:
            form.append(("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"))
            form.append(("client_assertion", try assertion()))
        case .post:
            form.insert(("client_id", credentials.clientId), at: 1)
            form.insert(("client_secret", credentials.secret), at: 2)
        case .basic:
            let pair = "\(FormEncoding.escape(credentials.clientId)):\(FormEncoding.escape(credentials.secret))"
            headers["Authorization"] = "Basic " + Data(pair.utf8).base64EncodedString()
        }
        return try await transport.send(
            "POST", tokenURL, headers: headers, body: FormEncoding.body(form), idempotent: false)
    }

    /// A client assertion for one token request (SMART Backend Services): `iss` = `sub` = client
    /// id, `aud` = the token URL, `exp` under five minutes ahead, a fresh random `jti`, `kid` in the
    /// header. A new one for every request, so a renewal never replays an old one.
    func assertion() throws(FHIRClientError) -> String {
        guard let key = credentials.signingKey else { throw .signingFailed("no private key was given") }
        let issued = now().timeIntervalSince1970.rounded(.down)
        let claims: JSONValue = [
            "iss": .string(credentials.clientId), "sub": .string(credentials.clientId),
            "aud": .string(tokenURL.absoluteString),
            "exp": .number(issued + 240), "iat": .number(issued),
            "jti": .string(Base64URL.encode(SecureBytes.random(18))),
        ]
        do throws(KeyError) {
            var kid = credentials.keyId ?? ""
            if kid.isEmpty { kid = try key.thumbprint() }
            return try JWT.sign(claims: claims, key: key, keyId: kid)
        } catch {
            throw .signingFailed(error.description)
        }
    }

    static func oauthError(_ a: HTTPAnswer) -> (error: String, description: String?)? {
        if let j = try? JSONParser.parse(a.body), let e = j["error"]?.string {
            return (e, j["error_description"]?.string)
        }
        // A 401 from the token endpoint is a failed client authentication (RFC 6749 §5.2), also
        // when its body was not delivered.
        if a.status == 401 { return ("invalid_client", "the server did not accept the client credentials") }
        return nil
    }
}

/// `application/x-www-form-urlencoded` bodies.
public enum FormEncoding {
    /// Percent-encodes every byte but RFC 3986's unreserved ASCII (letters, digits, `-._~`): a
    /// non-ASCII letter is sent as its UTF-8 bytes, never raw.
    public static func escape(_ s: String) -> String { PercentEncoding.encode(s, keeping: PercentEncoding.unreserved) }

    public static func body(_ pairs: [(String, String)]) -> Data {
        Data(pairs.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&").utf8)
    }
}
