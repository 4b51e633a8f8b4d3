/// The FHIR release a record came from. Kept only as provenance: nothing in the clinical model
/// changes shape with it.
public enum FHIRRelease: String, Sendable, Hashable, Codable, CaseIterable {
    case dstu2 = "DSTU2"
    case stu3 = "STU3"
    case r4 = "R4"
}
