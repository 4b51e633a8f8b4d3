/// The patient's most recent encounter: where they are and in what capacity.
public struct Encounter: Sendable, Hashable, Codable {
    public var status: String?
    public var type: String?
    public var encounterClass: String?
    public var start: FHIRDate?
    public var end: FHIRDate?
    public var location: String?

    public init(
        status: String? = nil, type: String? = nil, encounterClass: String? = nil,
        start: FHIRDate? = nil, end: FHIRDate? = nil, location: String? = nil
    ) {
        self.status = status
        self.type = type
        self.encounterClass = encounterClass
        self.start = start
        self.end = end
        self.location = location
    }

    enum CodingKeys: String, CodingKey {
        case status, type
        case encounterClass = "class"
        case start, end, location
    }
}

// Absent values are written as null so `--json` readers can rely on every key.
extension Encounter {
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(status, forKey: .status)
        try c.encode(type, forKey: .type)
        try c.encode(encounterClass, forKey: .encounterClass)
        try c.encode(start, forKey: .start)
        try c.encode(end, forKey: .end)
        try c.encode(location, forKey: .location)
    }
}
