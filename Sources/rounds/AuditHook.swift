import RoundsCore

/// Placeholder until the audit trail lands: the call sites are in place.
enum AuditHook {
    static func record(_ ctx: CLIContext, operation: String, connection: SavedConnection?, patients: [String] = [], list: String? = nil, outcome: String) throws {}
}
