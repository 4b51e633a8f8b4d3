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
    /// Pages followed per section search. Every page is read (the newest reading of a code can be
    /// on any page of a server that ignores `_sort`); a section cut short at this bound says so.
    public var maxSectionPages = 50
    /// `_count` for conditions, medications and encounters.
    public var sectionCount = 50
    /// `_count` for vital signs: about three days of four-hourly observations in one page.
    public var vitalsPageSize = 200

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
