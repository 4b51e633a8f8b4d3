/// A medication order (DSTU2 MedicationOrder, STU3/R4 MedicationRequest).
public struct Medication: Sendable, Hashable, Codable {
    public var name: String
    public var authored: FHIRDate?
    public var prescriber: String?
    public var dosage: [String]
    public var ended: FHIRDate?
    public var status: String?
    public init(
        name: String, authored: FHIRDate? = nil, prescriber: String? = nil, dosage: [String] = [],
        ended: FHIRDate? = nil, status: String? = nil
    ) {
        self.name = name
        self.authored = authored
        self.prescriber = prescriber
        self.dosage = dosage
        self.ended = ended
        self.status = status
    }

    /// Stopped, completed and cancelled orders are history, shown apart from what the patient is on.
    /// An order without a status (or `draft`, `on-hold`, `unknown`) stays with the current ones,
    /// its status shown: Rounds cannot say it has ended.
    public var isCurrent: Bool {
        guard let status = status?.lowercased() else { return true }
        return !Medication.endedStatuses.contains(status)
    }

    public static let endedStatuses: Set<String> = ["stopped", "completed", "cancelled"]

    /// Current orders first, then the ended ones; newest first within each (by authored date,
    /// orders without a readable date last), keeping the server's order for ties.
    public static func ordered(_ medications: [Medication]) -> [Medication] {
        medications.enumerated().sorted { a, b in
            if a.element.isCurrent != b.element.isCurrent { return a.element.isCurrent }
            if FHIRDate.isEarlier(b.element.authored, a.element.authored) { return true }
            if FHIRDate.isEarlier(a.element.authored, b.element.authored) { return false }
            return a.offset < b.offset
        }.map(\.element)
    }
}

// Absent values are written as null so `--json` readers can rely on every key.
extension Medication {
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(authored, forKey: .authored)
        try c.encode(prescriber, forKey: .prescriber)
        try c.encode(dosage, forKey: .dosage)
        try c.encode(ended, forKey: .ended)
        try c.encode(status, forKey: .status)
    }
}
