import Foundation

/// A rounding list: its name, place, default flag, columns and ordered patients.
public struct PatientList: Sendable, Equatable, Codable {
    public var id: Int64
    public var name: String
    public var position: Int
    public var isDefault: Bool
    /// Column keys in display order (interpreted by RoundsCore's `Column`).
    public var columns: [String]
    public var patientIds: [String]
    public var createdAt: Date
}

/// A note on a patient, written by a member of the team.
public struct Note: Sendable, Equatable, Codable {
    public var id: Int64
    public var patientId: String
    public var author: String
    public var createdAt: Date
    public var text: String
    /// Whether the note is the team's (written through the team database; `author` is a role).
    public var isTeams: Bool = false

    enum CodingKeys: String, CodingKey { case id, patientId, author, createdAt, text }

    public init(id: Int64, patientId: String, author: String, createdAt: Date, text: String, isTeams: Bool = false) {
        self.id = id
        self.patientId = patientId
        self.author = author
        self.createdAt = createdAt
        self.text = text
        self.isTeams = isTeams
    }
}

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
