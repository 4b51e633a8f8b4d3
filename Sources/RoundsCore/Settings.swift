import Foundation

/// `config.json`: the user's and the admin's choices. Every key is optional in the file.
public struct Settings: Codable, Sendable, Equatable {
    /// Shown as the author of notes and in the audit trail; defaults to the OS user.
    public var displayName: String?
    public var cache = CacheSettings()
    public var theme: String?
    public var mouse: Bool?
    /// Idle minutes before the screen locks.
    public var lockMinutes: Double?
    /// Vital signs older than this many hours make NEWS2 partial.
    public var news2StaleHours: Double?
    public var timeoutSeconds: Double?
    public var concurrency: Int?

    public struct CacheSettings: Codable, Sendable, Equatable {
        /// Cached PHI no list needs is purged at start when older than this.
        public var maxAgeDays: Double?
        public init() {}
    }

    public init() {}

    public static func load(_ paths: RoundsPaths) throws -> Settings {
        guard let data = FileManager.default.contents(atPath: paths.settingsFile) else { return Settings() }
        do { return try JSONDecoder.rounds.decode(Settings.self, from: data) } catch {
            throw CoreError.badConfiguration("Cannot read '\(paths.settingsFile)': \(error).")
        }
    }

    /// The name notes and audit records carry.
    public var author: String { displayName ?? OSUser.name }
}

/// The operating-system user running Rounds.
public enum OSUser {
    public static var name: String {
        if let pw = getpwuid(getuid()), let n = pw.pointee.pw_name { return String(cString: n) }
        return ProcessInfo.processInfo.environment["USER"] ?? "unknown"
    }
}
