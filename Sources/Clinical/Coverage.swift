/// Insurance coverage: who pays and under which plan.
public struct Coverage: Sendable, Hashable, Codable {
    public var payor: String?
    public var plan: String?
    public var group: String?
    public var subscriberId: String?
    public var periodStart: FHIRDate?
    public var periodEnd: FHIRDate?
    public init(
        payor: String? = nil, plan: String? = nil, group: String? = nil, subscriberId: String? = nil,
        periodStart: FHIRDate? = nil, periodEnd: FHIRDate? = nil
    ) {
        self.payor = payor
        self.plan = plan
        self.group = group
        self.subscriberId = subscriberId
        self.periodStart = periodStart
        self.periodEnd = periodEnd
    }

    /// `Contoso Gold PPO`: payor and plan, whichever are known.
    public var summary: String {
        [payor, plan].compactMap { $0 }.joined(separator: " · ")
    }
}

// Absent values are written as null so `--json` readers can rely on every key.
extension Coverage {
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(payor, forKey: .payor)
        try c.encode(plan, forKey: .plan)
        try c.encode(group, forKey: .group)
        try c.encode(subscriberId, forKey: .subscriberId)
        try c.encode(periodStart, forKey: .periodStart)
        try c.encode(periodEnd, forKey: .periodEnd)
    }
}
