import Foundation

/// The parts of a patient record that are fetched (and can fail) independently.
public enum ClinicalSection: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case vitals, encounter, conditions, allergies, medications, coverage

    public static func < (a: ClinicalSection, b: ClinicalSection) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// The heading on screen.
    public var title: String {
        switch self {
        case .vitals: return "Vital signs"
        case .encounter: return "Location"
        case .conditions: return "Conditions"
        case .allergies: return "Allergies"
        case .medications: return "Medications"
        case .coverage: return "Coverage"
        }
    }
}

/// Whether a section loaded: with data, with nothing, or not at all (and why).
public enum SectionStatus: Sendable, Hashable {
    case ok
    case empty
    case unavailable(reason: String)

    public var name: String {
        switch self {
        case .ok: return "ok"
        case .empty: return "empty"
        case .unavailable: return "unavailable"
        }
    }

    public var reason: String? {
        if case .unavailable(let r) = self { return r }
        return nil
    }
}

/// A section's status plus when its data was fetched and whether that data is an older copy kept
/// because the latest fetch failed.
public struct SectionState: Sendable, Hashable, Codable {
    public var status: SectionStatus
    public var fetchedAt: Date?
    /// The data shown is the previous good copy; `staleReason` says why the refresh failed.
    public var stale: Bool
    public var staleReason: String?
    /// Set when the server had more than Rounds read (a page bound, a page that failed): the
    /// data shown may miss older records.
    public var incomplete: String?

    public init(
        _ status: SectionStatus, fetchedAt: Date? = nil, stale: Bool = false, staleReason: String? = nil,
        incomplete: String? = nil
    ) {
        self.status = status
        self.fetchedAt = fetchedAt
        self.stale = stale
        self.staleReason = staleReason
        self.incomplete = incomplete
    }

    enum CodingKeys: String, CodingKey { case status, reason, fetchedAt, stale, staleReason, incomplete }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let name = try c.decode(String.self, forKey: .status)
        switch name {
        case "ok": status = .ok
        case "empty": status = .empty
        default: status = .unavailable(reason: try c.decodeIfPresent(String.self, forKey: .reason) ?? "unknown")
        }
        fetchedAt = try c.decodeIfPresent(String.self, forKey: .fetchedAt).flatMap { FHIRDate($0).instant }
        stale = try c.decodeIfPresent(Bool.self, forKey: .stale) ?? false
        staleReason = try c.decodeIfPresent(String.self, forKey: .staleReason)
        incomplete = try c.decodeIfPresent(String.self, forKey: .incomplete)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(status.name, forKey: .status)
        if let r = status.reason { try c.encode(r, forKey: .reason) }
        if let fetchedAt { try c.encode(FHIRDate.iso8601(fetchedAt), forKey: .fetchedAt) }
        if stale {
            try c.encode(true, forKey: .stale)
            try c.encodeIfPresent(staleReason, forKey: .staleReason)
        }
        try c.encodeIfPresent(incomplete, forKey: .incomplete)
    }
}
