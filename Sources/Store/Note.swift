import Foundation

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
