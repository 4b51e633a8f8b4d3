/// A problem or diagnosis on the patient's record.
public struct Condition: Sendable, Hashable, Codable {
    public var display: String
    public var recorded: FHIRDate?
    public var severity: String?
    public var clinicalStatus: String?
    public init(display: String, recorded: FHIRDate? = nil, severity: String? = nil, clinicalStatus: String? = nil) {
        self.display = display; self.recorded = recorded; self.severity = severity; self.clinicalStatus = clinicalStatus
    }
}

// Absent values are written as null so `--json` readers can rely on every key.
extension Condition {
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(display, forKey: .display); try c.encode(recorded, forKey: .recorded)
        try c.encode(severity, forKey: .severity); try c.encode(clinicalStatus, forKey: .clinicalStatus)
    }
}
