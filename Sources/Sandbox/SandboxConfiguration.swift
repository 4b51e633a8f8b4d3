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
    public var ignoreSort = false
    /// `PATH=CODE` overrides: a request whose path ends with PATH (or whose resource type is PATH) gets CODE.
    public var statusOverrides: [(String, Int)] = []
    public var logPath: String?
    /// Where the token URL is published: the oauth-uris extension (default), only
    /// `.well-known/smart-configuration`, or nowhere (an open server).
    public var discovery: Discovery = .extension
    public var retryAfterSeconds = 1

    public enum Discovery: String, Sendable { case `extension`, smart, none }

    public init(stateDirectory: String) { self.stateDirectory = stateDirectory }
}
