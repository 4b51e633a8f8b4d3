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

/// What became of one patient in a sync run: `synced`, `unchanged` or `failed`, and why it failed.
public struct SyncOutcomeRow: Sendable, Equatable {
    public var patientId: String
    public var outcome: String
    public var reason: String?

    public init(patientId: String, outcome: String, reason: String?) {
        self.patientId = patientId
        self.outcome = outcome
        self.reason = reason
    }
}
