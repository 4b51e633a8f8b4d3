/// What a user searches patients by. The FHIR client turns it into per-release search
/// parameters; the offline cache into index lookups.
public struct PatientCriteria: Sendable, Equatable {
    public var name: String?
    public var family: String?
    public var given: String?
    public var mrn: String?
    public var birthDate: String?
    public var gender: String?
    public var id: String?
    /// Page size.
    public var count: Int

    public init(
        name: String? = nil, family: String? = nil, given: String? = nil, mrn: String? = nil,
        birthDate: String? = nil, gender: String? = nil, id: String? = nil, count: Int = 25
    ) {
        self.name = name
        self.family = family
        self.given = given
        self.mrn = mrn
        self.birthDate = birthDate
        self.gender = gender
        self.id = id
        self.count = count
    }

    public var isEmpty: Bool { [name, family, given, mrn, birthDate, gender, id].allSatisfy { $0?.isEmpty ?? true } }
}
