import Foundation

/// Tunables of the HTTP side, with the defaults the issue asks for.
public struct ClientOptions: Sendable, Equatable {
    /// Connect and request timeout.
    public var timeout: TimeInterval = 15
    /// Parallel requests per host.
    public var maxConcurrentRequests = 6
    /// Largest body accepted.
    public var maxBodyBytes = 64 << 20
    /// Longest `Retry-After` honoured; longer waits fail instead of hanging a sync.
    public var maxRetryAfter: TimeInterval = 30
    /// Retries for 5xx on idempotent requests.
    public var maxRetries = 2
    /// Pages followed per section when a server pages vital signs.
    public var maxSectionPages = 10
    /// `_count` for conditions and medications.
    public var sectionCount = 50

    public init() {}
}

/// How the client authenticates at the token endpoint.
public enum ClientAuthMethod: String, Sendable, Codable, Equatable {
    /// `client_secret_post` first, `client_secret_basic` when the server answers `invalid_client`.
    case post
    /// Only `client_secret_basic`.
    case basic
}

/// Who Rounds is at the partner: client id and secret, and the tenant carried in `scope`.
public struct ClientCredentials: Sendable {
    public var clientId: String
    public var secret: String
    public var tenant: String
    public var method: ClientAuthMethod
    public init(clientId: String, secret: String, tenant: String, method: ClientAuthMethod = .post) {
        self.clientId = clientId; self.secret = secret; self.tenant = tenant; self.method = method
    }
}
