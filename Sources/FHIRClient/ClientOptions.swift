import Foundation
import JOSE

/// Tunables of the HTTP side, with the defaults the issue asks for.
public struct ClientOptions: Sendable, Equatable {
    /// Connect and request timeout.
    public var timeout: TimeInterval = 15
    /// Parallel requests per host.
    public var maxConcurrentRequests = 6
    /// Patients whose queries (the Patient read and its six sections) share one batch in a sync:
    /// about seventy entries, which servers we know accept; halved for the connection whenever a
    /// server refuses a batch that size (413, 400 or a timeout).
    public var patientsPerBatch = 10
    /// Largest body accepted.
    public var maxBodyBytes = 64 << 20
    /// Longest `Retry-After` honoured; longer waits fail instead of hanging a sync.
    public var maxRetryAfter: TimeInterval = 30
    /// Retries for 5xx on idempotent requests.
    public var maxRetries = 2
    /// Pages followed per section search. Every page is read (the newest reading of a code can be
    /// on any page of a server that ignores `_sort`); a section cut short at this bound says so.
    public var maxSectionPages = 50
    /// `_count` for conditions, medications and encounters.
    public var sectionCount = 50
    /// `_count` for vital signs: about three days of four-hourly observations in one page.
    public var vitalsPageSize = 200
    /// Plain `http://` to another machine, which the admin allowed for a test network
    /// (`rounds connect --allow-plain-http`, saved with the connection, or ROUNDS_ALLOW_INSECURE_HTTP=1).
    public var allowPlainHTTP = ProcessInfo.processInfo.environment["ROUNDS_ALLOW_INSECURE_HTTP"] == "1"

    public init() {}
}

/// How the client authenticates at the token endpoint.
public enum ClientAuthMethod: String, Sendable, Codable, Equatable {
    /// `client_secret_post` first, `client_secret_basic` when the server answers `invalid_client`.
    case post
    /// Only `client_secret_basic`.
    case basic
    /// SMART Backend Services: a JWT signed with the client's private key (RFC 7523).
    case privateKeyJWT = "private_key_jwt"
}

/// Who Rounds is at the partner: client id and secret (or private key), and the tenant carried
/// in `scope`.
public struct ClientCredentials: Sendable {
    public var clientId: String
    public var secret: String
    public var tenant: String
    public var method: ClientAuthMethod
    /// The key that signs client assertions (`private_key_jwt`); held in memory, never sent.
    public var signingKey: SigningKey?
    /// The `kid` the EHR knows the key by (its RFC 7638 thumbprint unless the admin registered another).
    public var keyId: String?

    public init(clientId: String, secret: String, tenant: String, method: ClientAuthMethod = .post) {
        self.clientId = clientId
        self.secret = secret
        self.tenant = tenant
        self.method = method
    }

    /// Credentials for SMART Backend Services.
    public init(clientId: String, signingKey: SigningKey, keyId: String?, tenant: String) {
        self.clientId = clientId
        self.secret = ""
        self.tenant = tenant
        self.method = .privateKeyJWT
        self.signingKey = signingKey
        self.keyId = keyId
    }
}
