/// A medication order (DSTU2 MedicationOrder, STU3/R4 MedicationRequest).
public struct Medication: Sendable, Hashable, Codable {
    public var name: String
    public var authored: FHIRDate?
    public var prescriber: String?
    public var dosage: [String]
    public var ended: FHIRDate?
    public var status: String?
    public init(name: String, authored: FHIRDate? = nil, prescriber: String? = nil, dosage: [String] = [],
                ended: FHIRDate? = nil, status: String? = nil) {
        self.name = name; self.authored = authored; self.prescriber = prescriber; self.dosage = dosage
        self.ended = ended; self.status = status
    }
}

// Absent values are written as null so `--json` readers can rely on every key.
extension Medication {
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name); try c.encode(authored, forKey: .authored)
        try c.encode(prescriber, forKey: .prescriber); try c.encode(dosage, forKey: .dosage)
        try c.encode(ended, forKey: .ended); try c.encode(status, forKey: .status)
    }
}
