/// What became of one patient in a sync run: a `SaveOutcome` (`new`, `updated`, `unchanged`) or
/// `failed`, and why it failed.
public struct SyncOutcomeRow: Sendable, Equatable {
    public var patientId: String
    public var outcome: String
    public var reason: String?

    public init(patientId: String, outcome: String, reason: String?) {
        self.patientId = patientId
        self.outcome = outcome
        self.reason = reason
    }
}
