import Clinical
import FHIRClient
import Foundation
import Store

/// The offline side of one saved connection: its cache file (per connection and tenant) and the
/// settings that govern it.
public struct Workspace: Sendable {
    public let paths: RoundsPaths
    public let settings: Settings
    public let connection: SavedConnection
    public let cache: Cache
    /// The team database this workstation shares with, if `rounds team connect` was run.
    public let team: TeamConnection?

    /// Opens the cache of `connection`, creating it 0600 in a 0700 directory, and purges cached
    /// PHI older than `cache.maxAgeDays` that no list needs.
    public init(
        paths: RoundsPaths, settings: Settings, connection: SavedConnection,
        now: @escaping @Sendable () -> Date = Date.init
    ) throws {
        self.paths = paths
        self.settings = settings
        self.connection = connection
        try paths.prepare()
        let cachePath = paths.cacheFile(connection: connection.name, tenant: connection.tenant)
        try FileOwnership.refuseForeignLink(cachePath, what: "cache")
        cache = try Cache(path: cachePath, now: now)
        team = try TeamConnection.load(paths)
        if let days = settings.cache.maxAgeDays, days > 0 {
            try cache.purge(olderThan: now().addingTimeInterval(-days * 86400))
        }
    }

    /// "offline: showing data synced 2026-11-25 08:14, 3 h ago"
    public func offlineBanner(now: Date = Date()) -> String {
        let lastRun = (try? cache.lastSyncRun())??.finishedAt
        let lastFetch = (try? cache.lastFetched()) ?? nil
        guard let last = lastRun ?? lastFetch else {
            return "offline: nothing has been synced yet"
        }
        return "offline: showing data synced \(Age.stamp(last)), \(Age.describe(since: last, now: now))"
    }
}
