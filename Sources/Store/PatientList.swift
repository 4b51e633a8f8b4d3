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
