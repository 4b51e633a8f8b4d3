import Foundation

/// A sync run's totals.
public struct SyncRunRecord: Sendable, Equatable, Codable {
    public var id: Int64
    public var startedAt: Date
    public var finishedAt: Date?
    public var list: String?
    public var synced: Int
    public var unchanged: Int
    public var failed: Int
    public var interrupted: Bool
}
