import Foundation

/// Where Rounds keeps its state: `$ROUNDS_HOME` when set (tests use it), else the XDG config and
/// data directories. Directories are created 0700.
public struct RoundsPaths: Sendable, Equatable {
    public let configDirectory: String
    public let dataDirectory: String

    public init(environment env: [String: String] = ProcessInfo.processInfo.environment) {
        if let home = env["ROUNDS_HOME"], !home.isEmpty {
            configDirectory = home
            dataDirectory = home + "/data"
        } else {
            let userHome = env["HOME"] ?? NSHomeDirectory()
            let config = env["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? userHome + "/.config"
            let data = env["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? userHome + "/.local/share"
            configDirectory = config + "/rounds"
            dataDirectory = data + "/rounds"
        }
    }

    public var connectionsFile: String { configDirectory + "/connections.json" }
    public var settingsFile: String { configDirectory + "/config.json" }
    /// The team database this workstation shares with (`rounds team connect`).
    public var teamFile: String { configDirectory + "/team.json" }
    /// The screen lock's PIN, as a salted slow hash (0600).
    public var pinFile: String { configDirectory + "/lock-pin" }
    public var themesDirectory: String { configDirectory + "/themes" }

    /// The cache of one connection and tenant: PHI of two tenants never shares a file.
    public func cacheFile(connection: String, tenant: String) -> String {
        dataDirectory + "/" + RoundsPaths.safe(connection) + "--" + RoundsPaths.safe(tenant) + ".sqlite"
    }

    /// Creates both directories 0700 (and tightens them if they exist with wider modes).
    public func prepare() throws {
        for d in [configDirectory, dataDirectory] {
            try FileManager.default.createDirectory(
                atPath: d, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            chmod(d, 0o700)
        }
    }

    static func safe(_ s: String) -> String {
        let mapped = s.unicodeScalars.map { c -> Character in
            CharacterSet.alphanumerics.contains(c) || c == "-" || c == "_" || c == "." ? Character(c) : "_"
        }
        return String(mapped)
    }
}
