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
    /// What unlocks the screen: the user's password (PAM) or a Rounds PIN. Unset: the PIN when
    /// one is set, else the password.
    public var unlock: UnlockMethod?
    /// The PAM service for the password (default `rounds` when /etc/pam.d/rounds exists, else `login`).
    public var pamService: String?
    /// Vital signs older than this many hours make NEWS2 partial.
    public var news2StaleHours: Double?
    public var timeoutSeconds: Double?
    public var concurrency: Int?
    /// Patients whose queries go in one batch during a sync (default 10; 1 sends one per patient).
    public var patientsPerBatch: Int?
    /// The open list is refreshed in the background this often (default 5; 0 turns it off).
    public var refreshMinutes: Double?

    public struct CacheSettings: Codable, Sendable, Equatable {
        /// Cached PHI no list needs is purged at start when older than this.
        public var maxAgeDays: Double?
        public init() {}
    }

    public init() {}

    enum CodingKeys: String, CodingKey {
        case displayName, cache, theme, mouse, lockMinutes, unlock, pamService, news2StaleHours, timeoutSeconds,
            concurrency, patientsPerBatch, refreshMinutes
    }

    /// Every key is optional: a config.json with only `{"concurrency": 1}` is valid.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        displayName = try c.decodeIfPresent(String.self, forKey: .displayName)
        cache = try c.decodeIfPresent(CacheSettings.self, forKey: .cache) ?? CacheSettings()
        theme = try c.decodeIfPresent(String.self, forKey: .theme)
        mouse = try c.decodeIfPresent(Bool.self, forKey: .mouse)
        lockMinutes = try c.decodeIfPresent(Double.self, forKey: .lockMinutes)
        unlock = try c.decodeIfPresent(UnlockMethod.self, forKey: .unlock)
        pamService = try c.decodeIfPresent(String.self, forKey: .pamService)
        news2StaleHours = try c.decodeIfPresent(Double.self, forKey: .news2StaleHours)
        timeoutSeconds = try c.decodeIfPresent(Double.self, forKey: .timeoutSeconds)
        concurrency = try c.decodeIfPresent(Int.self, forKey: .concurrency)
        patientsPerBatch = try c.decodeIfPresent(Int.self, forKey: .patientsPerBatch)
        refreshMinutes = try c.decodeIfPresent(Double.self, forKey: .refreshMinutes)
    }

    public static func load(_ paths: RoundsPaths) throws -> Settings {
        guard let data = FileManager.default.contents(atPath: paths.settingsFile) else { return Settings() }
        let settings: Settings
        do { settings = try JSONDecoder.rounds.decode(Settings.self, from: data) } catch {
            throw CoreError.badConfiguration("Cannot read '\(paths.settingsFile)': \(ErrorText.describe(error)).")
        }
        try settings.validate(file: paths.settingsFile)
        return settings
    }

    /// Every number in range, or a sentence naming the bad value (an absurd timeout crashed the
    /// HTTP library; an absurd staleness would call week-old vitals current).
    public func validate(file: String) throws {
        func check(_ value: Double?, _ key: String, _ range: ClosedRange<Double>, _ unit: String) throws {
            guard let value else { return }
            guard value.isFinite, range.contains(value) else {
                let bounds = "\(SettingNumber.text(range.lowerBound)) to \(SettingNumber.text(range.upperBound))"
                throw CoreError.badConfiguration(
                    "'\(key)' in \(file) is \(value): give a number of \(unit) from \(bounds).")
            }
        }
        try check(timeoutSeconds, "timeoutSeconds", Settings.timeoutRange, "seconds")
        try check(lockMinutes, "lockMinutes", 0...1440, "minutes")
        try check(news2StaleHours, "news2StaleHours", 1...168, "hours")
        try check(cache.maxAgeDays, "cache.maxAgeDays", 0...3650, "days")
        try check(concurrency.map(Double.init), "concurrency", 1...64, "requests")
        try check(patientsPerBatch.map(Double.init), "patientsPerBatch", 1...50, "patients")
        try check(refreshMinutes, "refreshMinutes", 0...1440, "minutes")
    }

    /// What a request timeout may be, from config.json or `ROUNDS_TIMEOUT`.
    public static let timeoutRange: ClosedRange<Double> = 1...600

    /// `ROUNDS_TIMEOUT`, checked: `nil` when unset.
    public static func timeoutFromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws
        -> Double?
    {
        guard let text = env["ROUNDS_TIMEOUT"], !text.isEmpty else { return nil }
        guard let value = Double(text), value.isFinite, timeoutRange.contains(value) else {
            throw CoreError.badConfiguration("ROUNDS_TIMEOUT is '\(text)': give a number of seconds from 1 to 600.")
        }
        return value
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

/// Numbers in messages: `600`, not `600.0`.
enum SettingNumber {
    static func text(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v) }
}
