/// What a list row shows of the sections that are lists (allergies, conditions, medications,
/// coverage): a count and the first item. Kept with each cached patient so a list of a thousand
/// opens without reading those sections.
public struct SectionDigest: Sendable, Hashable {
    public var activeAllergies: Int
    public var firstAllergy: String?
    /// The allergy section came back empty (shown as "none", not "—").
    public var allergiesEmpty: Bool
    public var conditions: Int
    public var firstCondition: String?
    public var medications: Int
    public var payor: String?

    public init(
        activeAllergies: Int = 0, firstAllergy: String? = nil, allergiesEmpty: Bool = false, conditions: Int = 0,
        firstCondition: String? = nil, medications: Int = 0, payor: String? = nil
    ) {
        self.activeAllergies = activeAllergies
        self.firstAllergy = firstAllergy
        self.allergiesEmpty = allergiesEmpty
        self.conditions = conditions
        self.firstCondition = firstCondition
        self.medications = medications
        self.payor = payor
    }

    public init(record r: PatientRecord) {
        let active = r.allergies.filter { !$0.isInactive }
        // Counts are of what is current: resolved problems and stopped orders are history.
        let currentConditions = r.conditions.filter { !$0.isInactive }
        let currentMedications = r.medications.filter(\.isCurrent)
        self.init(
            activeAllergies: active.count, firstAllergy: active.first?.substance,
            allergiesEmpty: r.state(of: .allergies).status == .empty,
            conditions: currentConditions.count, firstCondition: currentConditions.first?.display,
            medications: currentMedications.count, payor: r.coverage.first?.payor)
    }
}
