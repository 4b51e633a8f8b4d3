import Foundation

/// Everything that can go wrong talking to a FHIR server, each with the words a nurse or an admin
/// can act on (`description`).
public enum FHIRClientError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidURL(String)
    case cannotResolveHost(host: String)
    case connectionRefused(url: String)
    case timedOut(url: String, seconds: Int)
    case tlsFailure(url: String, detail: String)
    case network(url: String, detail: String)
    case unauthorized(url: String, diagnostics: String?)
    case forbidden(url: String, diagnostics: String?)
    case patientNotFound(id: String)
    case notFound(url: String, diagnostics: String?)
    case server(status: Int, url: String, diagnostics: String?)
    case notFHIRJSON(url: String, detail: String)
    case bodyTooLarge(url: String, limit: Int)
    /// The answers arriving at once together passed the limit (a server sending every one huge).
    case answersTooLarge(url: String, limit: Int)
    case unsupportedVersion(declared: String, url: String)
    case tokenRejected(error: String, detail: String?)
    /// The token endpoint refused a signed client assertion (`private_key_jwt`).
    case assertionRejected(clientId: String, error: String, detail: String?)
    /// The server's SMART configuration does not offer the client authentication Rounds was given.
    case authMethodNotOffered(asked: String, offered: [String])
    /// The server's SMART configuration lists signing algorithms, and not the key's.
    case signingAlgorithmNotOffered(algorithm: String, offered: [String])
    /// The private key could not be used to sign.
    case signingFailed(String)
    /// A redirect to another origin, not followed with credentials.
    case redirectRefused(from: String, to: String)
    /// A link (`next`) to another origin than the server's, not followed with the token.
    case crossOriginLink(base: String, link: String)
    /// Plain `http://` to a host that is not this machine: secrets and PHI would cross the network in clear.
    case insecureURL(String)
    /// The token URL is not the one pinned at `rounds connect`.
    case tokenURLChanged(pinned: String, now: String)
    /// The token endpoint is on another origin than the FHIR base, and the admin has not said to trust it.
    case tokenOnOtherOrigin(base: String, token: String)
    case tokenEndpointFailed(url: String, status: Int, detail: String?)
    case missingCredentials(String)
    case unsupportedSearch(String)

    /// True when the token endpoint refused the credentials themselves: no retry can succeed until
    /// an administrator fixes them, so a sync stops at the first one.
    public var isCredentialRefusal: Bool {
        switch self {
        case .tokenRejected, .assertionRejected, .authMethodNotOffered, .signingAlgorithmNotOffered: return true
        default: return false
        }
    }

    /// True when the server could not be reached at all, so cached data is the honest fallback.
    public var isUnreachable: Bool {
        switch self {
        case .cannotResolveHost, .connectionRefused, .timedOut, .network, .tlsFailure: return true
        default: return false
        }
    }

    /// True when the server answered but the answer cannot be used (a 5xx, not FHIR JSON, too
    /// large): what a nurse asked for is better shown from the cache, saying why, than not at all.
    public var isBrokenAnswer: Bool {
        switch self {
        case .server, .notFHIRJSON, .bodyTooLarge, .answersTooLarge: return true
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .invalidURL(let u): return "'\(u)' is not a valid http(s) URL."
        case .cannotResolveHost(let h):
            return "Cannot reach '\(h)': the host name does not resolve. Check the URL and the network."
        case .connectionRefused(let u):
            return "Cannot reach '\(u)' (connection refused). Is the FHIR server running on that port?"
        case .timedOut(let u, let s): return "Cannot reach '\(u)' (timed out after \(s) s)."
        case .tlsFailure(let u, let d):
            return "Secure connection to '\(u)' failed (\(d)). Check the server's certificate."
        case .network(let u, let d): return "Cannot reach '\(u)' (\(d))."
        case .unauthorized(let u, let d):
            return
                "The server refused the access token for '\(u)' (401\(d.map { ": \($0)" } ?? "")). Check the client "
                + "id, secret and tenant with your administrator."
        case .forbidden(let u, let d):
            return
                "Access to '\(u)' is forbidden (403\(d.map { ": \($0)" } ?? "")). This client may not read that data."
        case .patientNotFound(let id): return "No patient with id '\(id)' on this server."
        case .notFound(let u, let d): return "Not found: '\(u)'\(d.map { " (\($0))" } ?? "")."
        case .server(let s, let u, let d):
            return "The server answered \(s) for '\(u)'\(d.map { ": \($0)" } ?? ""). Try again later."
        case .notFHIRJSON(let u, let d): return "The answer from '\(u)' is not FHIR JSON (\(d))."
        case .bodyTooLarge(let u, let l):
            return "The answer from '\(u)' is larger than \(l / (1 << 20)) MiB and was refused."
        case .answersTooLarge(let u, let l):
            return
                "The answer from '\(u)' was refused: the answers arriving at once passed \(l / (1 << 20)) MiB together."
        case .unsupportedVersion(let v, let u):
            return
                "'\(u)' speaks FHIR '\(v.isEmpty ? "unknown" : v)'; Rounds supports DSTU2 (1.0.x), STU3 (3.0.x) and "
                + "R4 (4.0.x)."
        case .tokenRejected(let e, let d):
            return
                "The token endpoint refused the credentials (\(e)\(d.map { ": \($0)" } ?? "")). Check the client id, "
                + "secret and tenant."
        case .assertionRejected(let id, let e, let d):
            return
                "The token endpoint rejected the assertion (\(e)\(d.map { ": \($0)" } ?? "")). Check that the public "
                + "key "
                + "('rounds key jwks FILE') is registered at the EHR for client '\(id)', the tenant, and this "
                + "computer's clock."
        case .authMethodNotOffered(let asked, let offered):
            let keyHint =
                offered.contains("private_key_jwt")
                ? " Generate a key with 'rounds key generate --out FILE', register its JWKS with the EHR, and connect "
                    + "with --private-key FILE."
                : ""
            return
                "This server does not accept \(asked); its SMART configuration offers "
                + "\(offered.joined(separator: ", ")).\(keyHint)"
        case .signingAlgorithmNotOffered(let alg, let offered):
            return "This server does not accept \(alg) signatures (it lists \(offered.joined(separator: ", "))). "
                + "Generate a key of one of those with 'rounds key generate --alg ALG --out FILE'."
        case .signingFailed(let why): return "Could not sign the client assertion: \(why)"
        case .redirectRefused(let from, let to):
            return
                "'\(from)' redirected to another origin ('\(to)'); Rounds does not send credentials or the token "
                + "there. "
                + "Ask the EHR's administrator for the right URL."
        case .crossOriginLink(let base, let link):
            return
                "The server gave a link to another origin ('\(link)', not '\(base)'); Rounds does not follow it with "
                + "the token."
        case .insecureURL(let url):
            return
                "'\(url)' is plain http:// to another machine: secrets and patient data would cross the network "
                + "unencrypted. "
                + "Use https://, or, for a test server on a trusted network, connect with --allow-plain-http."
        case .tokenURLChanged(let pinned, let now):
            return
                "The server now names the token URL '\(now)', not '\(pinned)' as when it was connected; nothing was "
                + "sent to it. "
                + "If the change is expected, run 'rounds connect' again to accept it."
        case .tokenOnOtherOrigin(let base, let token):
            let origin = URL(string: token).map(Origin.text) ?? token
            return "The server names a token endpoint on another origin ('\(token)') than its own ('\(base)'); "
                + "the secret was not sent. If the EHR's documentation names that endpoint, connect again with "
                + "--token-origin \(origin)."
        case .tokenEndpointFailed(let u, let s, let d):
            return "The token endpoint '\(u)' answered \(s)\(d.map { ": \($0)" } ?? "")."
        case .missingCredentials(let m): return m
        case .unsupportedSearch(let m): return m
        }
    }
}
