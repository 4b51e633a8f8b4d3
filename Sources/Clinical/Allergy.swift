/// An allergy or intolerance with what happens on exposure.
public struct Allergy: Sendable, Hashable, Codable {
    public var substance: String
    /// DSTU2's single status (active, unconfirmed, confirmed, resolved, refuted…).
    public var status: String?
    public var clinicalStatus: String?
    public var verificationStatus: String?
    public var criticality: String?
    public var recorded: FHIRDate?
    public var note: String?
    public var reactions: [AllergyReaction]

    public init(
        substance: String, status: String? = nil, clinicalStatus: String? = nil, verificationStatus: String? = nil,
        criticality: String? = nil, recorded: FHIRDate? = nil, note: String? = nil, reactions: [AllergyReaction] = []
    ) {
        self.substance = substance
        self.status = status
        self.clinicalStatus = clinicalStatus
        self.verificationStatus = verificationStatus
        self.criticality = criticality
        self.recorded = recorded
        self.note = note
        self.reactions = reactions
    }

    /// `Penicillin V — anaphylaxis, urticaria`.
    public var summary: String {
        let m = reactions.flatMap(\.manifestations)
        return m.isEmpty ? substance : "\(substance) — \(m.joined(separator: ", "))"
    }

    /// True when the allergy is refuted, resolved or entered in error: shown, but not as a warning.
    public var isInactive: Bool {
        let s = [status, clinicalStatus, verificationStatus].compactMap { $0?.lowercased() }
        return s.contains { ["refuted", "resolved", "inactive", "entered-in-error"].contains($0) }
    }
}

/// One reaction: the substance (when it differs) and how it showed.
public struct AllergyReaction: Sendable, Hashable, Codable {
    public var substance: String?
    public var manifestations: [String]
    public var severity: String?
    public init(substance: String? = nil, manifestations: [String] = [], severity: String? = nil) {
        self.substance = substance
        self.manifestations = manifestations
        self.severity = severity
    }
}

// Absent values are written as null so `--json` readers can rely on every key.
extension Allergy {
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(substance, forKey: .substance)
        try c.encode(status, forKey: .status)
        try c.encode(clinicalStatus, forKey: .clinicalStatus)
        try c.encode(verificationStatus, forKey: .verificationStatus)
        try c.encode(criticality, forKey: .criticality)
        try c.encode(recorded, forKey: .recorded)
        try c.encode(note, forKey: .note)
        try c.encode(reactions, forKey: .reactions)
    }
}

// Absent values are written as null so `--json` readers can rely on every key.
extension AllergyReaction {
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(substance, forKey: .substance)
        try c.encode(manifestations, forKey: .manifestations)
        try c.encode(severity, forKey: .severity)
    }
}
