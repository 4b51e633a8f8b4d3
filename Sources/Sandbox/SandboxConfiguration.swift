import Foundation

/// How a sandbox runs: data, token lifetime, and the faults it injects for tests.
public struct SandboxConfiguration: Sendable {
    public var stateDirectory: String
    public var seed: UInt64 = 42
    public var patientsPerTenant = 200
    public var tokenTTL: TimeInterval = 3600
    public var latencyMs = 0
    public var failRate = 0.0
    public var malformedRate = 0.0
    public var noBatch = false
    /// A batch with more entries is refused with 413 (a partner's size limit).
    public var maxBatchEntries: Int?
    public var ignoreSort = false
    /// `PATH=CODE` overrides: a request whose path ends with PATH (or whose resource type is PATH) gets CODE.
    public var statusOverrides: [(String, Int)] = []
    public var logPath: String?
    /// Where the token URL is published: the oauth-uris extension (default), only
    /// `.well-known/smart-configuration`, or nowhere (an open server).
    public var discovery: Discovery = .extension
    public var retryAfterSeconds = 1
    /// The largest page the server sends, whatever `_count` asks (real servers cap it; 20 makes
    /// every section search page). `nil`: 50 patients or 200 other resources unless `_count` says.
    public var pageSize: Int?
    /// Refuse what a strict server refuses: unknown search parameters and modifiers (400, instead
    /// of ignoring them and leaving them out of the self link), and DSTU2 `Coverage?patient`,
    /// which the DSTU2 specification does not define. A strict server also offers no incremental
    /// reads: `_lastUpdated` is an unknown parameter, reads carry no ETag and conditional reads
    /// are answered in full.
    public var strict = false
    /// Declare `_lastUpdated` and ignore it (answer everything), as a server that claims more
    /// than it does.
    public var ignoreLastUpdated = false
    /// `false`: the capability statement lists no search parameters but `_lastUpdated` (as many
    /// servers' say little), so a client learns what the server searches by only by asking.
    public var listsSearchParameters = true
    /// Refuse the `:contains` modifier on name searches (a server that only matches the start).
    public var noContains = false
    /// Records as a long-lived EHR holds them: older finished visits (one with a start that is
    /// not a FHIR dateTime), a planned visit ahead and a cancelled one, entered-in-error readings,
    /// problems, allergies and orders, stopped orders, a retired MRN listed first, and a bed that
    /// is `partOf` its ward, both active.
    public var history = false
    /// Supplemental oxygen only as the inhaled-oxygen flow and concentration components of the
    /// pulse-oximetry reading (US Core R4's pulse-oximetry profile), no FiO2 observations.
    public var usCoreOxygen = false
    /// Client authentication the token endpoint accepts, as `.well-known/smart-configuration`
    /// lists it: `client_secret_post`, `client_secret_basic`, `private_key_jwt`.
    public var authMethods = ["client_secret_post", "client_secret_basic", "private_key_jwt"]
    /// The first patient's record carries terminal escapes and bidi tricks (OSC title, clear
    /// screen, colour, a one-byte CSI, a right-to-left override, a zero-width space): what a
    /// malicious or broken EHR could send.
    public var hostileText = false
    /// The token endpoint answers `307` to this URL (another origin, as an attacker would).
    public var tokenRedirect: String?
    /// `next` links of searchsets point to this base (`http://host:port`) instead of the server's.
    public var nextLinkOrigin: String?

    /// A hostile or broken partner's way of answering (`--chaos`), or `nil` for a sound one.
    public var chaos: ChaosProfile?

    public enum Discovery: String, Sendable { case `extension`, smart, none }

    public init(stateDirectory: String) { self.stateDirectory = stateDirectory }
}
