/// Who the patient is: the demographics a rounding list shows.
public struct Patient: Sendable, Hashable, Codable {
    public var id: String
    public var name: PersonName?
    public var gender: String?
    public var birthDate: FHIRDate?
    public var mrn: String?
    public var generalPractitioner: [String]

    public init(
        id: String, name: PersonName? = nil, gender: String? = nil, birthDate: FHIRDate? = nil,
        mrn: String? = nil, generalPractitioner: [String] = []
    ) {
        self.id = id
        self.name = name
        self.gender = gender
        self.birthDate = birthDate
        self.mrn = mrn
        self.generalPractitioner = generalPractitioner
    }

    /// `Family, Given` or `(no name)`.
    public var displayName: String { name?.display ?? PersonName.noName }

    /// `F`, `M`, `O`, `U` or `?`.
    public var sexLetter: String {
        switch gender?.lowercased() {
        case "female": return "F"
        case "male": return "M"
        case "other": return "O"
        case "unknown": return "U"
        default: return "?"
        }
    }
}
