/// A problem or diagnosis on the patient's record.
public struct Condition: Sendable, Hashable, Codable {
    public var display: String
    public var recorded: FHIRDate?
    public var severity: String?
    public var clinicalStatus: String?
    /// `confirmed`, `provisional`, `refuted`… (DSTU2 `verificationStatus` too).
    public var verificationStatus: String?

    public init(
        display: String, recorded: FHIRDate? = nil, severity: String? = nil, clinicalStatus: String? = nil,
        verificationStatus: String? = nil
    ) {
        self.display = display
        self.recorded = recorded
        self.severity = severity
        self.clinicalStatus = clinicalStatus
        self.verificationStatus = verificationStatus
    }

    /// Resolved, inactive or in remission, or refuted: shown marked as such, not as a current problem.
    public var isInactive: Bool {
        let clinical = clinicalStatus?.lowercased()
        if let clinical, ["resolved", "inactive", "remission"].contains(clinical) { return true }
        return verificationStatus?.lowercased() == "refuted"
    }

    /// `resolved`, `refuted`…: the word that says why the condition is not current.
    public var inactiveReason: String? {
        guard isInactive else { return nil }
        if verificationStatus?.lowercased() == "refuted" { return "refuted" }
        return clinicalStatus?.lowercased()
    }

    /// Current conditions first, the rest after, each group in the server's order.
    public static func ordered(_ conditions: [Condition]) -> [Condition] {
        conditions.filter { !$0.isInactive } + conditions.filter(\.isInactive)
    }
}

// Absent values are written as null so `--json` readers can rely on every key.
extension Condition {
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(display, forKey: .display)
        try c.encode(recorded, forKey: .recorded)
        try c.encode(severity, forKey: .severity)
        try c.encode(clinicalStatus, forKey: .clinicalStatus)
        try c.encode(verificationStatus, forKey: .verificationStatus)
    }
}
