import FHIRAdapters
import Foundation
import Sandbox

/// A sandbox partner on a free port of 127.0.0.1 for one test, with a registered client whose
/// secret sits in a 0600 file, and its request log.
public final class SandboxHarness: @unchecked Sendable {
    public let server: SandboxServer
    public let port: UInt16
    public let directory: String
    public let clientId: String
    public let secret: String
    public let secretFile: String
    public let tenant: String
    public var logPath: String { directory + "/requests.jsonl" }

    public init(
        tenant: String = "contoso", patients: Int = 30, auth: String = "any",
        configure: (inout SandboxConfiguration) -> Void = { _ in }
    ) throws {
        directory = try TempDir.make("sandbox")
        var reg = try ClientRegistry(stateDirectory: directory + "/state")
        let (id, secret) = try reg.add(name: "tests", tenants: [tenant, "other-" + tenant], auth: auth)
        clientId = id
        self.secret = secret
        self.tenant = tenant
        secretFile = directory + "/secret"
        _ = FileManager.default.createFile(
            atPath: secretFile, contents: Data(secret.utf8), attributes: [.posixPermissions: 0o600])
        var c = SandboxConfiguration(stateDirectory: directory + "/state")
        c.patientsPerTenant = patients
        c.logPath = directory + "/requests.jsonl"
        configure(&c)
        server = try SandboxServer(configuration: c)
        port = try server.start()
    }

    deinit { server.stop() }

    /// Takes the partner down (listening socket and open connections).
    public func stop() { server.stop() }

    public func base(_ version: String) -> String { "http://127.0.0.1:\(port)/\(version)" }

    /// Every logged request, oldest first.
    public func requests() -> [JSONValue] {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONParser.parse(String($0)) }
    }

    /// Rotates the test client's secret through the registry (as `rounds-sandbox client rotate`).
    public func rotateSecret() throws -> String {
        var reg = try ClientRegistry(stateDirectory: directory + "/state")
        let secret = try reg.rotate(name: "tests").secret
        // The server reloads on a newer modification time, which a fast test can miss within one
        // second; tell it instead of sleeping.
        try server.reloadRegistry()
        return secret
    }

    /// Revokes the test client and tells the server.
    public func revokeClient() throws {
        var reg = try ClientRegistry(stateDirectory: directory + "/state")
        try reg.revoke(name: "tests")
        try server.reloadRegistry()
    }
}

extension JSONValue {
    /// A logged request's form or query as pairs.
    public func pairs(_ key: String) -> [(String, String)] {
        (self[key]?.list ?? []).compactMap { p in
            guard let k = p[0]?.string, let v = p[1]?.string else { return nil }
            return (k, v)
        }
    }
}

/// Waiting on a condition instead of a fixed sleep: polls every 20 ms until it holds or the time
/// is up, and says which.
public enum Wait {
    @discardableResult
    public static func until(timeout: TimeInterval = 10, _ condition: () throws -> Bool) rethrows -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if try condition() { return true }
            usleep(20_000)
        }
        return try condition()
    }
}

/// Private temporary directories (0700), removed never: test output stays inspectable.
public enum TempDir {
    /// One private directory per test process, removed when the process exits: every run made
    /// some 150 directories (caches of megabytes among them) and left them all behind.
    static let root: String = {
        let r = NSTemporaryDirectory() + "rounds-tests-\(getpid())-\(UUID().uuidString.prefix(6))"
        try? FileManager.default.createDirectory(
            atPath: r, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        atexit { try? FileManager.default.removeItem(atPath: TempDir.root) }
        return r
    }()

    public static func make(_ prefix: String) throws -> String {
        let path = root + "/\(prefix)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return path
    }
}

extension CLIRunner {
    /// `rounds connect` to a sandbox harness with its client and secret file.
    @discardableResult
    public func connect(
        _ h: SandboxHarness, version: String = "r4", name: String = "ehr",
        extra: [String] = []
    ) throws -> Result {
        try run(
            [
                "connect", h.base(version), "--client-id", h.clientId, "--tenant", h.tenant,
                "--secret-file", h.secretFile, "--name", name,
            ] + extra)
    }
}
